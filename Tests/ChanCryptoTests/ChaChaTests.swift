import ChanCrypto
import Testing

/// RFC 8439 section 2.8.2 (AEAD) and 2.4.2 (the stream cipher alone).
@Suite struct ChaChaTests {
    let key = bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
    let nonce = bytes("070000004041424344454647")
    let aad = bytes("50515253c0c1c2c3c4c5c6c7")
    let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
    let expectedCiphertext = """
        d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116
        """
    let expectedTag = "1ae10b594f09e26a7e902ecbd0600691"

    @Test func sealMatchesRFC() throws {
        let sealed = try ChaCha20Poly1305.seal(key: key, nonce: nonce, plaintext: plaintext, associatedData: aad)
        #expect(sealed.hex == expectedCiphertext + expectedTag)
    }

    @Test func openRoundTripsAndRejectsTampering() throws {
        var sealed = try ChaCha20Poly1305.seal(key: key, nonce: nonce, plaintext: plaintext, associatedData: aad)
        #expect(try ChaCha20Poly1305.open(key: key, nonce: nonce, sealed: sealed, associatedData: aad) == plaintext)
        #expect(throws: CryptoError.decryptionFailed) {
            try ChaCha20Poly1305.open(key: key, nonce: nonce, sealed: sealed, associatedData: [])
        }
        sealed[3] ^= 1
        #expect(throws: CryptoError.decryptionFailed) {
            try ChaCha20Poly1305.open(key: key, nonce: nonce, sealed: sealed, associatedData: aad)
        }
        #expect(throws: CryptoError.decryptionFailed) {
            try ChaCha20Poly1305.open(key: key, nonce: nonce, sealed: [1, 2, 3], associatedData: aad)
        }
    }

    @Test func emptyPlaintextGivesTagOnly() throws {
        // BOLT 8 act one: encryptWithAD(temp_k1, 0, h, "") = 0df6086551151f58b8afe6c195782c6a.
        let sealed = try ChaCha20Poly1305.seal(
            key: bytes("e68f69b7f096d7917245f5e5cf8ae1595febe4d4644333c99f9c4a1282031c9f"),
            nonce: [UInt8](repeating: 0, count: 12), plaintext: [],
            associatedData: bytes("9e0e7de8bb75554f21db034633de04be41a2b8a18da7a319a03c803bf02b396c"))
        #expect(sealed.hex == "0df6086551151f58b8afe6c195782c6a")
    }

    @Test func streamCipherMatchesRFCSection242() throws {
        let key = bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        let nonce = bytes("000000000000004a00000000")
        let output = try ChaCha20.apply(key: key, nonce: nonce, counter: 1, to: plaintext)
        #expect(output.hex.hasPrefix("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d"))
    }

    @Test func rejectsWrongKeyAndNonceSizes() {
        #expect(throws: CryptoError.self) { try ChaCha20Poly1305.seal(key: [1], nonce: nonce, plaintext: [], associatedData: []) }
        #expect(throws: CryptoError.self) { try ChaCha20Poly1305.seal(key: key, nonce: [1], plaintext: [], associatedData: []) }
    }
}
