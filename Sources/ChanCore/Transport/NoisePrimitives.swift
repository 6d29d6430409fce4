import ChanCrypto

/// The Noise functions BOLT 8 names, over ChanCrypto, with its errors mapped to ours.
enum Noise {
    /// `Noise_XK_secp256k1_ChaChaPoly_SHA256`, hashed into the initial state.
    static let protocolName = Array("Noise_XK_secp256k1_ChaChaPoly_SHA256".utf8)
    static let prologue = Array("lightning".utf8)

    /// `HKDF(salt, ikm)` with empty info and 64 bytes of output, split in two 32-byte keys.
    /// Written as RFC 5869's two expand blocks over HMAC so that it cannot fail.
    static func hkdf(salt: [UInt8], inputKeyMaterial: [UInt8]) -> (first: [UInt8], second: [UInt8]) {
        let prk = HKDF.extract(salt: salt, inputKeyMaterial: inputKeyMaterial)
        let first = HMACSHA256.authenticate(key: prk, message: [0x01])
        let second = HMACSHA256.authenticate(key: prk, message: first + [0x02])
        return (first, second)
    }

    /// 32 zero bits, then the counter as a little-endian 64-bit value (Noise's convention,
    /// not Lightning's usual big-endian).
    static func nonce(_ counter: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4)
        withUnsafeBytes(of: counter.littleEndian) { bytes += $0 }
        return bytes
    }

    /// `ECDH(k, P)`: SHA-256 of the compressed shared point, as ChanCrypto computes it.
    static func ecdh(_ key: PrivateKey, _ point: PublicKey) throws(TransportError) -> [UInt8] {
        do { return try key.sharedSecret(with: point) } catch { throw .cryptoFailure(error) }
    }

    static func encrypt(key: [UInt8], nonce counter: UInt64, associatedData: [UInt8], plaintext: [UInt8]) throws(TransportError) -> [UInt8] {
        do {
            return try ChaCha20Poly1305.seal(key: key, nonce: nonce(counter), plaintext: plaintext, associatedData: associatedData)
        } catch {
            throw .cryptoFailure(error)
        }
    }

    /// Nil when the tag does not verify; the caller names the failure for its context.
    static func decrypt(key: [UInt8], nonce counter: UInt64, associatedData: [UInt8], sealed: [UInt8]) throws(TransportError) -> [UInt8]? {
        do {
            return try ChaCha20Poly1305.open(key: key, nonce: nonce(counter), sealed: sealed, associatedData: associatedData)
        } catch .decryptionFailed {
            return nil
        } catch {
            throw .cryptoFailure(error)
        }
    }
}
