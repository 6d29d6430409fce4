import ChanCrypto

/// The responder's side of the BOLT 8 handshake (`Noise_XK`), as a value state machine.
///
/// `receiveActOne` checks the initiator's act one and returns act two; `receiveActThree`
/// checks act three, learns the initiator's node id and hands over the session. The ephemeral
/// key is injected: the caller draws a fresh one for every connection.
public struct NoiseResponder: Sendable {
    enum State: Sendable {
        case awaitingActOne(symmetric: NoiseSymmetricState, ephemeral: PrivateKey)
        /// Act two is written; act three is opened with `temp_k2` and our ephemeral key.
        case awaitingActThree(symmetric: NoiseSymmetricState, ephemeral: PrivateKey, temporaryKey: [UInt8])
        case complete(remoteStatic: PublicKey)
        /// Terminal: the connection is to be dropped.
        case failed(TransportError)
    }

    private let localStatic: PrivateKey
    private(set) var state: State

    public init(localStatic: PrivateKey, ephemeral: PrivateKey) {
        self.localStatic = localStatic
        state = .awaitingActOne(symmetric: NoiseSymmetricState(responderStatic: localStatic.publicKey), ephemeral: ephemeral)
    }

    /// The act to read next (exactly `length` bytes), or nil once complete or failed.
    public var expectedAct: HandshakeAct? {
        switch state {
        case .awaitingActOne: .one
        case .awaitingActThree: .three
        case .complete, .failed: nil
        }
    }

    /// The initiator's node id, once act three has authenticated it.
    public var remoteStatic: PublicKey? {
        switch state {
        case .complete(let remoteStatic): remoteStatic
        case .awaitingActOne, .awaitingActThree, .failed: nil
        }
    }

    /// Why the handshake failed, once it has.
    public var failure: TransportError? {
        switch state {
        case .failed(let error): error
        case .awaitingActOne, .awaitingActThree, .complete: nil
        }
    }

    /// Checks act one (exactly 50 bytes) and returns act two to send. A bad tag here means the
    /// initiator does not know our node id. Any error is final: later calls throw it again.
    public mutating func receiveActOne(_ bytes: [UInt8]) throws(TransportError) -> [UInt8] {
        switch state {
        case .failed(let error):
            throw error
        case .awaitingActThree, .complete:
            throw .unexpectedAct(.one)
        case .awaitingActOne(var symmetric, let ephemeral):
            do {
                let (remoteEphemeral, _) = try symmetric.readEphemeralAct(.one, bytes: bytes, local: localStatic)
                let (actTwo, temporaryKey2) = try symmetric.writeEphemeralAct(ephemeral: ephemeral, remote: remoteEphemeral)
                state = .awaitingActThree(symmetric: symmetric, ephemeral: ephemeral, temporaryKey: temporaryKey2)
                return actTwo
            } catch {
                state = .failed(error)
                throw error
            }
        }
    }

    /// Checks act three (exactly 66 bytes); returns the initiator's static key and the session.
    public mutating func receiveActThree(_ bytes: [UInt8]) throws(TransportError) -> (remoteStatic: PublicKey, cipher: TransportCipher) {
        switch state {
        case .failed(let error):
            throw error
        case .awaitingActOne, .complete:
            throw .unexpectedAct(.three)
        case .awaitingActThree(var symmetric, let ephemeral, let temporaryKey2):
            do {
                let (remoteStatic, cipher) = try Self.readActThree(
                    bytes, symmetric: &symmetric, ephemeral: ephemeral, temporaryKey2: temporaryKey2)
                state = .complete(remoteStatic: remoteStatic)
                return (remoteStatic, cipher)
            } catch {
                state = .failed(error)
                throw error
            }
        }
    }

    /// `version || encrypted static key (33 + 16) || tag`, checked in BOLT 8's order.
    private static func readActThree(
        _ bytes: [UInt8], symmetric: inout NoiseSymmetricState, ephemeral: PrivateKey, temporaryKey2: [UInt8]
    ) throws(TransportError) -> (PublicKey, TransportCipher) {
        let act = HandshakeAct.three
        guard bytes.count == act.length else {
            throw .actReadFailed(act: act, expected: act.length, actual: bytes.count)
        }
        guard bytes[0] == HandshakeAct.version else { throw .badVersion(act: act, version: bytes[0]) }
        guard let staticBytes = try symmetric.decryptAndHash(key: temporaryKey2, nonce: 1, ciphertext: Array(bytes[1..<50])) else {
            throw .badCiphertext(act: act)
        }
        guard let remoteStatic = try? PublicKey(compressed: staticBytes) else { throw .badPublicKey(act: act) }
        let temporaryKey3 = symmetric.mixKey(try Noise.ecdh(ephemeral, remoteStatic))
        guard try symmetric.decryptAndHash(key: temporaryKey3, nonce: 0, ciphertext: Array(bytes[50...])) != nil else {
            throw .badTag(act: act)
        }
        // The initiator's sending key is our receiving key.
        let (receivingKey, sendingKey) = symmetric.split()
        let cipher = TransportCipher(
            sending: NoiseCipherState(key: sendingKey, chainingKey: symmetric.chainingKey),
            receiving: NoiseCipherState(key: receivingKey, chainingKey: symmetric.chainingKey))
        return (remoteStatic, cipher)
    }
}

extension NoiseResponder: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "NoiseResponder(\(state))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension NoiseResponder.State: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        switch self {
        case .awaitingActOne: "awaiting act 1, keys redacted"
        case .awaitingActThree: "awaiting act 3, keys redacted"
        case .complete(let remoteStatic): "complete with \(remoteStatic)"
        case .failed(let error): "failed: \(error.code)"
        }
    }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}
