import ChanCrypto
import ChanLedger

// What a commitment holds (spec, HTLCs, keys), its transaction and the second-stage HTLC
// transactions.

/// HTLCs, to_local, to_remote (u64 msat), feerate (u32).
extension CommitmentSpec: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.array(htlcs)
        writer.write(toLocal)
        writer.write(toRemote)
        writer.u32(feeratePerKw)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(htlcs: try reader.array(), toLocal: try reader.read(), toRemote: try reader.read(), feeratePerKw: try reader.u32())
    }
}

/// Frozen tags of `HTLCDirection`. DO NOT reorder or reuse: records on disk hold them.
private enum HTLCDirectionTag: UInt8 {
    case offered = 0
    case received = 1
}

/// id (u64), direction, amount (u64 msat), payment hash, CLTV expiry (u32).
extension CommitmentHTLC: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.u64(id)
        let tag: HTLCDirectionTag = switch direction {
        case .offered: .offered
        case .received: .received
        }
        writer.tag(tag)
        writer.write(amount)
        writer.write(paymentHash)
        writer.u32(cltvExpiry)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        let id = try reader.u64()
        let direction: HTLCDirection = switch try reader.tag(HTLCDirectionTag.self) {
        case .offered: .offered
        case .received: .received
        }
        self.init(id: id, direction: direction, amount: try reader.read(), paymentHash: try reader.read(), cltvExpiry: try reader.u32())
    }
}

/// per-commitment point, revocation key, owner's delayed key, owner's HTLC key,
/// counterparty's HTLC key, counterparty's payment key.
extension CommitmentKeys: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(perCommitmentPoint)
        writer.write(revocationKey)
        writer.write(ownerDelayedKey)
        writer.write(ownerHTLCKey)
        writer.write(counterpartyHTLCKey)
        writer.write(counterpartyPaymentKey)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(perCommitmentPoint: try reader.read(), revocationKey: try reader.read(), ownerDelayedKey: try reader.read(),
                  ownerHTLCKey: try reader.read(), counterpartyHTLCKey: try reader.read(), counterpartyPaymentKey: try reader.read())
    }
}

/// Stored whole: transaction, commitment number (u64), keys, fee, to_local and to_remote
/// output indices (optional BigSize), HTLC outputs, trimmed HTLCs, base fee, feerate (u32).
/// `CommitmentBuilder` could rebuild it from the spec and the keys, but that costs more than
/// reading it (ordering the outputs serializes every condition, and the rebuilt txid must be
/// hashed to prove it is the one the peer signed), and ties old records to the builder's code.
extension CommitmentTransaction: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(transaction)
        writer.u64(commitmentNumber)
        writer.write(keys)
        writer.write(fee)
        writer.optionalIndex(toLocalOutput)
        writer.optionalIndex(toRemoteOutput)
        writer.array(htlcOutputs)
        writer.array(trimmedHTLCs)
        writer.write(baseFee)
        writer.u32(feeratePerKw)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        let transaction = try reader.read(Transaction.self)
        let outputs = transaction.outputs.count
        let commitmentNumber = try reader.u64()
        let keys = try reader.read(CommitmentKeys.self)
        let fee = try reader.read(Satoshi.self)
        let toLocalOutput = try reader.optionalIndex(of: "to_local output", below: outputs)
        let toRemoteOutput = try reader.optionalIndex(of: "to_remote output", below: outputs)
        let htlcOutputs = try reader.array(of: HTLCOutput.self)
        // The channel looks these outputs up by index: an index past the outputs would trap there.
        guard htlcOutputs.allSatisfy({ $0.outputIndex < outputs }) else { throw reader.malformed("an HTLC output index is out of range") }
        self.init(transaction: transaction, commitmentNumber: commitmentNumber, keys: keys, fee: fee,
                  toLocalOutput: toLocalOutput, toRemoteOutput: toRemoteOutput, htlcOutputs: htlcOutputs,
                  trimmedHTLCs: try reader.array(), baseFee: try reader.read(), feeratePerKw: try reader.u32())
    }
}

/// The HTLC, then its output index (BigSize).
extension HTLCOutput: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(htlc)
        writer.index(outputIndex)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(htlc: try reader.read(), outputIndex: try reader.index(of: "HTLC output index"))
    }
}

/// Frozen tags of `HTLCTransactionKind`. DO NOT reorder or reuse: records on disk hold them.
private enum HTLCTransactionKindTag: UInt8 {
    case timeout = 0
    case success = 1
}

/// Stored whole (only a claim in progress holds one): transaction, HTLC output, kind.
extension HTLCTransaction: RecordCodable {
    func write(to writer: inout RecordWriter) {
        writer.write(transaction)
        writer.write(htlc)
        let tag: HTLCTransactionKindTag = switch kind {
        case .timeout: .timeout
        case .success: .success
        }
        writer.tag(tag)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        let transaction = try reader.read(Transaction.self)
        let htlc = try reader.read(HTLCOutput.self)
        let kind: HTLCTransactionKind = switch try reader.tag(HTLCTransactionKindTag.self) {
        case .timeout: .timeout
        case .success: .success
        }
        self.init(transaction: transaction, htlc: htlc, kind: kind)
    }
}
