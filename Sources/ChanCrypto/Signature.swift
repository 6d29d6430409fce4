import CSecp256k1

/// A 64-byte compact ECDSA signature (r || s), as BOLT messages carry it.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public let compact: [UInt8]

    /// Accepts any 64 bytes that parse as r and s below the curve order; verification
    /// separately refuses high-S values.
    public init(compact bytes: [UInt8]) throws(CryptoError) {
        try requireLength(bytes, 64, "a compact signature")
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(Secp256k1Context.shared.pointer, &sig, bytes) == 1 else {
            throw .invalidSignature
        }
        compact = bytes
    }

    public init(hex: String) throws(CryptoError) {
        guard let bytes = Hex.decode(hex) else { throw .invalidSignature }
        try self.init(compact: bytes)
    }

    public var hex: String { Hex.encode(compact) }
    public var description: String { hex }

    /// True when s is in the lower half of the order (the only form `verify` accepts).
    public var isLowS: Bool {
        var sig = secp256k1_ecdsa_signature()
        let context = Secp256k1Context.shared.pointer
        _ = secp256k1_ecdsa_signature_parse_compact(context, &sig, compact)
        return secp256k1_ecdsa_signature_normalize(context, nil, &sig) == 0
    }
}

extension Signature: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(hex: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// A compact signature plus the recovery id (0...3) that names the signer's key among four.
public struct RecoverableSignature: Hashable, Sendable {
    public let compact: [UInt8]
    public let recoveryID: Int32

    public init(compact bytes: [UInt8], recoveryID: Int32) throws(CryptoError) {
        try requireLength(bytes, 64, "a compact signature")
        guard (0...3).contains(recoveryID) else { throw .invalidSignature }
        compact = bytes
        self.recoveryID = recoveryID
    }

    /// The signature without its recovery id.
    public var signature: Signature {
        get throws(CryptoError) { try Signature(compact: compact) }
    }
}
