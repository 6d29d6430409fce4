import ChanCrypto

/// Why a wallet could not derive a key or build a payment.
public enum WalletError: CodedError, Equatable {
    case insufficientFunds(available: Satoshi, required: Satoshi)
    case amountBelowDust(Satoshi)
    case amountOverflow

    public var code: String {
        switch self {
        case .insufficientFunds: "insufficient_funds"
        case .amountBelowDust: "amount_below_dust"
        case .amountOverflow: "amount_overflow"
        }
    }

    public var message: String {
        switch self {
        case .insufficientFunds(let available, let required):
            "the wallet has \(available.value) sat confirmed and unspent, but \(required.value) sat (amount plus fee) are needed"
        case .amountBelowDust(let amount): "\(amount.value) sat is below the dust limit of \(LedgerRules.dustLimit.value) sat"
        case .amountOverflow: "the amount plus the fee is too large"
        }
    }
}
