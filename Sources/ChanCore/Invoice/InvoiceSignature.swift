import ChanCrypto

/// The invoice signature: 64 bytes r || s and a recovery id, over SHA-256 of the
/// human-readable part and the data words (zero-padded to a byte boundary).
enum InvoiceSignature {
    /// 520 bits: exactly 104 words, so the signature needs no padding.
    static let wordCount = 104

    static func digest(humanReadablePart hrp: String, dataWords: some Collection<UInt8>) -> [UInt8] {
        SHA256.hash(Array(hrp.utf8) + InvoiceWords.paddedBytes(fromWords: dataWords))
    }

    static func words(of signature: RecoverableSignature) -> [UInt8] {
        InvoiceWords.words(fromBytes: signature.compact + [UInt8(truncatingIfNeeded: signature.recoveryID)])
    }

    /// Finds the payee's key. With an `n` field the signature is verified against it and
    /// must be low-S (libsecp256k1 verification refuses high-S). Without one the key is
    /// recovered, accepting high-S as the spec asks: s is first normalised to n - s and the
    /// transmitted recovery id kept, which is how the spec's high-S example recovers its
    /// signer (plain recovery of the high-S form would give another key; see the vectors).
    static func payee(
        compact: [UInt8], recoveryID: UInt8, digest: [UInt8], named: PublicKey?
    ) throws(InvoiceError) -> PublicKey {
        guard recoveryID <= 3 else { throw .invalidRecoveryID(recoveryID) }
        let s = Array(compact[32..<64])
        let highS = isAbove(s, halfOrder)
        if let named {
            guard !highS else { throw .highSSignature }
            guard let signature = try? Signature(compact: compact), named.verify(signature, digest: digest) else {
                throw .invalidSignature
            }
            return named
        }
        var normalised = compact
        if highS, isAbove(order, s) {
            normalised.replaceSubrange(32..<64, with: subtract(s, from: order))
        }
        do {
            let signature = try RecoverableSignature(compact: normalised, recoveryID: Int32(recoveryID))
            return try PublicKey.recover(from: signature, digest: digest)
        } catch {
            throw .unrecoverableSignature
        }
    }

    /// The secp256k1 group order n, and n / 2 (rounded down): s above it is "high".
    private static let order: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ]
    private static let halfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    ]

    /// Big-endian comparison of two 32-byte numbers: a > b.
    private static func isAbove(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x > y }
        return false
    }

    /// a - b for 32-byte big-endian numbers with a > b.
    private static func subtract(_ b: [UInt8], from a: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in stride(from: 31, through: 0, by: -1) {
            var difference = Int(a[index]) - Int(b[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[index] = UInt8(difference)
        }
        return result
    }
}
