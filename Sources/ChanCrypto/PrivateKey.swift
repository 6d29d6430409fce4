import CSecp256k1

/// A secp256k1 secret key: 32 bytes, non-zero and below the curve order.
///
/// Deliberately not `Codable`, and printed redacted, so a secret cannot end up in JSON or a
/// log line by accident; `secretBytes` is the one explicit way out (for the seed file).
public struct PrivateKey: Sendable, Equatable {
    public let secretBytes: [UInt8]

    public init(secretBytes bytes: [UInt8]) throws(CryptoError) {
        try requireLength(bytes, 32, "a private key")
        guard secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1 else {
            throw .invalidPrivateKey
        }
        secretBytes = bytes
    }

    /// A fresh key from the system's secure random source.
    public static func random() throws(CryptoError) -> PrivateKey {
        while true {
            // A failing random source throws; only an out-of-range draw (p ~ 2^-128) retries.
            let candidate = try SecureRandom.bytes(32)
            if let key = try? PrivateKey(secretBytes: candidate) { return key }
        }
    }

    public var publicKey: PublicKey {
        var key = secp256k1_pubkey()
        // A valid secret key always has a public key.
        precondition(secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &key, secretBytes) == 1)
        return PublicKey(raw: key)
    }

    /// ECDSA over a 32-byte digest with RFC 6979 nonces; the result is low-S.
    public func sign(digest: [UInt8]) throws(CryptoError) -> Signature {
        try requireLength(digest, 32, "a digest")
        let context = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_sign(context, &sig, digest, secretBytes, nil, nil) == 1 else {
            throw .backendFailure("ecdsa_sign")
        }
        var compact = [UInt8](repeating: 0, count: 64)
        secp256k1_ecdsa_signature_serialize_compact(context, &compact, &sig)
        return try Signature(compact: compact)
    }

    /// A recoverable signature (BOLT 11 invoices): the signer's key can be computed from it.
    public func signRecoverable(digest: [UInt8]) throws(CryptoError) -> RecoverableSignature {
        try requireLength(digest, 32, "a digest")
        let context = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(context, &sig, digest, secretBytes, nil, nil) == 1 else {
            throw .backendFailure("ecdsa_sign_recoverable")
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &sig)
        return try RecoverableSignature(compact: compact, recoveryID: recoveryID)
    }

    /// BOLT 8 ECDH: SHA-256 of the compressed shared point `k·P`.
    public func sharedSecret(with publicKey: PublicKey) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var point = publicKey.raw
        guard secp256k1_ecdh(
            Secp256k1Context.shared.pointer, &output, &point, secretBytes,
            chan_secp256k1_ecdh_hash_sha256(), nil) == 1
        else { throw .tweakOutOfRange }
        return output
    }

    /// `(k + t) mod n`.
    public func addingTweak(_ tweak: [UInt8]) throws(CryptoError) -> PrivateKey {
        try requireLength(tweak, 32, "a tweak")
        var key = secretBytes
        guard secp256k1_ec_seckey_tweak_add(Secp256k1Context.shared.pointer, &key, tweak) == 1 else {
            throw .tweakOutOfRange
        }
        return try PrivateKey(secretBytes: key)
    }

    /// `(k · t) mod n`.
    public func multipliedByTweak(_ tweak: [UInt8]) throws(CryptoError) -> PrivateKey {
        try requireLength(tweak, 32, "a tweak")
        var key = secretBytes
        guard secp256k1_ec_seckey_tweak_mul(Secp256k1Context.shared.pointer, &key, tweak) == 1 else {
            throw .tweakOutOfRange
        }
        return try PrivateKey(secretBytes: key)
    }
}

/// String interpolation, `print`, `dump` and test-failure reports show no secret.
extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PrivateKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
