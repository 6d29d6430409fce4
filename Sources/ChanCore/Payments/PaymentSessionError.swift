import ChanCrypto
import ChanLedger

/// Why a payment cannot be made or failed: a payment asked for the impossible (thrown when the
/// session is created), or the reason it ended (`PaymentSession.State.failed`).
public enum PaymentSessionError: CodedError, Equatable, Sendable {
    // Refused when the session is created.
    case zeroAmount
    case samePayerAndPayee
    /// The keysend preimage does not hash to the payment hash.
    case keysendPreimageMismatch
    /// A keysend payment cannot be split: the payee has no total to wait for.
    case keysendMultiPart
    /// The proof's `total_msat` is not the amount to deliver.
    case totalAmountMismatch(total: MilliSatoshi, amount: MilliSatoshi)

    // Why a payment ended.
    /// The pathfinder found no route (or plan of parts) for what is missing; its explanation.
    case noRoute(String)
    /// Routes exist, but the cheapest found costs more in fees than the limit leaves.
    case feeLimitExceeded(cheapest: MilliSatoshi, left: MilliSatoshi, limit: MilliSatoshi)
    /// The deadline passed with part of the amount not in flight.
    case timeout(attempts: Int)
    /// The safety net: this many attempts were launched and more were needed.
    case attemptLimit(Int)
    /// A failure no other route can fix, mostly the payee's refusal
    /// (`incorrect_or_unknown_payment_details`, ...): its code and sentence.
    case terminal(PaymentFailure)
    /// An attempt could not be built along the route found (a node id that is no key, ...).
    case attempt(PaymentAttemptError)
    /// Amounts that do not add up in 64 bits.
    case amount(AmountError)

    public var code: String {
        switch self {
        case .zeroAmount: "invalid_amount"
        case .samePayerAndPayee: "same_payer_and_payee"
        case .keysendPreimageMismatch: "keysend_preimage_mismatch"
        case .keysendMultiPart: "keysend_multi_part"
        case .totalAmountMismatch: "total_amount_mismatch"
        case .noRoute: "no_route"
        case .feeLimitExceeded: "fee_limit_exceeded"
        case .timeout: "timeout"
        case .attemptLimit: "attempt_limit"
        case .terminal(let failure): failure.code
        case .attempt(let error): error.code
        case .amount(let error): error.code
        }
    }

    public var message: String {
        switch self {
        case .zeroAmount: "the amount to pay must be more than zero"
        case .samePayerAndPayee: "a node cannot pay itself"
        case .keysendPreimageMismatch: "the keysend preimage does not hash to the payment hash"
        case .keysendMultiPart: "a keysend payment cannot be split into parts"
        case .totalAmountMismatch(let total, let amount):
            "the payment's total_msat is \(total.value) msat but \(amount.value) msat are to be delivered"
        case .noRoute(let explanation): explanation
        case .feeLimitExceeded(let cheapest, let left, let limit):
            "the cheapest route found costs \(cheapest.value) msat in fees; \(left.value) msat of the \(limit.value) msat fee limit are left"
        case .timeout(let attempts): "the payment timed out after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case .attemptLimit(let count): "the payment gave up after \(count) attempts"
        case .terminal(let failure): failure.message
        case .attempt(let error): error.message
        case .amount(let error): error.message
        }
    }
}
