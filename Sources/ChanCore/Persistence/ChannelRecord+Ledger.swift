import ChanCrypto
import ChanLedger

// Ledger transactions, field by field rather than in the ledger's own serialization: that one
// carries compressed keys, each a square root to parse back.

/// Frozen tags of `OutputCondition`. DO NOT reorder or reuse: records on disk hold them.
private enum OutputConditionTag: UInt8 {
    case key = 0
    case multisig2 = 1
    case toLocal = 2
    case offeredHTLC = 3
    case receivedHTLC = 4
}

extension OutputCondition: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .key(let key):
            writer.tag(OutputConditionTag.key)
            writer.write(key)
        case .multisig2(let first, let second):
            writer.tag(OutputConditionTag.multisig2)
            writer.write(first)
            writer.write(second)
        case .toLocal(let revocationKey, let delayedKey, let toSelfDelay):
            writer.tag(OutputConditionTag.toLocal)
            writer.write(revocationKey)
            writer.write(delayedKey)
            writer.u16(toSelfDelay)
        case .offeredHTLC(let revocationKey, let localHTLCKey, let remoteHTLCKey, let paymentHash):
            writer.tag(OutputConditionTag.offeredHTLC)
            writer.write(revocationKey)
            writer.write(localHTLCKey)
            writer.write(remoteHTLCKey)
            writer.write(paymentHash)
        case .receivedHTLC(let revocationKey, let localHTLCKey, let remoteHTLCKey, let paymentHash, let cltvExpiry):
            writer.tag(OutputConditionTag.receivedHTLC)
            writer.write(revocationKey)
            writer.write(localHTLCKey)
            writer.write(remoteHTLCKey)
            writer.write(paymentHash)
            writer.u32(cltvExpiry)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(OutputConditionTag.self) {
        case .key:
            self = .key(try reader.read())
        case .multisig2:
            self = .multisig2(try reader.read(), try reader.read())
        case .toLocal:
            self = .toLocal(revocationKey: try reader.read(), delayedKey: try reader.read(), toSelfDelay: try reader.u16())
        case .offeredHTLC:
            self = .offeredHTLC(revocationKey: try reader.read(), localHTLCKey: try reader.read(),
                                remoteHTLCKey: try reader.read(), paymentHash: try reader.read())
        case .receivedHTLC:
            self = .receivedHTLC(revocationKey: try reader.read(), localHTLCKey: try reader.read(),
                                 remoteHTLCKey: try reader.read(), paymentHash: try reader.read(), cltvExpiry: try reader.u32())
        }
    }
}

/// Frozen tags of `Witness`. DO NOT reorder or reuse: records on disk hold them.
private enum WitnessTag: UInt8 {
    case keySignature = 0
    case multisig = 1
    case revocation = 2
    case delayed = 3
    case offeredPreimage = 4
    case offeredTimeout = 5
    case receivedPreimage = 6
    case receivedTimeout = 7
}

extension Witness: RecordCodable {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .keySignature(let signature):
            writer.tag(WitnessTag.keySignature)
            writer.write(signature)
        case .multisig(let first, let second):
            writer.tag(WitnessTag.multisig)
            writer.write(first)
            writer.write(second)
        case .revocation(let signature):
            writer.tag(WitnessTag.revocation)
            writer.write(signature)
        case .delayed(let signature):
            writer.tag(WitnessTag.delayed)
            writer.write(signature)
        case .offeredPreimage(let remoteSignature, let preimage):
            writer.tag(WitnessTag.offeredPreimage)
            writer.write(remoteSignature)
            writer.write(preimage)
        case .offeredTimeout(let localSignature, let remoteSignature):
            writer.tag(WitnessTag.offeredTimeout)
            writer.write(localSignature)
            writer.write(remoteSignature)
        case .receivedPreimage(let localSignature, let remoteSignature, let preimage):
            writer.tag(WitnessTag.receivedPreimage)
            writer.write(localSignature)
            writer.write(remoteSignature)
            writer.write(preimage)
        case .receivedTimeout(let remoteSignature):
            writer.tag(WitnessTag.receivedTimeout)
            writer.write(remoteSignature)
        }
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.tag(WitnessTag.self) {
        case .keySignature: self = .keySignature(try reader.read())
        case .multisig: self = .multisig(try reader.read(), try reader.read())
        case .revocation: self = .revocation(try reader.read())
        case .delayed: self = .delayed(try reader.read())
        case .offeredPreimage: self = .offeredPreimage(remoteSignature: try reader.read(), preimage: try reader.read())
        case .offeredTimeout: self = .offeredTimeout(localSignature: try reader.read(), remoteSignature: try reader.read())
        case .receivedPreimage:
            self = .receivedPreimage(localSignature: try reader.read(), remoteSignature: try reader.read(), preimage: try reader.read())
        case .receivedTimeout: self = .receivedTimeout(remoteSignature: try reader.read())
        }
    }
}

/// The outpoint, then the optional witness.
extension TxInput: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(previousOutput)
        writer.optional(witness)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(previousOutput: try reader.read(), witness: try reader.optional())
    }
}

/// The amount (u64 sat), then the condition.
extension TxOutput: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(amount)
        writer.write(condition)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(amount: try reader.read(), condition: try reader.read())
    }
}

/// Frozen tags of `Transaction.Kind`. DO NOT reorder or reuse: records on disk hold them.
private enum TransactionKindTag: UInt8 {
    case regular = 0
    case mint = 1
    case coinbase = 2
}

/// version (u32), kind (tag, then `mint`'s u64 serial or `coinbase`'s u32 height), inputs,
/// outputs, locktime (u32).
extension Transaction: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.u32(version)
        switch kind {
        case .regular:
            writer.tag(TransactionKindTag.regular)
        case .mint(let serial):
            writer.tag(TransactionKindTag.mint)
            writer.u64(serial)
        case .coinbase(let height):
            writer.tag(TransactionKindTag.coinbase)
            writer.u32(height)
        }
        writer.array(inputs)
        writer.array(outputs)
        writer.u32(locktime)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        let version = try reader.u32()
        let kind: Kind = switch try reader.tag(TransactionKindTag.self) {
        case .regular: .regular
        case .mint: .mint(serial: try reader.u64())
        case .coinbase: .coinbase(height: try reader.u32())
        }
        self.init(version: version, kind: kind, inputs: try reader.array(), outputs: try reader.array(), locktime: try reader.u32())
    }
}
