import ChanCrypto
import ChanLedger

/// A signed BOLT 11 invoice whose reader rules hold: it has a payment hash, a payment secret
/// and one kind of description, no unknown required feature, and the payee's key comes from
/// its `n` field or from the signature. Only `decode` and `UnsignedInvoice.signed(with:)`
/// make one.
public struct Invoice: Hashable, Sendable {
    /// Everything the signature covers, fields in wire order.
    public let unsigned: UnsignedInvoice
    public let paymentHash: PaymentHash
    public let paymentSecret: Bytes32
    public let description: InvoiceDescription
    /// As transmitted (a decoded invoice may carry a high-S one).
    public let signature: RecoverableSignature
    public let payee: PublicKey
    public let payeeSource: PayeeSource
    /// The bech32 string, lower case.
    public let encoded: String

    public enum PayeeSource: String, Hashable, Sendable {
        /// The `n` field, checked against the signature.
        case field
        /// Recovered from the signature.
        case recovered
    }

    init(
        unsigned: UnsignedInvoice, paymentHash: PaymentHash, paymentSecret: Bytes32, description: InvoiceDescription,
        signature: RecoverableSignature, payee: PublicKey, payeeSource: PayeeSource, encoded: String
    ) {
        self.unsigned = unsigned
        self.paymentHash = paymentHash
        self.paymentSecret = paymentSecret
        self.description = description
        self.signature = signature
        self.payee = payee
        self.payeeSource = payeeSource
        self.encoded = encoded
    }

    public var prefix: InvoicePrefix { unsigned.prefix }
    public var humanReadablePart: String { unsigned.humanReadablePart }
    public var amount: MilliSatoshi? { unsigned.amount }
    public var timestamp: UInt64 { unsigned.timestamp }
    public var fields: [InvoiceField] { unsigned.fields }
    public var expiry: UInt64 { unsigned.expiry }
    public var minFinalCLTVExpiry: UInt32 { unsigned.minFinalCLTVExpiry }
    public var fallbacks: [FallbackAddress] { unsigned.fallbacks }
    public var routeHints: [RouteHint] { unsigned.routeHints }
    public var features: InvoiceFeatures { unsigned.features }
    public var metadata: [UInt8]? { unsigned.metadata }
    public var expiresAt: UInt64 { unsigned.expiresAt }
    public func isExpired(now: UInt64) -> Bool { unsigned.isExpired(now: now) }
}
