import COpenSSL

/// ChaCha20-Poly1305 AEAD (RFC 8439, IETF 96-bit nonce) through libcrypto: BOLT 8 transport.
public enum ChaCha20Poly1305 {
    public static let tagLength = 16

    /// Returns ciphertext || 16-byte tag.
    public static func seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "a ChaCha20-Poly1305 key")
        try requireLength(nonce, 12, "a ChaCha20-Poly1305 nonce")
        let context = try CipherContext()
        var output = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var length: Int32 = 0
        guard EVP_EncryptInit_ex(context.pointer, OpenSSLAlgorithms.shared.chacha20Poly1305, nil, key, nonce) == 1,
              EVP_EncryptUpdate(context.pointer, nil, &length, associatedData, Int32(associatedData.count)) == 1,
              EVP_EncryptUpdate(context.pointer, &output, &length, plaintext, Int32(plaintext.count)) == 1,
              EVP_EncryptFinal_ex(context.pointer, &output[plaintext.count], &length) == 1
        else { throw .backendFailure("chacha20-poly1305 seal") }
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), &tag) == 1 else {
            throw .backendFailure("chacha20-poly1305 tag")
        }
        output.replaceSubrange(plaintext.count..., with: tag)
        return output
    }

    /// Opens ciphertext || tag; throws `decryptionFailed` if the tag does not match.
    public static func open(key: [UInt8], nonce: [UInt8], sealed: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "a ChaCha20-Poly1305 key")
        try requireLength(nonce, 12, "a ChaCha20-Poly1305 nonce")
        guard sealed.count >= tagLength else { throw .decryptionFailed }
        let ciphertextLength = sealed.count - tagLength
        var tag = Array(sealed[ciphertextLength...])
        let context = try CipherContext()
        var output = [UInt8](repeating: 0, count: ciphertextLength + 1)
        var length: Int32 = 0
        guard EVP_DecryptInit_ex(context.pointer, OpenSSLAlgorithms.shared.chacha20Poly1305, nil, key, nonce) == 1,
              EVP_DecryptUpdate(context.pointer, nil, &length, associatedData, Int32(associatedData.count)) == 1,
              EVP_DecryptUpdate(context.pointer, &output, &length, sealed, Int32(ciphertextLength)) == 1,
              EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tag) == 1
        else { throw .backendFailure("chacha20-poly1305 open") }
        var finalLength: Int32 = 0
        guard EVP_DecryptFinal_ex(context.pointer, &output[ciphertextLength], &finalLength) == 1 else {
            throw .decryptionFailed
        }
        return Array(output.prefix(ciphertextLength))
    }
}

/// The ChaCha20 stream cipher alone (RFC 8439 section 2.4), for BOLT 4 onion streams.
public enum ChaCha20 {
    /// XORs `data` with the key stream starting at block `counter`.
    public static func apply(key: [UInt8], nonce: [UInt8], counter: UInt32 = 0, to data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "a ChaCha20 key")
        try requireLength(nonce, 12, "a ChaCha20 nonce")
        // OpenSSL's IV for ChaCha20 is the 32-bit little-endian counter followed by the nonce.
        let iv = withUnsafeBytes(of: counter.littleEndian, Array.init) + nonce
        let context = try CipherContext()
        var output = [UInt8](repeating: 0, count: data.count + 1)
        var length: Int32 = 0
        guard EVP_EncryptInit_ex(context.pointer, OpenSSLAlgorithms.shared.chacha20, nil, key, iv) == 1,
              EVP_EncryptUpdate(context.pointer, &output, &length, data, Int32(data.count)) == 1
        else { throw .backendFailure("chacha20") }
        return Array(output.prefix(data.count))
    }
}

/// Owns an EVP_CIPHER_CTX for the length of one operation.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws(CryptoError) {
        guard let context = EVP_CIPHER_CTX_new() else { throw .backendFailure("EVP_CIPHER_CTX_new") }
        pointer = context
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}
