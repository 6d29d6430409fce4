import ChanCrypto

/// BOLT 4's pseudo-random byte stream: ChaCha20 over zero bytes with a 96-bit zero nonce.
/// A fixed nonce is safe because each key is used for one stream only.
enum OnionStream {
    private static let zeroNonce = [UInt8](repeating: 0, count: 12)

    /// `count` bytes of the stream of `key` (a 32-byte derived key).
    static func generate(key: [UInt8], count: Int) -> [UInt8] {
        xor(key: key, into: [UInt8](repeating: 0, count: count))
    }

    /// `data` XOR the stream of `key`.
    static func xor(key: [UInt8], into data: [UInt8]) -> [UInt8] {
        do {
            return try ChaCha20.apply(key: key, nonce: zeroNonce, to: data)
        } catch {
            // Key and nonce lengths are fixed here, so only libcrypto itself can fail (an
            // allocation), as HMACSHA256 also treats as fatal; no input byte reaches this.
            preconditionFailure("ChaCha20 failed inside libcrypto: \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    /// XORs `other` into the bytes starting at `offset`; `other` must fit.
    mutating func xorInPlace(_ other: [UInt8], at offset: Int = 0) {
        precondition(offset >= 0 && offset + other.count <= count)
        for index in other.indices {
            self[offset + index] ^= other[index]
        }
    }
}

/// Compares two MACs in time that depends only on their length, as BOLT 4 requires.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices {
        difference |= lhs[index] ^ rhs[index]
    }
    return difference == 0
}
