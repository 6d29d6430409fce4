import ChanCrypto

/// Why a wallet could not derive a key or build a payment.
public enum WalletError: CodedError, Equatable {
    case insufficientFunds(available: Satoshi, required: Satoshi)
    case amountBelowDust(Satoshi)
    case amountOverflow
    /// The fee (with any change below dust given up to it) exceeds the payer's limit.
    case feeAboveLimit(fee: Satoshi, changeToFee: Satoshi, limit: Satoshi)

    public var code: String {
        switch self {
        case .insufficientFunds: "insufficient_funds"
        case .amountBelowDust: "amount_below_dust"
        case .amountOverflow: "amount_overflow"
        case .feeAboveLimit: "fee_above_limit"
        }
    }

    public var message: String {
        switch self {
        case .insufficientFunds(let available, let required):
            "the wallet has \(available.value) sat confirmed and unspent, but \(required.value) sat (amount plus fee) are needed"
        case .amountBelowDust(let amount): "\(amount.value) sat is below the dust limit of \(LedgerRules.dustLimit.value) sat"
        case .amountOverflow: "the amount plus the fee is too large"
        case .feeAboveLimit(let fee, let changeToFee, let limit):
            changeToFee > .zero
                ? "the fee would be \(fee.value) sat, \(changeToFee.value) sat of it change below the dust limit of \(LedgerRules.dustLimit.value) sat, above the limit of \(limit.value) sat (--max-fee)"
                : "the fee would be \(fee.value) sat, above the limit of \(limit.value) sat (--max-fee)"
        }
    }
}
