import ChanCrypto

/// Why a wallet could not derive a key or build a payment.
public enum WalletError: CodedError, Equatable {
    case invalidSeed
    case keyDerivationFailed
    case insufficientFunds(available: Satoshi, required: Satoshi)
    case amountBelowDust(Satoshi)
    case amountOverflow

    public var code: String {
        switch self {
        case .invalidSeed: "invalid_seed"
        case .keyDerivationFailed: "key_derivation_failed"
        case .insufficientFunds: "insufficient_funds"
        case .amountBelowDust: "amount_below_dust"
        case .amountOverflow: "amount_overflow"
        }
    }

    public var message: String {
        switch self {
        case .invalidSeed: "a wallet seed must be \(KeyChain.seedLength) bytes"
        case .keyDerivationFailed: "the derived key is not a valid secp256k1 key (try the next index)"
        case .insufficientFunds(let available, let required):
            "the wallet has \(available.value) sat confirmed and unspent, but \(required.value) sat (amount plus fee) are needed"
        case .amountBelowDust(let amount): "\(amount.value) sat is below the dust limit of \(LedgerRules.dustLimit.value) sat"
        case .amountOverflow: "the amount plus the fee is too large"
        }
    }
}
