import ChanCrypto

/// The secret one hop shares with the sender of an onion: SHA-256 of the compressed ECDH
/// point (BOLT 4 "Shared Secret"). Every per-hop key is derived from it, and both ends keep
/// it after the HTLC is added: the hop to wrap a failure on its way back, the sender to
/// unwrap it.
public struct OnionSharedSecret: FixedSizeBytes {
    public static let byteCount = 32
    public static let fieldName = "shared_secret"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }

    /// The key of one type: HMAC-SHA256 keyed with the type's ASCII name over the secret.
    public func key(_ type: OnionKeyType) -> [UInt8] {
        HMACSHA256.authenticate(key: Array(type.rawValue.utf8), message: bytes)
    }
}

/// The key types of BOLT 4 "Key Generation" and "Returning Errors"; the raw value is the
/// HMAC key, without a terminating zero byte.
public enum OnionKeyType: String, Sendable, CaseIterable {
    /// Obfuscates the hop payloads.
    case rho
    /// Authenticates the forward packet.
    case mu
    /// Authenticates a returned failure.
    case um
    /// Seeds the initial random-looking hop payloads (from the session key, not a secret).
    case pad
    /// Obfuscates a returned failure at each hop.
    case ammag
}
