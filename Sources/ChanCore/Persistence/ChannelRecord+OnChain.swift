import ChanCrypto
import ChanLedger

// A commitment on the ledger being resolved, and the HTLC outcomes still to report.

/// Frozen tags of `OnChainResolution.Kind`. DO NOT reorder or reuse: records on disk hold them.
private enum OnChainKindTag: UInt8 {
    case localCommitment = 0
    case remoteCommitment = 1
    case revokedCommitment = 2
    case unknownRemoteCommitment = 3
}

/// kind, commitment txid, confirmed height (u32), feerate (u32), destination, pending outputs
/// (by outpoint, ascending: outpoint, output, confirmed height, claim), reported outgoing HTLC
/// ids (ascending), carried-over resolutions.
extension OnChainResolution: RecordCodable {
    func write(to writer: inout RecordWriter) {
        let tag: OnChainKindTag = switch kind {
        case .localCommitment: .localCommitment
        case .remoteCommitment: .remoteCommitment
        case .revokedCommitment: .revokedCommitment
        case .unknownRemoteCommitment: .unknownRemoteCommitment
        }
        writer.tag(tag)
        writer.write(commitmentTxid)
        writer.u32(confirmedHeight)
        writer.u32(feeratePerKw)
        writer.write(destination)
        writer.count(pending.count)
        for (outPoint, output) in pending.sorted(by: { $0.key < $1.key }) {
            writer.write(outPoint)
            writer.write(output)
        }
        writer.sortedSet(reportedOutgoing)
        writer.array(carryOverResolutions)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        kind = switch try reader.tag(OnChainKindTag.self) {
        case .localCommitment: .localCommitment
        case .remoteCommitment: .remoteCommitment
        case .revokedCommitment: .revokedCommitment
        case .unknownRemoteCommitment: .unknownRemoteCommitment
        }
        commitmentTxid = try reader.read()
        confirmedHeight = try reader.u32()
        feeratePerKw = try reader.u32()
        destination = try reader.read()
        let count = try reader.count(of: "pending outputs", minimumSize: 36)
        var pending: [OutPoint: PendingOutput] = Dictionary(minimumCapacity: count)
        var previous: OutPoint?
        for _ in 0..<count {
            let outPoint = try reader.read(OutPoint.self)
            if let previous, !(previous < outPoint) { throw reader.malformed("pending outputs are not in ascending order") }
            pending[outPoint] = try reader.read(PendingOutput.self)
            previous = outPoint
        }
        self.pending = pending
        reportedOutgoing = try reader.sortedSet(of: "reported outgoing HTLCs")
        carryOverResolutions = try reader.array()
    }
}

/// output, confirmed height (u32), claim.
extension OnChainResolution.PendingOutput: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(output)
        writer.u32(confirmedHeight)
        writer.write(claim)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(output: try reader.read(), confirmedHeight: try reader.u32(), claim: try reader.read())
    }
}

/// Frozen tags of `OnChainResolution.Claim`. DO NOT reorder or reuse: records on disk hold them.
private enum ClaimTag: UInt8 {
    case delayed = 0
    case paymentKey = 1
    case ourOfferedHTLC = 2
    case ourReceivedHTLC = 3
    case theirOfferedHTLC = 4
    case theirReceivedHTLC = 5
    case revocable = 6
}

extension OnChainResolution.Claim: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .delayed(let point):
            writer.tag(ClaimTag.delayed)
            writer.write(point)
        case .paymentKey:
            writer.tag(ClaimTag.paymentKey)
        case .ourOfferedHTLC(let transaction, let remoteSignature, let point):
            writer.tag(ClaimTag.ourOfferedHTLC)
            writer.write(transaction)
            writer.write(remoteSignature)
            writer.write(point)
        case .ourReceivedHTLC(let transaction, let remoteSignature, let point):
            writer.tag(ClaimTag.ourReceivedHTLC)
            writer.write(transaction)
            writer.write(remoteSignature)
            writer.write(point)
        case .theirOfferedHTLC(let htlc, let point):
            writer.tag(ClaimTag.theirOfferedHTLC)
            writer.write(htlc)
            writer.write(point)
        case .theirReceivedHTLC(let htlc, let point):
            writer.tag(ClaimTag.theirReceivedHTLC)
            writer.write(htlc)
            writer.write(point)
        case .revocable(let secret):
            writer.tag(ClaimTag.revocable)
            writer.lengthPrefixed(secret)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(ClaimTag.self) {
        case .delayed:
            self = .delayed(perCommitmentPoint: try reader.read())
        case .paymentKey:
            self = .paymentKey
        case .ourOfferedHTLC:
            self = .ourOfferedHTLC(try reader.read(), remoteSignature: try reader.read(), perCommitmentPoint: try reader.read())
        case .ourReceivedHTLC:
            self = .ourReceivedHTLC(try reader.read(), remoteSignature: try reader.read(), perCommitmentPoint: try reader.read())
        case .theirOfferedHTLC:
            self = .theirOfferedHTLC(try reader.read(), perCommitmentPoint: try reader.read())
        case .theirReceivedHTLC:
            self = .theirReceivedHTLC(try reader.read(), perCommitmentPoint: try reader.read())
        case .revocable:
            self = .revocable(perCommitmentSecret: try reader.lengthPrefixed("a per-commitment secret"))
        }
    }
}

/// Frozen tags of `HTLCResolution`. DO NOT reorder or reuse: records on disk hold them.
private enum HTLCResolutionTag: UInt8 {
    case incomingCommitted = 0
    case outgoingFulfilled = 1
    case outgoingFailed = 2
}

extension HTLCResolution: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .incomingCommitted(let htlc, let onion):
            writer.tag(HTLCResolutionTag.incomingCommitted)
            writer.write(htlc)
            writer.write(onion)
        case .outgoingFulfilled(let id, let paymentHash, let preimage):
            writer.tag(HTLCResolutionTag.outgoingFulfilled)
            writer.u64(id)
            writer.write(paymentHash)
            writer.write(preimage)
        case .outgoingFailed(let id, let paymentHash, let failure):
            writer.tag(HTLCResolutionTag.outgoingFailed)
            writer.u64(id)
            writer.write(paymentHash)
            writer.write(failure)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(HTLCResolutionTag.self) {
        case .incomingCommitted:
            self = .incomingCommitted(try reader.read(), onion: try reader.read())
        case .outgoingFulfilled:
            self = .outgoingFulfilled(id: try reader.u64(), paymentHash: try reader.read(), preimage: try reader.read())
        case .outgoingFailed:
            let id = try reader.u64(), paymentHash: PaymentHash = try reader.read()
            // Version 1 kept the reason as bytes; the only failures a record held then were the
            // ledger's own, as text.
            let failure = reader.version >= 2
                ? try reader.read(HTLCFailure.self)
                : .local(String(decoding: try reader.lengthPrefixed("a failure reason"), as: UTF8.self))
            self = .outgoingFailed(id: id, paymentHash: paymentHash, failure: failure)
        }
    }
}

/// Frozen tags of `HTLCFailure` (record version 2). DO NOT reorder or reuse.
private enum HTLCFailureTag: UInt8 {
    case onion = 0
    case malformed = 1
    case local = 2
}

/// The tag, then the onion's bytes (length-prefixed); or the hash (32 bytes) and code (u16);
/// or the text's UTF-8 bytes (length-prefixed).
extension HTLCFailure: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .onion(let reason):
            writer.tag(HTLCFailureTag.onion)
            writer.lengthPrefixed(reason)
        case .malformed(let sha256OfOnion, let failureCode):
            writer.tag(HTLCFailureTag.malformed)
            writer.write(sha256OfOnion)
            writer.u16(failureCode)
        case .local(let why):
            writer.tag(HTLCFailureTag.local)
            writer.lengthPrefixed(Array(why.utf8))
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(HTLCFailureTag.self) {
        case .onion: self = .onion(try reader.lengthPrefixed("a failure onion"))
        case .malformed: self = .malformed(sha256OfOnion: try reader.read(), failureCode: try reader.u16())
        case .local: self = .local(String(decoding: try reader.lengthPrefixed("a failure's text"), as: UTF8.self))
        }
    }
}
