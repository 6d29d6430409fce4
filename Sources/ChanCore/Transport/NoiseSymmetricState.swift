import ChanCrypto

/// The handshake's running state: the chaining key `ck` and the handshake hash `h`.
///
/// The temporary keys (`temp_k1..3`) are returned by `mixKey` rather than stored here, so each
/// handshake state carries exactly the key the next act needs and nothing else.
struct NoiseSymmetricState: Sendable {
    private(set) var chainingKey: [UInt8]
    private(set) var handshakeHash: [UInt8]

    /// Both sides start from the protocol name, the prologue and the responder's static key
    /// (the initiator knows it in advance: that is the "K" of Noise_XK).
    init(responderStatic: PublicKey) {
        let nameHash = SHA256.hash(Noise.protocolName)
        chainingKey = nameHash
        handshakeHash = SHA256.hash(nameHash + Noise.prologue)
        mixHash(responderStatic.compressed)
    }

    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = SHA256.hash(handshakeHash + data)
    }

    /// `ck, temp_k = HKDF(ck, ikm)`; returns `temp_k`.
    mutating func mixKey(_ inputKeyMaterial: [UInt8]) -> [UInt8] {
        let (chaining, temporary) = Noise.hkdf(salt: chainingKey, inputKeyMaterial: inputKeyMaterial)
        chainingKey = chaining
        return temporary
    }

    /// `c = encryptWithAD(k, n, h, plaintext)`, then `h = SHA-256(h || c)`.
    mutating func encryptAndHash(key: [UInt8], nonce: UInt64, plaintext: [UInt8]) throws(TransportError) -> [UInt8] {
        let ciphertext = try Noise.encrypt(key: key, nonce: nonce, associatedData: handshakeHash, plaintext: plaintext)
        mixHash(ciphertext)
        return ciphertext
    }

    /// `p = decryptWithAD(k, n, h, c)`, then `h = SHA-256(h || c)`; nil (and `h` unchanged)
    /// when the tag does not verify.
    mutating func decryptAndHash(key: [UInt8], nonce: UInt64, ciphertext: [UInt8]) throws(TransportError) -> [UInt8]? {
        guard let plaintext = try Noise.decrypt(key: key, nonce: nonce, associatedData: handshakeHash, sealed: ciphertext) else {
            return nil
        }
        mixHash(ciphertext)
        return plaintext
    }

    /// The final `HKDF(ck, zero)`: the initiator's sending key first, its receiving key second.
    func split() -> (initiatorToResponder: [UInt8], responderToInitiator: [UInt8]) {
        let (first, second) = Noise.hkdf(salt: chainingKey, inputKeyMaterial: [])
        return (first, second)
    }
}

// Acts one and two have the same shape, `version || e.pub || tag`: only the keys of the
// ECDH differ (act one: `es`, act two: `ee`).
extension NoiseSymmetricState {
    /// Sender side: mix our ephemeral key in, ECDH it with `remote`, seal an empty payload.
    /// Returns the act and its temporary key (act three reuses `temp_k2`).
    mutating func writeEphemeralAct(ephemeral: PrivateKey, remote: PublicKey) throws(TransportError) -> (act: [UInt8], temporaryKey: [UInt8]) {
        let ephemeralPublic = ephemeral.publicKey.compressed
        mixHash(ephemeralPublic)
        let temporaryKey = mixKey(try Noise.ecdh(ephemeral, remote))
        let tag = try encryptAndHash(key: temporaryKey, nonce: 0, plaintext: [])
        return ([HandshakeAct.version] + ephemeralPublic + tag, temporaryKey)
    }

    /// Receiver side: checks length, version, key and tag in the order BOLT 8 reads them and
    /// returns the peer's ephemeral key and the act's temporary key.
    mutating func readEphemeralAct(_ act: HandshakeAct, bytes: [UInt8], local: PrivateKey) throws(TransportError) -> (remoteEphemeral: PublicKey, temporaryKey: [UInt8]) {
        guard bytes.count == act.length else {
            throw .actReadFailed(act: act, expected: act.length, actual: bytes.count)
        }
        guard bytes[0] == HandshakeAct.version else { throw .badVersion(act: act, version: bytes[0]) }
        let keyBytes = Array(bytes[1..<34])
        guard let remoteEphemeral = try? PublicKey(compressed: keyBytes) else { throw .badPublicKey(act: act) }
        mixHash(keyBytes)
        let temporaryKey = mixKey(try Noise.ecdh(local, remoteEphemeral))
        guard try decryptAndHash(key: temporaryKey, nonce: 0, ciphertext: Array(bytes[34...])) != nil else {
            throw .badTag(act: act)
        }
        return (remoteEphemeral, temporaryKey)
    }
}

extension NoiseSymmetricState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "NoiseSymmetricState(redacted)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
