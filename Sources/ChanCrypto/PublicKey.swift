import CSecp256k1

/// A secp256k1 public key, always valid: its 33-byte compressed encoding, and the parsed point
/// kept beside it (parsing a compressed key costs a square root; every signature check, tweak
/// and ECDH would pay it again). Equal and hashed by the encoding.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    public let compressed: [UInt8]
    let raw: secp256k1_pubkey

    /// Parses a 33-byte compressed key; rejects anything that is not a point on the curve.
    public init(compressed bytes: [UInt8]) throws(CryptoError) {
        try requireLength(bytes, 33, "a compressed public key")
        guard bytes[0] == 0x02 || bytes[0] == 0x03 else { throw .invalidPublicKey }
        raw = try PublicKey.parse(bytes)
        compressed = bytes
    }

    /// Parses a 65-byte uncompressed key (`04 || x || y`): a cheap curve check, no square root,
    /// which is why stored records keep keys in this form.
    public init(uncompressed bytes: [UInt8]) throws(CryptoError) {
        try requireLength(bytes, 65, "an uncompressed public key")
        guard bytes[0] == 0x04 else { throw .invalidPublicKey }
        self.init(raw: try PublicKey.parse(bytes))
    }

    /// `04 || x || y`.
    public var uncompressed: [UInt8] {
        var key = raw
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.pointer, &output, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return output
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.compressed == rhs.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    public init(hex: String) throws(CryptoError) {
        guard let bytes = Hex.decode(hex) else { throw .invalidPublicKey }
        try self.init(compressed: bytes)
    }

    init(raw: secp256k1_pubkey) {
        var key = raw
        var output = [UInt8](repeating: 0, count: 33)
        var length = 33
        secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.pointer, &output, &length, &key, UInt32(SECP256K1_EC_COMPRESSED))
        compressed = output
        self.raw = raw
    }

    static func parse(_ bytes: [UInt8]) throws(CryptoError) -> secp256k1_pubkey {
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, bytes, bytes.count) == 1 else {
            throw .invalidPublicKey
        }
        return key
    }

    public var hex: String { Hex.encode(compressed) }
    public var description: String { hex }

    /// Verifies a low-S compact ECDSA signature over a 32-byte digest. High-S signatures are
    /// rejected, as libsecp256k1 does, so a signature has one valid encoding.
    public func verify(_ signature: Signature, digest: [UInt8]) -> Bool {
        guard digest.count == 32 else { return false }
        var sig = secp256k1_ecdsa_signature()
        let context = Secp256k1Context.shared.pointer
        guard secp256k1_ecdsa_signature_parse_compact(context, &sig, signature.compact) == 1 else { return false }
        var key = raw
        return secp256k1_ecdsa_verify(context, &sig, digest, &key) == 1
    }

    /// `P + t·G` (BOLT 3 `localpubkey` and friends).
    public func addingTweak(_ tweak: [UInt8]) throws(CryptoError) -> PublicKey {
        try requireLength(tweak, 32, "a tweak")
        var key = raw
        guard secp256k1_ec_pubkey_tweak_add(Secp256k1Context.shared.pointer, &key, tweak) == 1 else {
            throw .tweakOutOfRange
        }
        return PublicKey(raw: key)
    }

    /// `t·P` (BOLT 3 `revocationpubkey`).
    public func multipliedByTweak(_ tweak: [UInt8]) throws(CryptoError) -> PublicKey {
        try requireLength(tweak, 32, "a tweak")
        var key = raw
        guard secp256k1_ec_pubkey_tweak_mul(Secp256k1Context.shared.pointer, &key, tweak) == 1 else {
            throw .tweakOutOfRange
        }
        return PublicKey(raw: key)
    }

    /// The sum of points; fails only if the sum is the point at infinity.
    public static func combine(_ keys: [PublicKey]) throws(CryptoError) -> PublicKey {
        guard !keys.isEmpty else { throw .invalidPublicKey }
        let raws = keys.map(\.raw)
        var result = secp256k1_pubkey()
        let ok = withUnsafeTemporaryAllocation(of: secp256k1_pubkey.self, capacity: raws.count) { storage in
            for (index, raw) in raws.enumerated() { storage.initializeElement(at: index, to: raw) }
            return withUnsafeTemporaryAllocation(of: UnsafePointer<secp256k1_pubkey>?.self, capacity: raws.count) { pointers in
                for index in 0..<raws.count {
                    pointers.initializeElement(at: index, to: UnsafePointer(storage.baseAddress! + index))
                }
                return secp256k1_ec_pubkey_combine(
                    Secp256k1Context.shared.pointer, &result, pointers.baseAddress!, raws.count)
            }
        }
        guard ok == 1 else { throw .invalidPublicKey }
        return PublicKey(raw: result)
    }

    /// Recovers the signer of a 32-byte digest from a recoverable signature (BOLT 11).
    public static func recover(from signature: RecoverableSignature, digest: [UInt8]) throws(CryptoError) -> PublicKey {
        try requireLength(digest, 32, "a digest")
        let context = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard signature.recoveryID >= 0, signature.recoveryID <= 3,
              secp256k1_ecdsa_recoverable_signature_parse_compact(
                context, &sig, signature.compact, signature.recoveryID) == 1
        else { throw .invalidSignature }
        var key = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &key, &sig, digest) == 1 else { throw .invalidSignature }
        return PublicKey(raw: key)
    }
}

extension PublicKey: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(hex: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
