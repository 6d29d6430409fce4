import ChanCrypto
import ChanLedger

// The channel itself and what it negotiates before and after its commitments.

extension Channel {
    /// The fields in declaration order (listed in `ChannelRecord`); the keys as their index and key check.
    func write(to writer: inout RecordWriter) {
        writer.u64(keys.index)
        writer.fixed(Channel.keyCheck(keys))
        writer.write(peerID)
        writer.bool(weAreOpener)
        writer.write(chainHash)
        writer.write(localConfig)
        writer.write(destination)
        writer.write(phase)
        writer.write(temporaryChannelID)
        writer.write(opening)
        writer.optional(commitments)
        writer.optional(fundingTransaction)
        writer.optional(shortChannelID)
        writer.u32(fundingDepth)
        writer.bool(channelReadySent)
        writer.bool(channelReadyReceived)
        writer.bool(isConnected)
        writer.bool(awaitingReestablish)
        writer.u32(currentHeight)
        writer.write(shutdown)
        writer.array(pendingReplay)
        writer.optional(onChain)
        writer.bool(awaitingPeerCommitment)
    }

    /// Reads a channel back, its keys derived from `nodeKeys`; refuses keys that fail the key check.
    init(from reader: inout RecordReader, nodeKeys: NodeKeys) throws(RecordError) {
        keys = nodeKeys.channelKeys(index: try reader.u64())
        guard try reader.fixed(Channel.keyCheckLength) == Channel.keyCheck(keys) else {
            throw .mismatch("the channel's keys are not this node's (another seed?)")
        }
        peerID = try reader.read()
        weAreOpener = try reader.bool()
        chainHash = try reader.read()
        localConfig = try reader.read()
        destination = try reader.read()
        phase = try reader.read()
        temporaryChannelID = try reader.read()
        opening = try reader.read()
        commitments = try reader.optional()
        fundingTransaction = try reader.optional()
        shortChannelID = try reader.optional()
        fundingDepth = try reader.u32()
        channelReadySent = try reader.bool()
        channelReadyReceived = try reader.bool()
        isConnected = try reader.bool()
        awaitingReestablish = try reader.bool()
        currentHeight = try reader.u32()
        shutdown = try reader.read()
        pendingReplay = try reader.array()
        onChain = try reader.optional()
        awaitingPeerCommitment = try reader.bool()
    }
}

extension Channel {
    static let keyCheckLength = 8

    /// The first 8 bytes of SHA-256(label || funding secret): whether the keys derived from a
    /// node's seed are the ones the record was written with. Comparing the stored basepoints
    /// instead would cost a point multiplication per key, at every read of the record; the
    /// digest tells nothing about the secret that its public key does not already fix.
    static func keyCheck(_ keys: ChannelKeys) -> [UInt8] {
        Array(SHA256.hash(Array("chan channel record key check".utf8) + keys.funding.secretBytes).prefix(keyCheckLength))
    }
}

/// Frozen tags of `ChannelPhase`. DO NOT reorder or reuse: records on disk hold them.
private enum ChannelPhaseTag: UInt8 {
    case opening = 0
    case awaitingFunding = 1
    case normal = 2
    case shuttingDown = 3
    case closing = 4
    case forceClosing = 5
    case closed = 6
}

extension ChannelPhase: RecordCodable {
    func write(to writer: inout RecordWriter) {
        let tag: ChannelPhaseTag = switch self {
        case .opening: .opening
        case .awaitingFunding: .awaitingFunding
        case .normal: .normal
        case .shuttingDown: .shuttingDown
        case .closing: .closing
        case .forceClosing: .forceClosing
        case .closed: .closed
        }
        writer.tag(tag)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self = switch try reader.tag(ChannelPhaseTag.self) {
        case .opening: .opening
        case .awaitingFunding: .awaitingFunding
        case .normal: .normal
        case .shuttingDown: .shuttingDown
        case .closing: .closing
        case .forceClosing: .forceClosing
        case .closed: .closed
        }
    }
}

/// dust limit, reserve (u64 sat), HTLC minimum, max in flight (u64 msat), to_self_delay,
/// max accepted HTLCs (u16).
extension ChannelConfig: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(dustLimit)
        writer.write(channelReserve)
        writer.write(htlcMinimum)
        writer.write(maxHTLCValueInFlight)
        writer.u16(toSelfDelay)
        writer.u16(maxAcceptedHTLCs)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(dustLimit: try reader.read(), channelReserve: try reader.read(), htlcMinimum: try reader.read(),
                  maxHTLCValueInFlight: try reader.read(), toSelfDelay: try reader.u16(), maxAcceptedHTLCs: try reader.u16())
    }
}

/// funding, revocation, payment, delayed payment, htlc.
extension Basepoints: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(funding)
        writer.write(revocation)
        writer.write(payment)
        writer.write(delayedPayment)
        writer.write(htlc)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(funding: try reader.read(), revocation: try reader.read(), payment: try reader.read(),
                  delayedPayment: try reader.read(), htlc: try reader.read())
    }
}

/// funding amount, push amount, feerate (u32), minimum depth (u32), then the optional remote
/// config, remote basepoints, first point, funding outpoint and second point; from version 2,
/// announce channel.
extension OpeningNegotiation: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(fundingAmount)
        writer.write(pushAmount)
        writer.u32(feeratePerKw)
        writer.u32(minimumDepth)
        writer.optional(remoteConfig)
        writer.optional(remoteBasepoints)
        writer.optional(remoteFirstPoint)
        writer.optional(fundingOutPoint)
        writer.optional(remoteSecondPoint)
        writer.bool(announceChannel)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(fundingAmount: try reader.read(), pushAmount: try reader.read(), feeratePerKw: try reader.u32(),
                  minimumDepth: try reader.u32(), remoteConfig: try reader.optional(), remoteBasepoints: try reader.optional(),
                  remoteFirstPoint: try reader.optional(), fundingOutPoint: try reader.optional(),
                  remoteSecondPoint: try reader.optional(), announceChannel: reader.version >= 2 ? try reader.bool() : false)
    }
}

/// local sent, then the optional remote destination, last proposed fee, closing transaction
/// and remote HTLC id limit.
extension ShutdownNegotiation: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.bool(localSent)
        writer.optional(remoteDestination)
        writer.optional(lastProposedFee)
        writer.optional(closingTransaction)
        writer.optional(remoteHTLCIDLimit)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init()
        localSent = try reader.bool()
        remoteDestination = try reader.optional()
        lastProposedFee = try reader.optional()
        closingTransaction = try reader.optional()
        remoteHTLCIDLimit = try reader.optional()
    }
}
