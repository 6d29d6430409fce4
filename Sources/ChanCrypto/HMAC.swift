import COpenSSL

/// HMAC-SHA256 (RFC 2104) through libcrypto.
public enum HMACSHA256 {
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                COpenSSL.HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(key.count),
                    messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    &mac, &length)
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed inside libcrypto")
        return mac
    }
}

/// HKDF-SHA256 (RFC 5869), written over HMAC rather than OpenSSL's EVP_KDF so no C
/// parameter-name lifetimes are involved; it is two lines of the RFC.
public enum HKDF {
    public static func extract(salt: [UInt8], inputKeyMaterial: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticate(key: salt, message: inputKeyMaterial)
    }

    public static func expand(pseudoRandomKey: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length >= 0, length <= 255 * 32 else {
            throw .invalidLength(what: "HKDF output", expected: 255 * 32, actual: length)
        }
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < length {
            block = HMACSHA256.authenticate(key: pseudoRandomKey, message: block + info + [counter])
            output += block
            counter &+= 1
        }
        return Array(output.prefix(length))
    }

    public static func deriveKey(salt: [UInt8], inputKeyMaterial: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        try expand(pseudoRandomKey: extract(salt: salt, inputKeyMaterial: inputKeyMaterial), info: info, length: length)
    }
}
