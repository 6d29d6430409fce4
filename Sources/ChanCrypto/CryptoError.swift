/// Why a cryptographic operation refused its input.
public enum CryptoError: CodedError, Equatable {
    case invalidPrivateKey
    case invalidPublicKey
    case invalidSignature
    case invalidLength(what: String, expected: Int, actual: Int)
    case tweakOutOfRange
    case decryptionFailed
    case randomUnavailable
    case backendFailure(String)

    public var code: String {
        switch self {
        case .invalidPrivateKey: "invalid_private_key"
        case .invalidPublicKey: "invalid_public_key"
        case .invalidSignature: "invalid_signature"
        case .invalidLength: "invalid_length"
        case .tweakOutOfRange: "tweak_out_of_range"
        case .decryptionFailed: "decryption_failed"
        case .randomUnavailable: "random_unavailable"
        case .backendFailure: "crypto_backend_failure"
        }
    }

    public var message: String {
        switch self {
        case .invalidPrivateKey: "the private key is zero or not below the curve order"
        case .invalidPublicKey: "the bytes are not a valid compressed secp256k1 public key"
        case .invalidSignature: "the signature is malformed"
        case .invalidLength(let what, let expected, let actual): "\(what) must be \(expected) bytes, got \(actual)"
        case .tweakOutOfRange: "the tweak is not a valid scalar or makes the key invalid"
        case .decryptionFailed: "the ciphertext or its tag is not authentic"
        case .randomUnavailable: "the system random source failed"
        case .backendFailure(let what): "the crypto library failed in \(what)"
        }
    }
}

@inline(__always)
func requireLength(_ bytes: [UInt8], _ expected: Int, _ what: String) throws(CryptoError) {
    guard bytes.count == expected else {
        throw .invalidLength(what: what, expected: expected, actual: bytes.count)
    }
}
