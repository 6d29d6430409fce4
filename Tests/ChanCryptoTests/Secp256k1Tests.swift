import ChanCrypto
import Testing

@Suite struct Secp256k1Tests {
    let one = try! PrivateKey(secretBytes: bytes(String(repeating: "00", count: 31) + "01"))

    @Test func publicKeyOfOneIsTheGenerator() {
        #expect(one.publicKey.hex == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    }

    @Test func rejectsInvalidPrivateKeys() {
        #expect(throws: CryptoError.invalidPrivateKey) { try PrivateKey(secretBytes: [UInt8](repeating: 0, count: 32)) }
        // The curve order n itself is out of range.
        #expect(throws: CryptoError.invalidPrivateKey) {
            try PrivateKey(secretBytes: bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
        }
        #expect(throws: CryptoError.self) { try PrivateKey(secretBytes: [1, 2, 3]) }
    }

    @Test func rejectsInvalidPublicKeys() {
        #expect(throws: CryptoError.self) { try PublicKey(compressed: [2]) }
        // x = 5 is not on the curve (5^3 + 7 = 132 is not a square mod p).
        #expect(throws: CryptoError.invalidPublicKey) {
            try PublicKey(hex: "02" + String(repeating: "00", count: 31) + "05")
        }
        #expect(throws: CryptoError.invalidPublicKey) {
            try PublicKey(hex: "04" + String(repeating: "00", count: 31) + "01")
        }
    }

    /// RFC 6979 nonces make signatures deterministic: the widely published vector for key 1
    /// over SHA-256("Satoshi Nakamoto").
    @Test func deterministicLowSSignature() throws {
        let digest = SHA256.hash(Array("Satoshi Nakamoto".utf8))
        let signature = try one.sign(digest: digest)
        #expect(signature.hex == "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d82442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5")
        #expect(signature.isLowS)
        #expect(one.publicKey.verify(signature, digest: digest))
    }

    @Test func verifyRejectsWrongKeyDigestAndHighS() throws {
        let key = try PrivateKey.random()
        let digest = SHA256.hash(Array("pay".utf8))
        let signature = try key.sign(digest: digest)
        #expect(key.publicKey.verify(signature, digest: digest))
        #expect(!one.publicKey.verify(signature, digest: digest))
        #expect(!key.publicKey.verify(signature, digest: SHA256.hash(Array("pax".utf8))))
        #expect(!key.publicKey.verify(signature, digest: [1, 2]))
        // s' = n - s is the same signature in high-S form: valid math, refused encoding.
        let highS = try Signature(compact: Array(signature.compact.prefix(32)) + negateModN(Array(signature.compact.suffix(32))))
        #expect(!highS.isLowS)
        #expect(!key.publicKey.verify(highS, digest: digest))
    }

    @Test func recoverableSignatureRecoversSigner() throws {
        let key = try PrivateKey.random()
        let digest = SHA256.hash(Array("invoice".utf8))
        let recoverable = try key.signRecoverable(digest: digest)
        #expect(try PublicKey.recover(from: recoverable, digest: digest) == key.publicKey)
        #expect(key.publicKey.verify(try recoverable.signature, digest: digest))
        #expect(try PublicKey.recover(from: recoverable, digest: SHA256.hash([1])) != key.publicKey)
        #expect(throws: CryptoError.self) { try RecoverableSignature(compact: recoverable.compact, recoveryID: 4) }
    }

    /// BOLT 8 act one: ss = ECDH(e.priv, rs.pub).
    @Test func ecdhMatchesBOLT8() throws {
        let ephemeral = try PrivateKey(secretBytes: bytes(String(repeating: "12", count: 32)))
        let remote = try PublicKey(hex: "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7")
        #expect(ephemeral.publicKey.hex == "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7")
        #expect(try ephemeral.sharedSecret(with: remote).hex == "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3")
    }

    @Test func ecdhIsSymmetric() throws {
        let a = try PrivateKey.random(), b = try PrivateKey.random()
        #expect(try a.sharedSecret(with: b.publicKey) == b.sharedSecret(with: a.publicKey))
    }

    @Test func tweaksAgreeBetweenSecretAndPublicSide() throws {
        let key = try PrivateKey.random()
        let tweak = SHA256.hash(Array("tweak".utf8))
        #expect(try key.addingTweak(tweak).publicKey == key.publicKey.addingTweak(tweak))
        #expect(try key.multipliedByTweak(tweak).publicKey == key.publicKey.multipliedByTweak(tweak))
        let other = try PrivateKey.random()
        let sum = try PublicKey.combine([key.publicKey, other.publicKey])
        #expect(try key.addingTweak(other.secretBytes).publicKey == sum)
        #expect(throws: CryptoError.self) { try key.addingTweak([1]) }
    }

    @Test func randomBytesDiffer() throws {
        #expect(try SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(try SecureRandom.bytes(0).isEmpty)
    }
}

/// n - s for a 32-byte big-endian s below the curve order n.
func negateModN(_ s: [UInt8]) -> [UInt8] {
    let n = bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    var result = [UInt8](repeating: 0, count: 32)
    var borrow = 0
    for index in stride(from: 31, through: 0, by: -1) {
        var difference = Int(n[index]) - Int(s[index]) - borrow
        borrow = difference < 0 ? 1 : 0
        if difference < 0 { difference += 256 }
        result[index] = UInt8(difference)
    }
    return result
}

@Suite struct SecretPrintingTests {
    @Test func privateKeysPrintRedacted() throws {
        let key = try PrivateKey(secretBytes: [UInt8](repeating: 0x42, count: 32))
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains("42, 66") && !text.contains("4242"), "\(text)")
            #expect(!text.contains("66, 66"))
        }
        #expect("\(key)" == "PrivateKey(redacted)")
    }
}
