import ChanCrypto
import ChanLedger

/// Why a BOLT 11 invoice was refused (decoding, verifying, building or paying it).
///
/// Decoding errors mean "do not pay": the spec's reader rules say to fail the payment. The
/// codes are stable so the CLI and scripts can match on them.
public enum InvoiceError: CodedError, Equatable, Sendable {
    // The bech32 layer.
    case tooLong(length: Int, limit: Int)
    case invalidCharacter
    case mixedCase
    case missingSeparator
    case invalidChecksum
    /// An empty human-readable part or a data part shorter than a checksum.
    case malformedBech32

    // The human-readable part.
    case unknownPrefix(String)
    /// Not a positive decimal integer without leading zeros, or followed by more than one letter.
    case invalidAmount(String)
    case invalidMultiplier(String)
    /// A `p` amount whose last digit is not 0 names a fraction of a millisatoshi.
    case subMillisatoshiAmount(String)
    case amountOverflow(String)

    // The data part.
    /// Fewer 5-bit words than a timestamp and a signature need.
    case tooShort(words: Int)
    /// A tagged field's header or data runs past the signature.
    case truncatedField(tag: String)
    case invalidField(tag: String, reason: String)
    /// `x`, `c` or `9` starting with a zero word (the spec says readers should refuse it).
    case nonMinimalField(tag: String)
    case missingPaymentHash
    case missingPaymentSecret
    case missingDescription
    case conflictingDescriptions
    case unknownRequiredFeature(bit: UInt16)

    // The signature.
    case invalidRecoveryID(UInt8)
    case unrecoverableSignature
    /// With an `n` field the signature must be low-S (it is verified, not recovered).
    case highSSignature
    /// The signature does not verify against the `n` field's key, or r or s is out of range.
    case invalidSignature

    // Writing.
    /// A field's data needs more than the 1023 words a `data_length` can say.
    case fieldTooLong(tag: String, words: Int)
    /// The timestamp does not fit 35 bits.
    case invalidTimestamp(UInt64)
    /// The invoice has an `n` field that is not the signing key's.
    case payeeMismatch
    case signingFailed(String)

    // Paying.
    case amountRequired
    case amountBelowInvoice(requested: MilliSatoshi, invoice: MilliSatoshi)
    case amountAboveLimit(requested: MilliSatoshi, limit: MilliSatoshi)

    public var code: String {
        switch self {
        case .tooLong: "invoice_too_long"
        case .invalidCharacter: "invoice_invalid_character"
        case .mixedCase: "invoice_mixed_case"
        case .missingSeparator: "invoice_missing_separator"
        case .invalidChecksum: "invoice_bad_checksum"
        case .malformedBech32: "invoice_malformed_bech32"
        case .unknownPrefix: "invoice_unknown_prefix"
        case .invalidAmount: "invoice_invalid_amount"
        case .invalidMultiplier: "invoice_invalid_multiplier"
        case .subMillisatoshiAmount: "invoice_sub_msat_amount"
        case .amountOverflow: "invoice_amount_overflow"
        case .tooShort: "invoice_too_short"
        case .truncatedField: "invoice_truncated_field"
        case .invalidField: "invoice_invalid_field"
        case .nonMinimalField: "invoice_non_minimal_field"
        case .missingPaymentHash: "invoice_missing_payment_hash"
        case .missingPaymentSecret: "invoice_missing_payment_secret"
        case .missingDescription: "invoice_missing_description"
        case .conflictingDescriptions: "invoice_description_and_hash"
        case .unknownRequiredFeature: "invoice_unknown_required_feature"
        case .invalidRecoveryID: "invoice_invalid_recovery_id"
        case .unrecoverableSignature: "invoice_unrecoverable_signature"
        case .highSSignature: "invoice_high_s_signature"
        case .invalidSignature: "invoice_invalid_signature"
        case .fieldTooLong: "invoice_field_too_long"
        case .invalidTimestamp: "invoice_invalid_timestamp"
        case .payeeMismatch: "invoice_payee_mismatch"
        case .signingFailed: "invoice_signing_failed"
        case .amountRequired: "invoice_amount_required"
        case .amountBelowInvoice: "invoice_amount_too_low"
        case .amountAboveLimit: "invoice_amount_too_high"
        }
    }

    public var message: String {
        switch self {
        case .tooLong(let length, let limit):
            "the invoice has \(length) characters; at most \(limit) are accepted"
        case .invalidCharacter: "the invoice contains a character bech32 does not use"
        case .mixedCase: "the invoice mixes upper and lower case"
        case .missingSeparator: "the invoice has no '1' separating its prefix from its data"
        case .invalidChecksum: "the invoice's bech32 checksum is wrong"
        case .malformedBech32: "the invoice is not a bech32 string"
        case .unknownPrefix(let prefix): "'\(prefix)' is not a known invoice prefix (lnbc, lntb, lntbs, lnbcrt, lnsb)"
        case .invalidAmount(let text): "'\(text)' is not an invoice amount"
        case .invalidMultiplier(let letter): "'\(letter)' is not an amount multiplier (m, u, n or p)"
        case .subMillisatoshiAmount(let text): "the amount '\(text)' is not a whole number of millisatoshis"
        case .amountOverflow(let text): "the amount '\(text)' is too large"
        case .tooShort(let words): "the data part has \(words) words, too few for a timestamp and a signature"
        case .truncatedField(let tag): "the '\(tag)' field runs past the end of the data"
        case .invalidField(let tag, let reason): "the '\(tag)' field is invalid: \(reason)"
        case .nonMinimalField(let tag): "the '\(tag)' field starts with a zero word"
        case .missingPaymentHash: "the invoice has no payment hash ('p' field)"
        case .missingPaymentSecret: "the invoice has no payment secret ('s' field)"
        case .missingDescription: "the invoice has neither a description ('d') nor a description hash ('h')"
        case .conflictingDescriptions: "the invoice has both a description ('d') and a description hash ('h')"
        case .unknownRequiredFeature(let bit): "the invoice requires feature bit \(bit), which is unknown"
        case .invalidRecoveryID(let id): "the signature's recovery id \(id) is not in 0...3"
        case .unrecoverableSignature: "no public key can be recovered from the signature"
        case .highSSignature: "the signature is not in low-S form, which an invoice with an 'n' field requires"
        case .invalidSignature: "the signature does not verify against the payee key"
        case .fieldTooLong(let tag, let words): "the '\(tag)' field needs \(words) words; at most 1023 fit"
        case .invalidTimestamp(let value): "the timestamp \(value) does not fit 35 bits"
        case .payeeMismatch: "the invoice's 'n' field is not the signing key"
        case .signingFailed(let reason): "signing the invoice failed: \(reason)"
        case .amountRequired: "the invoice names no amount, so the payer must give one"
        case .amountBelowInvoice(let requested, let invoice):
            "\(requested.value) msat is less than the invoice's \(invoice.value) msat"
        case .amountAboveLimit(let requested, let limit):
            "\(requested.value) msat is more than twice the invoice's amount (at most \(limit.value) msat)"
        }
    }
}
