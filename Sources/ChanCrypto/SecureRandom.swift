import COpenSSL

/// Cryptographically secure random bytes from libcrypto's DRBG (seeded by the OS).
public enum SecureRandom {
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&output, Int32(count)) == 1 else { throw .randomUnavailable }
        return output
    }
}
