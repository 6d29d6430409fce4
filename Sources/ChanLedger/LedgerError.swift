import ChanCrypto

/// Why the ledger refused something. Codes are stable; scripts match on them.
public enum LedgerError: CodedError, Equatable {
    case malformedTxID(String)
    case malformedOutPoint(String)
    case malformedHash(String)
    case malformedPreimage
    case malformedTransaction(String)

    public var code: String {
        switch self {
        case .malformedTxID: "malformed_txid"
        case .malformedOutPoint: "malformed_outpoint"
        case .malformedHash: "malformed_hash"
        case .malformedPreimage: "malformed_preimage"
        case .malformedTransaction: "malformed_transaction"
        }
    }

    public var message: String {
        switch self {
        case .malformedTxID(let text): "'\(text)' is not a transaction id (64 hex characters)"
        case .malformedOutPoint(let text): "'\(text)' is not an outpoint (TXID:INDEX)"
        case .malformedHash(let text): "'\(text)' is not a 32-byte hash"
        case .malformedPreimage: "a preimage must be 32 bytes"
        case .malformedTransaction(let why): "the transaction bytes are malformed: \(why)"
        }
    }
}
