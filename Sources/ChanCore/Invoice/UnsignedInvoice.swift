import ChanCrypto
import ChanLedger

/// What an invoice says, before (or without) its signature: prefix, amount, timestamp and
/// tagged fields in wire order. Reading a field takes its first occurrence, as the spec says
/// a payer should when a writer offers several.
public struct UnsignedInvoice: Hashable, Sendable {
    public var prefix: InvoicePrefix
    /// Nil: the payer chooses the amount.
    public var amount: MilliSatoshi? {
        didSet { writtenAmount = nil }
    }
    /// Seconds since 1970; must fit 35 bits.
    public var timestamp: UInt64
    public var fields: [InvoiceField]
    /// The amount exactly as a decoded invoice wrote it (a writer may use a smaller
    /// multiplier than needed), since the signature covers that text; nil once changed.
    private var writtenAmount: String?

    public init(prefix: InvoicePrefix, amount: MilliSatoshi?, timestamp: UInt64, fields: [InvoiceField]) {
        self.prefix = prefix
        self.amount = amount
        self.timestamp = timestamp
        self.fields = fields
    }

    init(prefix: InvoicePrefix, amount: MilliSatoshi?, writtenAmount: String, timestamp: UInt64, fields: [InvoiceField]) {
        self.init(prefix: prefix, amount: amount, timestamp: timestamp, fields: fields)
        // Kept only when it differs from what we would write, so equal invoices compare equal.
        if writtenAmount != (amount.map(InvoiceAmount.format) ?? "") { self.writtenAmount = writtenAmount }
    }

    public static let defaultExpiry: UInt64 = 3600
    public static let defaultMinFinalCLTVExpiry: UInt32 = 18

    /// `ln` + currency + amount: the part of the string before the `1`, covered by the signature.
    public var humanReadablePart: String {
        prefix.rawValue + (writtenAmount ?? amount.map(InvoiceAmount.format) ?? "")
    }

    public var paymentHash: PaymentHash? {
        fields.lazy.compactMap { if case .paymentHash(let value) = $0 { value } else { nil } }.first
    }

    public var paymentSecret: Bytes32? {
        fields.lazy.compactMap { if case .paymentSecret(let value) = $0 { value } else { nil } }.first
    }

    /// The first `d` or `h` field.
    public var description: InvoiceDescription? {
        fields.lazy.compactMap {
            switch $0 {
            case .description(let text): .text(text)
            case .descriptionHash(let hash): .hash(hash)
            default: nil
            }
        }.first
    }

    /// The `n` field, if the writer named its key.
    public var payeeField: PublicKey? {
        fields.lazy.compactMap { if case .payee(let value) = $0 { value } else { nil } }.first
    }

    public var expiry: UInt64 {
        fields.lazy.compactMap { if case .expiry(let value) = $0 { value } else { nil } }.first ?? Self.defaultExpiry
    }

    public var minFinalCLTVExpiry: UInt32 {
        fields.lazy.compactMap { if case .minFinalCLTVExpiry(let value) = $0 { value } else { nil } }.first
            ?? Self.defaultMinFinalCLTVExpiry
    }

    /// In the writer's order of preference.
    public var fallbacks: [FallbackAddress] {
        fields.compactMap { if case .fallback(let value) = $0 { value } else { nil } }
    }

    /// In the writer's order of preference.
    public var routeHints: [RouteHint] {
        fields.compactMap { if case .routeHint(let value) = $0 { value } else { nil } }
    }

    /// Empty when the invoice has no `9` field.
    public var features: InvoiceFeatures {
        fields.lazy.compactMap { if case .features(let value) = $0 { value } else { nil } }.first ?? .empty
    }

    public var metadata: [UInt8]? {
        fields.lazy.compactMap { if case .metadata(let value) = $0 { value } else { nil } }.first
    }

    /// Seconds since 1970 after which a payer should not pay; saturates rather than wraps.
    public var expiresAt: UInt64 {
        let (sum, overflow) = timestamp.addingReportingOverflow(expiry)
        return overflow ? .max : sum
    }

    /// True once `now` (seconds since 1970, from the caller's clock) is past `expiresAt`.
    public func isExpired(now: UInt64) -> Bool { now > expiresAt }

    /// The reader rules every accepted invoice meets, whoever wrote it: a payment hash, a
    /// payment secret, exactly one kind of description, no unknown required feature.
    func checked() throws(InvoiceError) -> (PaymentHash, Bytes32, InvoiceDescription) {
        guard timestamp < 1 << 35 else { throw .invalidTimestamp(timestamp) }
        if let amount, amount == .zero { throw .invalidAmount("0") }
        guard let paymentHash else { throw .missingPaymentHash }
        guard let paymentSecret else { throw .missingPaymentSecret }
        let hasText = fields.contains { if case .description = $0 { true } else { false } }
        let hasHash = fields.contains { if case .descriptionHash = $0 { true } else { false } }
        guard hasText || hasHash else { throw .missingDescription }
        guard !(hasText && hasHash), let description else { throw .conflictingDescriptions }
        for case .features(let features) in fields {
            if let bit = features.unknownRequiredBits.first { throw .unknownRequiredFeature(bit: bit) }
        }
        return (paymentHash, paymentSecret, description)
    }

    /// SHA-256 of the human-readable part (UTF-8) and the data words packed into bytes.
    public func signingDigest() throws(InvoiceError) -> [UInt8] {
        InvoiceSignature.digest(humanReadablePart: humanReadablePart, dataWords: try dataWords())
    }

    /// Signs with the node key (RFC 6979, so the same invoice and key give the same string).
    /// The result is read back with `Invoice.decode`: what a reader would refuse or read
    /// differently (say a `.skipped` field that parses as a known one) is refused here, so
    /// we never hand out an invoice that says something else than we meant.
    public func signed(with key: PrivateKey) throws(InvoiceError) -> Invoice {
        _ = try checked()
        if let named = payeeField, named != key.publicKey { throw .payeeMismatch }
        let hrp = humanReadablePart
        let words = try dataWords()
        let signature: RecoverableSignature
        do {
            signature = try key.signRecoverable(digest: InvoiceSignature.digest(humanReadablePart: hrp, dataWords: words))
        } catch {
            throw .signingFailed(error.message)
        }
        let invoice = try Invoice.decode(
            Bech32.encode(humanReadablePart: hrp, data: words + InvoiceSignature.words(of: signature)))
        guard invoice.unsigned == self else {
            let differing = zip(fields, invoice.fields).first { $0 != $1 }?.0.tag ?? "?"
            throw .invalidField(tag: differing, reason: "it reads back as a different field")
        }
        return invoice
    }
}
