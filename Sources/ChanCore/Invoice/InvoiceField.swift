import ChanCrypto
import ChanLedger

/// One tagged field of an invoice's data part. An invoice keeps its fields as a list in
/// wire order, so encoding the list again reproduces the signed bytes exactly.
public enum InvoiceField: Hashable, Sendable {
    /// `p`: the hash whose preimage proves payment.
    case paymentHash(PaymentHash)
    /// `s`: the secret that keeps forwarding nodes from probing the payee.
    case paymentSecret(Bytes32)
    /// `d`: the purpose of the payment, UTF-8, at most 639 bytes.
    case description(String)
    /// `h`: SHA-256 of a description delivered some other way.
    case descriptionHash(Hash32)
    /// `n`: the payee's key; without it the key is recovered from the signature.
    case payee(PublicKey)
    /// `x`: seconds after the timestamp until the invoice expires (default 3600).
    case expiry(UInt64)
    /// `c`: the CLTV delta the last HTLC must leave the payee (default 18).
    case minFinalCLTVExpiry(UInt32)
    /// `f`: an on-chain fallback address.
    case fallback(FallbackAddress)
    /// `r`: a private route into the payee.
    case routeHint(RouteHint)
    /// `9`: features the payment needs or may use.
    case features(InvoiceFeatures)
    /// `m`: metadata the payer hands back to the payee in the onion.
    case metadata([UInt8])
    /// A field a reader skips (unknown type, an `f` of unknown version, or a `p`, `h`, `s` or
    /// `n` of the wrong length), kept as received because the signature covers it.
    case skipped(type: UInt8, words: [UInt8])

    /// The 5-bit type number on the wire.
    public var type: UInt8 {
        switch self {
        case .paymentHash: FieldType.paymentHash
        case .paymentSecret: FieldType.paymentSecret
        case .description: FieldType.description
        case .descriptionHash: FieldType.descriptionHash
        case .payee: FieldType.payee
        case .expiry: FieldType.expiry
        case .minFinalCLTVExpiry: FieldType.minFinalCLTVExpiry
        case .fallback: FieldType.fallback
        case .routeHint: FieldType.routeHint
        case .features: FieldType.features
        case .metadata: FieldType.metadata
        case .skipped(let type, _): type
        }
    }

    /// The bech32 letter of the type, as the spec names fields (`p`, `s`, `9`...).
    public var tag: String { FieldType.tag(of: type) }
}

/// The spec's type numbers: each is the index of the field's letter in the bech32 alphabet.
enum FieldType {
    static let paymentHash: UInt8 = 1  // p
    static let routeHint: UInt8 = 3  // r
    static let features: UInt8 = 5  // 9
    static let expiry: UInt8 = 6  // x
    static let fallback: UInt8 = 9  // f
    static let description: UInt8 = 13  // d
    static let paymentSecret: UInt8 = 16  // s
    static let payee: UInt8 = 19  // n
    static let descriptionHash: UInt8 = 23  // h
    static let minFinalCLTVExpiry: UInt8 = 24  // c
    static let metadata: UInt8 = 27  // m

    private static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    static func tag(of type: UInt8) -> String {
        type < 32 ? String(alphabet[Int(type)]) : "?"
    }
}
