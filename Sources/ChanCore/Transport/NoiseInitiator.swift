import ChanCrypto

/// The initiator's side of the BOLT 8 handshake (`Noise_XK`), as a value state machine.
///
/// `start` writes act one; `receiveActTwo` checks the responder's act two, writes act three
/// and hands over the session. The ephemeral key is injected so the machine stays
/// deterministic: the caller must draw a fresh one with strong randomness for every connection.
public struct NoiseInitiator: Sendable {
    enum State: Sendable {
        /// Act one is written; act two's ECDH needs our ephemeral key.
        case awaitingActTwo(symmetric: NoiseSymmetricState, ephemeral: PrivateKey)
        /// Act three is written and the session handed out.
        case complete
        /// Terminal: the connection is to be dropped.
        case failed(TransportError)
    }

    /// The responder's node id, known before connecting (the "K" of XK).
    public let remoteStatic: PublicKey
    private let localStatic: PrivateKey
    private(set) var state: State

    /// Begins a handshake; send `actOne` to the responder.
    public static func start(localStatic: PrivateKey, remoteStatic: PublicKey, ephemeral: PrivateKey)
        throws(TransportError) -> (handshake: NoiseInitiator, actOne: [UInt8])
    {
        var symmetric = NoiseSymmetricState(responderStatic: remoteStatic)
        let (actOne, _) = try symmetric.writeEphemeralAct(ephemeral: ephemeral, remote: remoteStatic)
        let handshake = NoiseInitiator(
            remoteStatic: remoteStatic, localStatic: localStatic,
            state: .awaitingActTwo(symmetric: symmetric, ephemeral: ephemeral))
        return (handshake, actOne)
    }

    /// The act to read next (exactly `length` bytes), or nil once complete or failed.
    public var expectedAct: HandshakeAct? {
        switch state {
        case .awaitingActTwo: .two
        case .complete, .failed: nil
        }
    }

    public var isComplete: Bool {
        switch state {
        case .complete: true
        case .awaitingActTwo, .failed: false
        }
    }

    /// Why the handshake failed, once it has.
    public var failure: TransportError? {
        switch state {
        case .failed(let error): error
        case .awaitingActTwo, .complete: nil
        }
    }

    /// Checks act two (exactly 50 bytes), then returns act three to send and the session.
    /// Any error is final: later calls throw it again.
    public mutating func receiveActTwo(_ bytes: [UInt8]) throws(TransportError) -> (actThree: [UInt8], cipher: TransportCipher) {
        switch state {
        case .failed(let error):
            throw error
        case .complete:
            throw .unexpectedAct(.two)
        case .awaitingActTwo(var symmetric, let ephemeral):
            do {
                let (remoteEphemeral, temporaryKey2) = try symmetric.readEphemeralAct(.two, bytes: bytes, local: ephemeral)
                // -> s, se: our static key travels encrypted under temp_k2 with nonce 1.
                let encryptedStatic = try symmetric.encryptAndHash(
                    key: temporaryKey2, nonce: 1, plaintext: localStatic.publicKey.compressed)
                let temporaryKey3 = symmetric.mixKey(try Noise.ecdh(localStatic, remoteEphemeral))
                let tag = try symmetric.encryptAndHash(key: temporaryKey3, nonce: 0, plaintext: [])
                let (sendingKey, receivingKey) = symmetric.split()
                let cipher = TransportCipher(
                    sending: NoiseCipherState(key: sendingKey, chainingKey: symmetric.chainingKey),
                    receiving: NoiseCipherState(key: receivingKey, chainingKey: symmetric.chainingKey))
                state = .complete
                return ([HandshakeAct.version] + encryptedStatic + tag, cipher)
            } catch {
                state = .failed(error)
                throw error
            }
        }
    }
}

extension NoiseInitiator: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "NoiseInitiator(remoteStatic: \(remoteStatic), \(state))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension NoiseInitiator.State: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        switch self {
        case .awaitingActTwo: "awaiting act 2, keys redacted"
        case .complete: "complete"
        case .failed(let error): "failed: \(error.code)"
        }
    }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}
