import ChanCore
import ChanCrypto

/// BOLT 8: the three handshake acts as each side receives them, and the encrypted frames of
/// a session. Keys are fixed, so an input means the same thing on every run.
enum TransportFuzzTargets {
    static func key(_ label: String) -> PrivateKey {
        // A SHA-256 of a label is a valid secret key but with negligible probability.
        try! PrivateKey(secretBytes: SHA256.hash(Array("chan fuzz \(label)".utf8)))
    }

    /// One handshake, run once: the authentic acts and each side between them.
    struct Handshake: Sendable {
        let initiator: NoiseInitiator
        let responder: NoiseResponder
        /// The responder after an authentic act one, waiting for act three.
        let responderAfterActOne: NoiseResponder
        let actOne: [UInt8], actTwo: [UInt8], actThree: [UInt8]

        init() {
            let initiatorStatic = key("initiator"), responderStatic = key("responder")
            let (initiator, actOne) = try! NoiseInitiator.start(
                localStatic: initiatorStatic, remoteStatic: responderStatic.publicKey, ephemeral: key("initiator ephemeral"))
            let responder = NoiseResponder(localStatic: responderStatic, ephemeral: key("responder ephemeral"))
            var midway = responder
            let actTwo = try! midway.receiveActOne(actOne)
            var finishing = initiator
            (self.actThree, _) = try! finishing.receiveActTwo(actTwo)
            self.initiator = initiator
            self.responder = responder
            self.responderAfterActOne = midway
            self.actOne = actOne
            self.actTwo = actTwo
        }
    }

    static let handshake = Handshake()

    static let actOne = FuzzTarget("handshake_act1", "NoiseResponder.receiveActOne") { input throws(FuzzFailure) in
        var responder = handshake.responder
        guard let reply = try? responder.receiveActOne(input) else { return }
        try require(input.count == 50 && reply.count == 50, "act one of \(input.count) bytes accepted, act two of \(reply.count)")
    }

    static let actTwo = FuzzTarget("handshake_act2", "NoiseInitiator.receiveActTwo") { input throws(FuzzFailure) in
        var initiator = handshake.initiator
        guard let (reply, _) = try? initiator.receiveActTwo(input) else { return }
        try require(input.count == 50 && reply.count == 66, "act two of \(input.count) bytes accepted, act three of \(reply.count)")
    }

    static let actThree = FuzzTarget("handshake_act3", "NoiseResponder.receiveActThree after an authentic act one") { input throws(FuzzFailure) in
        var responder = handshake.responderAfterActOne
        guard (try? responder.receiveActThree(input)) != nil else { return }
        try require(input.count == 66, "act three of \(input.count) bytes accepted")
    }

    /// Both directions of a session with fixed keys.
    static func ciphers() -> (sender: TransportCipher, receiver: TransportCipher) {
        let a = SHA256.hash(Array("chan fuzz key a".utf8)), b = SHA256.hash(Array("chan fuzz key b".utf8))
        let chaining = SHA256.hash(Array("chan fuzz chaining key".utf8))
        return (try! TransportCipher(sendingKey: a, receivingKey: b, chainingKey: chaining),
                try! TransportCipher(sendingKey: b, receivingKey: a, chainingKey: chaining))
    }

    /// First byte: even, the rest is a received stream (length headers and bodies), fed in
    /// chunks of `byte / 2 + 1` bytes; odd, the rest is messages (u16-prefixed) that are
    /// encrypted, sent and must come out as they went in, the framer's buffer staying bounded.
    static let frames = FuzzTarget("transport_frames", "TransportFramer.receive: length header and body decryption") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        let mode = script.u8()
        let (sender, receiver) = ciphers()
        var framer = TransportFramer(cipher: receiver)
        let bound = TransportCipher.maximumMessageLength + TransportCipher.tagLength
        if mode & 1 == 0 {
            let stream = script.rest()
            let chunk = Int(mode / 2) + 1
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + chunk)
                do throws(TransportError) {
                    _ = try framer.receive(Array(stream[index..<end]))
                } catch {
                    try require(framer.failure == error && framer.bufferedByteCount == 0, "a refused stream leaves the framer in another state")
                    return
                }
                try require(framer.bufferedByteCount <= bound, "the framer buffers \(framer.bufferedByteCount) bytes")
                index = end
            }
            return
        }
        var encrypting = sender
        var sent: [[UInt8]] = []
        var stream: [UInt8] = []
        while !script.isAtEnd {
            let message = script.bytes(Int(script.u16()))
            guard let frame = try? encrypting.encrypt(message) else { continue }
            sent.append(message)
            stream += frame
        }
        let received: [[UInt8]]
        do { received = try framer.receive(stream) } catch { throw FuzzFailure(message: "an authentic stream is refused: \(error)") }
        try require(received == sent, "the framer delivers \(received.count) messages of \(sent.count), or other bytes")
    }
}
