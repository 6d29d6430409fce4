import COpenSSL

/// libcrypto's algorithms, fetched once. OpenSSL 3 looks an algorithm up in its provider
/// tables on every use of `EVP_sha256()` and friends (an implicit fetch with locks); a hash per
/// shachain step and a cipher per message made that lookup a visible share of a payment.
/// A fetched algorithm is immutable and may be shared across threads.
final class OpenSSLAlgorithms: @unchecked Sendable {
    static let shared = OpenSSLAlgorithms()

    let sha256: OpaquePointer
    let chacha20Poly1305: OpaquePointer
    let chacha20: OpaquePointer

    private init() {
        // These are in libcrypto's default provider; without them nothing of chan can work.
        guard let sha256 = EVP_MD_fetch(nil, "SHA256", nil),
              let chacha20Poly1305 = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil),
              let chacha20 = EVP_CIPHER_fetch(nil, "ChaCha20", nil)
        else { preconditionFailure("libcrypto lacks SHA256 or ChaCha20-Poly1305") }
        self.sha256 = sha256
        self.chacha20Poly1305 = chacha20Poly1305
        self.chacha20 = chacha20
    }
}
