import ChanCrypto
import Testing

func bytes(_ hex: String) -> [UInt8] {
    Hex.decode(hex.filter { !$0.isWhitespace })!
}

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.doubleHash(Array("abc".utf8)).hex == "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358")
    }
}

/// RFC 4231 section 4: HMAC-SHA-256 test cases 1-4, 6, 7 (case 5 is a truncated output).
@Suite struct HMACTests {
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", String(repeating: "dd", count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131),
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231(key: String, data: String, expected: String) {
        #expect(HMACSHA256.authenticate(key: bytes(key), message: bytes(data)).hex == expected)
    }
}

/// RFC 5869 appendix A: the three SHA-256 test cases.
@Suite struct HKDFTests {
    @Test func case1() throws {
        let prk = HKDF.extract(salt: bytes("000102030405060708090a0b0c"), inputKeyMaterial: bytes(String(repeating: "0b", count: 22)))
        #expect(prk.hex == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        let okm = try HKDF.expand(pseudoRandomKey: prk, info: bytes("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        #expect(okm.hex == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test func case2LongInputs() throws {
        let ikm = bytes((0x00...0x4f).map { String(format2: $0) }.joined())
        let salt = bytes((0x60...0xaf).map { String(format2: $0) }.joined())
        let info = bytes((0xb0...0xff).map { String(format2: $0) }.joined())
        let okm = try HKDF.deriveKey(salt: salt, inputKeyMaterial: ikm, info: info, length: 82)
        #expect(okm.hex == "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87")
    }

    @Test func case3EmptySaltAndInfo() throws {
        let okm = try HKDF.deriveKey(salt: [], inputKeyMaterial: bytes(String(repeating: "0b", count: 22)), info: [], length: 42)
        #expect(okm.hex == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test func refusesTooLongOutput() {
        #expect(throws: CryptoError.self) { try HKDF.expand(pseudoRandomKey: [1], info: [], length: 255 * 32 + 1) }
    }
}

extension String {
    init(format2 value: Int) {
        let digits = Array("0123456789abcdef")
        self = String([digits[value >> 4], digits[value & 15]])
    }
}
