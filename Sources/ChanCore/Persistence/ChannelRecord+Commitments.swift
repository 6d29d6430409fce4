import ChanCrypto
import ChanLedger

// The channel's commitments, their change logs and what the peer revealed.

/// parameters, channel id, local, remote, remote next, local changes, remote changes, local
/// and remote next HTLC ids (u64), remote secrets, preimages (by payment hash, ascending),
/// reported fulfilments (ascending), incoming onions (by HTLC id, ascending).
extension Commitments: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(parameters)
        writer.write(channelID)
        writer.write(local)
        writer.write(remote)
        writer.write(remoteNext)
        writer.write(localChanges)
        writer.write(remoteChanges)
        writer.u64(localNextHTLCID)
        writer.u64(remoteNextHTLCID)
        writer.write(remoteSecrets)
        writer.count(preimages.count)
        for (hash, preimage) in preimages.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            writer.write(hash)
            writer.write(preimage)
        }
        writer.sortedSet(reportedFulfilments)
        writer.count(incomingOnions.count)
        for (id, onion) in incomingOnions.sorted(by: { $0.key < $1.key }) {
            writer.u64(id)
            writer.write(onion)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        let parameters = try reader.read(ChannelParameters.self)
        let channelID = try reader.read(ChannelID.self)
        let local = try reader.read(LocalCommitment.self)
        let remote = try reader.read(RemoteCommitment.self)
        let remoteNext = try reader.read(RemoteNextCommitment.self)
        let localChanges = try reader.read(ChangeLog.self)
        let remoteChanges = try reader.read(ChangeLog.self)
        let localNextHTLCID = try reader.u64()
        let remoteNextHTLCID = try reader.u64()
        let remoteSecrets = try reader.read(ShachainStore.self)
        let preimageCount = try reader.count(of: "preimages", minimumSize: 64)
        var preimages: [PaymentHash: Preimage] = Dictionary(minimumCapacity: preimageCount)
        var previous: PaymentHash?
        for _ in 0..<preimageCount {
            let hash = try reader.read(PaymentHash.self)
            if let previous, !previous.bytes.lexicographicallyPrecedes(hash.bytes) {
                throw reader.malformed("preimages are not in ascending order of their hashes")
            }
            preimages[hash] = try reader.read(Preimage.self)
            previous = hash
        }
        let reportedFulfilments = try reader.sortedSet(of: "reported fulfilments")
        let onionCount = try reader.count(of: "incoming onions", minimumSize: 8 + OnionRoutingPacket.byteCount)
        var incomingOnions: [UInt64: OnionRoutingPacket] = Dictionary(minimumCapacity: onionCount)
        var previousID: UInt64?
        for _ in 0..<onionCount {
            let id = try reader.u64()
            if let previousID, previousID >= id { throw reader.malformed("incoming onions are not in ascending order of their ids") }
            incomingOnions[id] = try reader.read(OnionRoutingPacket.self)
            previousID = id
        }
        self.init(parameters: parameters, channelID: channelID, local: local, remote: remote, remoteNext: remoteNext,
                  localChanges: localChanges, remoteChanges: remoteChanges, localNextHTLCID: localNextHTLCID,
                  remoteNextHTLCID: remoteNextHTLCID, remoteSecrets: remoteSecrets, preimages: preimages,
                  reportedFulfilments: reportedFulfilments, incomingOnions: incomingOnions)
    }
}

/// funding outpoint, capacity, we are opener, local config, remote config, local basepoints,
/// remote basepoints, max dust exposure.
extension ChannelParameters: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(fundingOutPoint)
        writer.write(capacity)
        writer.bool(weAreOpener)
        writer.write(localConfig)
        writer.write(remoteConfig)
        writer.write(localBasepoints)
        writer.write(remoteBasepoints)
        writer.write(maxDustExposure)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(fundingOutPoint: try reader.read(), capacity: try reader.read(), weAreOpener: try reader.bool(),
                  localConfig: try reader.read(), remoteConfig: try reader.read(), localBasepoints: try reader.read(),
                  remoteBasepoints: try reader.read(), maxDustExposure: try reader.read())
    }
}

/// number (u64), spec, transaction, the peer's signature, its HTLC signatures.
extension LocalCommitment: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.u64(number)
        writer.write(spec)
        writer.write(transaction)
        writer.write(remoteSignature)
        writer.array(remoteHTLCSignatures)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(number: try reader.u64(), spec: try reader.read(), transaction: try reader.read(),
                  remoteSignature: try reader.read(), remoteHTLCSignatures: try reader.array())
    }
}

/// number (u64), spec, txid, per-commitment point.
extension RemoteCommitment: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.u64(number)
        writer.write(spec)
        writer.write(txid)
        writer.write(perCommitmentPoint)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(number: try reader.u64(), spec: try reader.read(), txid: try reader.read(), perCommitmentPoint: try reader.read())
    }
}

/// Frozen tags of `RemoteNextCommitment`. DO NOT reorder or reuse: records on disk hold them.
private enum RemoteNextCommitmentTag: UInt8 {
    case awaitingRevocation = 0
    case ready = 1
}

extension RemoteNextCommitment: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .awaitingRevocation(let commitment, let sentAfterLocalNumber):
            writer.tag(RemoteNextCommitmentTag.awaitingRevocation)
            writer.write(commitment)
            writer.u64(sentAfterLocalNumber)
        case .ready(let nextPoint):
            writer.tag(RemoteNextCommitmentTag.ready)
            writer.write(nextPoint)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(RemoteNextCommitmentTag.self) {
        case .awaitingRevocation: self = .awaitingRevocation(try reader.read(), sentAfterLocalNumber: try reader.u64())
        case .ready: self = .ready(nextPoint: try reader.read())
        }
    }
}

/// proposed, signed, acked.
extension ChangeLog: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.array(proposed)
        writer.array(signed)
        writer.array(acked)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init()
        proposed = try reader.array()
        signed = try reader.array()
        acked = try reader.array()
    }
}

/// The BOLT 2 message, type included, length-prefixed: the wire format is frozen already, and
/// a retransmission after a restart is byte for byte what was sent.
extension ChannelUpdate: RecordCodable {
    func write(to writer: inout RecordWriter) {
        do {
            switch self {
            case .add(let add):
                // `encode()` would grow its buffer from 128 bytes to fit the onion, four times.
                var message = WireWriter(reservingCapacity: 128 + OnionRoutingPacket.byteCount)
                message.writeU16(UpdateAddHTLC.messageType.rawValue)
                try add.write(to: &message)
                writer.lengthPrefixed(try WireMessage.checkedSize(message.bytes))
            case .fulfill, .fail, .failMalformed, .fee:
                writer.lengthPrefixed(try wireMessage.encode())
            }
        } catch {
            writer.fail(.mismatch("a \(wireMessage.name) does not encode: \(error.message)"))
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        var message = try reader.lengthPrefixedReader("a channel update")
        // `WireMessage.decode` limited to the five updates, reading the bytes in place.
        let type: UInt16
        let update: ChannelUpdate?
        do {
            type = try message.readU16()
            switch WireMessageType(rawValue: type) {
            case .updateAddHTLC: update = .add(try UpdateAddHTLC(reading: &message))
            case .updateFulfillHTLC: update = .fulfill(try UpdateFulfillHTLC(reading: &message))
            case .updateFailHTLC: update = .fail(try UpdateFailHTLC(reading: &message))
            case .updateFailMalformedHTLC: update = .failMalformed(try UpdateFailMalformedHTLC(reading: &message))
            case .updateFee: update = .fee(try UpdateFee(reading: &message))
            default: update = nil
            }
        } catch {
            throw reader.malformed("a channel update: \(error.message)")
        }
        guard let update else { throw reader.malformed("message type \(type) is not a channel update") }
        guard message.isAtEnd else { throw reader.malformed("\(message.remaining) bytes after a channel update") }
        self = update
    }
}

/// The filled buckets only, in bucket order: a count, then each entry's index (u64) and
/// secret (32 bytes). An entry's bucket follows from its index.
extension ShachainStore: RecordCodable {
    func write(to writer: inout RecordWriter) {
        let entries = buckets.compactMap(\.self)
        writer.count(entries.count)
        for entry in entries {
            if entry.secret.count != 32 { writer.fail(.mismatch("a per-commitment secret of \(entry.secret.count) bytes")) }
            writer.u64(entry.index)
            writer.fixed(entry.secret)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init()
        let count = try reader.count(of: "per-commitment secrets", minimumSize: 40)
        var previous = -1
        for _ in 0..<count {
            let index = try reader.u64()
            let bucket = ShachainStore.bucket(for: index)
            guard bucket > previous else { throw reader.malformed("per-commitment secrets are not in bucket order") }
            buckets[bucket] = Entry(index: index, secret: try reader.fixed(32))
            previous = bucket
        }
    }
}
