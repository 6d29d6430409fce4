/// One direction of an established BOLT 8 session: a key, its chaining key and a nonce.
///
/// Each seal or open uses one nonce; when the nonce reaches 1000 (500 messages: a length
/// prefix and a body each) the key rotates as `ck', k' = HKDF(ck, k)` and the nonce restarts,
/// so a key leaked later cannot decrypt older traffic.
struct NoiseCipherState: Sendable, Equatable {
    static let rotationInterval: UInt64 = 1000

    private(set) var key: [UInt8]
    private(set) var chainingKey: [UInt8]
    private(set) var nonce: UInt64 = 0

    init(key: [UInt8], chainingKey: [UInt8]) {
        self.key = key
        self.chainingKey = chainingKey
    }

    mutating func seal(_ plaintext: [UInt8]) throws(TransportError) -> [UInt8] {
        let sealed = try Noise.encrypt(key: key, nonce: nonce, associatedData: [], plaintext: plaintext)
        advance()
        return sealed
    }

    /// Nil when the tag does not verify; the nonce then stays where it was.
    mutating func open(_ sealed: [UInt8]) throws(TransportError) -> [UInt8]? {
        guard let plaintext = try Noise.decrypt(key: key, nonce: nonce, associatedData: [], sealed: sealed) else {
            return nil
        }
        advance()
        return plaintext
    }

    private mutating func advance() {
        nonce += 1
        guard nonce == Self.rotationInterval else { return }
        (chainingKey, key) = Noise.hkdf(salt: chainingKey, inputKeyMaterial: key)
        nonce = 0
    }
}

extension NoiseCipherState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "NoiseCipherState(nonce: \(nonce), keys redacted)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
