import ChanCrypto

/// Who may spend an output, and how. A closed set of templates that mirror BOLT 3's scripts
/// one to one (DESIGN.md section 3); `Witness` names the spending path used.
public enum OutputCondition: Hashable, Sendable {
    /// One signature by `key`: wallet outputs and `to_remote`.
    case key(PublicKey)
    /// Both keys sign: the funding output. Keys are kept sorted (BOLT 3 orders them so).
    case multisig2(PublicKey, PublicKey)
    /// `revocationKey` any time, or `delayedKey` once `toSelfDelay` blocks have passed since
    /// the output confirmed (relative timelock, CSV).
    case toLocal(revocationKey: PublicKey, delayedKey: PublicKey, toSelfDelay: UInt16)
    /// An HTLC offered by the commitment's owner: `revocationKey`; `remoteHTLCKey` with the
    /// preimage of `paymentHash`; or both HTLC keys (the pre-signed HTLC-timeout transaction,
    /// whose locktime is the CLTV expiry).
    case offeredHTLC(revocationKey: PublicKey, localHTLCKey: PublicKey, remoteHTLCKey: PublicKey, paymentHash: PaymentHash)
    /// An HTLC received by the commitment's owner: `revocationKey`; both HTLC keys with the
    /// preimage (the HTLC-success transaction); or `remoteHTLCKey` once the chain reaches
    /// `cltvExpiry` (absolute timelock, CLTV).
    case receivedHTLC(revocationKey: PublicKey, localHTLCKey: PublicKey, remoteHTLCKey: PublicKey, paymentHash: PaymentHash, cltvExpiry: UInt32)

    /// The funding condition with the two keys in BOLT 3 order (lexicographic compressed keys).
    public static func funding(_ a: PublicKey, _ b: PublicKey) -> OutputCondition {
        a.compressed.lexicographicallyPrecedes(b.compressed) ? .multisig2(a, b) : .multisig2(b, a)
    }

    /// Short lower-case name used in JSON.
    public var kind: String {
        switch self {
        case .key: "key"
        case .multisig2: "multisig2"
        case .toLocal: "to_local"
        case .offeredHTLC: "offered_htlc"
        case .receivedHTLC: "received_htlc"
        }
    }
}

/// SHA-256 of a payment preimage.
public struct PaymentHash: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(LedgerError) {
        guard bytes.count == 32 else { throw .malformedHash(Hex.encode(bytes)) }
        self.bytes = bytes
    }

    /// The hash of a preimage.
    public init(preimage: Preimage) { bytes = SHA256.hash(preimage.bytes) }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// The 32-byte secret whose hash locks an HTLC.
public struct Preimage: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(LedgerError) {
        guard bytes.count == 32 else { throw .malformedPreimage }
        self.bytes = bytes
    }

    public var hash: PaymentHash { PaymentHash(preimage: self) }
}

extension PaymentHash: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Hex.decode(text) else { throw LedgerError.malformedHash(text) }
        try self.init(bytes: bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension Preimage: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Hex.decode(text) else { throw LedgerError.malformedPreimage }
        try self.init(bytes: bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Hex.encode(bytes))
    }
}
