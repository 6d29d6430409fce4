import ChanCore
import ChanCrypto
import Testing

/// An initiator and a responder talking to each other through the state machines, the cipher
/// and the framer, as two daemons would.
@Suite struct TransportSessionTests {
    @Test func handshakeEndToEnd() throws {
        let session = try TransportFixtures.handshake()
        #expect(session.learntID == session.initiatorID)
        #expect(session.initiator != session.responder, "each side sends with the other's receiving key")

        var initiator = session.initiator
        var responder = session.responder
        let hello = Array("hello".utf8)
        let wire = try initiator.encrypt(hello)
        #expect(try responder.decryptLength(Array(wire.prefix(18))) == hello.count)
        #expect(try responder.decryptBody(Array(wire.dropFirst(18))) == hello)
        let reply = try responder.encrypt([])
        #expect(reply.count == 18 + 16)
        #expect(try initiator.decryptLength(Array(reply.prefix(18))) == 0)
        #expect(try initiator.decryptBody(Array(reply.dropFirst(18))) == [])
        #expect(initiator.sendingNonce == 2 && initiator.receivingNonce == 2)
    }

    /// 2600 messages each way (five rotations per direction), interleaved, with lengths from 0
    /// to a few hundred bytes: every message arrives intact and in order.
    @Test func bothDirectionsAcrossRotations() throws {
        let session = try TransportFixtures.handshake(initiator: "carol", responder: "dave")
        var initiator = TransportFramer(cipher: session.initiator)
        var responder = TransportFramer(cipher: session.responder)
        var random = SplitMix64(seed: 8)
        for n in 0..<2600 {
            let forward = TransportFixtures.message(length: Int.random(in: 0...300, using: &random), seed: n)
            let backward = TransportFixtures.message(length: Int.random(in: 0...300, using: &random), seed: -n)
            #expect(try responder.receive(try initiator.encrypt(forward)) == [forward])
            #expect(try initiator.receive(try responder.encrypt(backward)) == [backward])
        }
        #expect(initiator.bufferedByteCount == 0 && responder.bufferedByteCount == 0)
    }

    @Test func largestMessageRoundTrips() throws {
        let session = try TransportFixtures.handshake()
        var sender = session.initiator
        var framer = TransportFramer(cipher: session.responder)
        let largest = TransportFixtures.message(length: TransportCipher.maximumMessageLength, seed: 1)
        let wire = try sender.encrypt(largest)
        #expect(wire.count == 2 + 16 + 65535 + 16)
        #expect(try framer.receive(wire) == [largest])
    }

    @Test func oversizeMessageIsRefusedAndCostsNoNonce() throws {
        var cipher = try TransportFixtures.handshake().initiator
        let tooLong = [UInt8](repeating: 0, count: TransportCipher.maximumMessageLength + 1)
        #expect(throws: TransportError.messageTooLong(length: 65536, limit: 65535)) { _ = try cipher.encrypt(tooLong) }
        #expect(cipher.sendingNonce == 0)
        var framer = TransportFramer(cipher: cipher)
        #expect(throws: TransportError.messageTooLong(length: 65536, limit: 65535)) { _ = try framer.encrypt(tooLong) }
    }

    @Test func cipherRefusesMisSizedParts() throws {
        var cipher = try TransportFixtures.handshake().responder
        #expect(throws: TransportError.invalidFrameLength(part: "length prefix", expected: "18", actual: 17)) {
            _ = try cipher.decryptLength([UInt8](repeating: 0, count: 17))
        }
        #expect(throws: TransportError.invalidFrameLength(part: "message body", expected: "16 to 65551", actual: 65552)) {
            _ = try cipher.decryptBody([UInt8](repeating: 0, count: 65552))
        }
        #expect(throws: TransportError.invalidFrameLength(part: "message body", expected: "16 to 65551", actual: 15)) {
            _ = try cipher.decryptBody([UInt8](repeating: 0, count: 15))
        }
        #expect(throws: TransportError.invalidKeyLength(what: "chaining key", actual: 31)) {
            _ = try TransportCipher(sendingKey: [UInt8](repeating: 1, count: 32), receivingKey: [UInt8](repeating: 2, count: 32),
                                    chainingKey: [UInt8](repeating: 3, count: 31))
        }
    }

    /// A stream of messages of many sizes, including empty and maximal ones.
    private func stream() throws -> (wire: [UInt8], messages: [[UInt8]], receiver: TransportCipher) {
        let session = try TransportFixtures.handshake()
        var sender = session.initiator
        let lengths = [0, 1, 2, 17, 18, 19, 100, 1000, 65535, 0, 5] + Array(repeating: 40, count: 600)
        let messages = lengths.enumerated().map { TransportFixtures.message(length: $0.element, seed: $0.offset) }
        var wire: [UInt8] = []
        for message in messages { wire += try sender.encrypt(message) }
        return (wire, messages, session.responder)
    }

    @Test func framerByteByByte() throws {
        let (wire, messages, receiver) = try stream()
        var framer = TransportFramer(cipher: receiver)
        var received: [[UInt8]] = []
        var largestBuffer = 0
        for byte in wire {
            received += try framer.receive([byte])
            largestBuffer = max(largestBuffer, framer.bufferedByteCount)
        }
        #expect(received == messages)
        #expect(framer.bufferedByteCount == 0)
        #expect(largestBuffer == 65535 + 16 - 1, "a part is handed over as soon as it is complete")
    }

    @Test func framerRandomChunks() throws {
        let (wire, messages, receiver) = try stream()
        var random = SplitMix64(seed: 21)
        for maxChunk in [3, 50, 700, 20_000, 200_000] {
            var framer = TransportFramer(cipher: receiver)
            var received: [[UInt8]] = []
            for chunk in TransportFixtures.chunks(of: wire, maxChunk: maxChunk, using: &random) {
                received += try framer.receive(chunk)
            }
            #expect(received == messages, "chunks up to \(maxChunk) bytes")
            #expect(framer.bufferedByteCount == 0)
        }
    }

    @Test func framerHoldsAPartialMessage() throws {
        let (wire, messages, receiver) = try stream()
        var framer = TransportFramer(cipher: receiver)
        // Everything but the last byte of the third message (0, 1 and 2 bytes: 34, 35, 36).
        let cut = 34 + 35 + 36 - 1
        #expect(try framer.receive(Array(wire.prefix(cut))) == Array(messages.prefix(2)))
        #expect(framer.bufferedByteCount == 2 + 16 - 1)
        #expect(try framer.receive([]) == [])
        #expect(try framer.receive([wire[cut]]) == [messages[2]])
    }

    private func expectRefusal(_ tampered: [UInt8], _ expected: TransportError, receiver: TransportCipher,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        var framer = TransportFramer(cipher: receiver)
        #expect(throws: expected, sourceLocation: sourceLocation) { _ = try framer.receive(tampered) }
        #expect(framer.failure == expected, sourceLocation: sourceLocation)
        #expect(framer.bufferedByteCount == 0, sourceLocation: sourceLocation)
        // Refused for good: even authentic bytes are not read any more.
        #expect(throws: expected, sourceLocation: sourceLocation) { _ = try framer.receive(tampered) }
        #expect(throws: expected, sourceLocation: sourceLocation) { _ = try framer.receive([]) }
    }

    @Test func tamperedFramesAreRefused() throws {
        let session = try TransportFixtures.handshake()
        var sender = session.initiator
        let first = try sender.encrypt(Array("first".utf8))
        let second = try sender.encrypt(Array("second".utf8))

        var header = first
        header[0] ^= 0x01
        expectRefusal(header, .badLengthTag, receiver: session.responder)

        var headerTag = first
        headerTag[17] ^= 0x80
        expectRefusal(headerTag, .badLengthTag, receiver: session.responder)

        var body = first
        body[18] ^= 0x01
        expectRefusal(body, .badMessageTag, receiver: session.responder)

        var bodyTag = first
        bodyTag[bodyTag.count - 1] ^= 0x01
        expectRefusal(bodyTag, .badMessageTag, receiver: session.responder)

        // Reordered or replayed frames use the wrong nonce.
        expectRefusal(second + first, .badLengthTag, receiver: session.responder)
        expectRefusal(first + first, .badLengthTag, receiver: session.responder)
        // A good message followed by a bad one in the same chunk: the connection is dropped.
        expectRefusal(first + header, .badLengthTag, receiver: session.responder)

        // Bytes from another session, or the sender's own direction, do not authenticate.
        let other = try TransportFixtures.handshake(initiator: "mallory")
        expectRefusal(first, .badLengthTag, receiver: other.responder)
        expectRefusal(first, .badLengthTag, receiver: session.initiator)
    }

    /// Everything a transport value holds is secret: printing, debugging or dumping one shows
    /// no key material.
    @Test func secretsNeverPrint() throws {
        let localStatic = try TransportFixtures.key("alice")
        let remoteStatic = try TransportFixtures.key("bob")
        let ephemeral = try TransportFixtures.key("alice ephemeral")
        var (initiator, actOne) = try NoiseInitiator.start(localStatic: localStatic, remoteStatic: remoteStatic.publicKey, ephemeral: ephemeral)
        var responder = NoiseResponder(localStatic: remoteStatic, ephemeral: try TransportFixtures.key("bob ephemeral"))
        let midway = responder
        let (actThree, cipher) = try initiator.receiveActTwo(try responder.receiveActOne(actOne))
        _ = try responder.receiveActThree(actThree)
        let framer = TransportFramer(cipher: cipher)
        let session = try TransportFixtures.handshake()

        let secrets = [localStatic, remoteStatic, ephemeral].map(\.secretBytes.hex)
        let values: [Any] = [initiator, midway, responder, cipher, framer, session.initiator]
        for value in values {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped] {
                #expect(text.contains("redacted") || text.contains("complete"), "\(text)")
                for secret in secrets { #expect(!text.contains(secret)) }
            }
            #expect(Mirror(reflecting: value).children.isEmpty)
        }
        // The session keys themselves: a cipher prints its nonces only.
        let keys = (send: [UInt8](repeating: 0xa1, count: 32), receive: [UInt8](repeating: 0xb2, count: 32), chain: [UInt8](repeating: 0xc3, count: 32))
        var known = try TransportCipher(sendingKey: keys.send, receivingKey: keys.receive, chainingKey: keys.chain)
        _ = try known.encrypt([1, 2, 3])
        #expect("\(known)" == "TransportCipher(sendingNonce: 2, receivingNonce: 0, keys redacted)")
        for value in [known, TransportFramer(cipher: known)] as [Any] {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped] {
                for secret in [keys.send, keys.receive, keys.chain].map(\.hex) { #expect(!text.contains(secret)) }
                #expect(!text.contains("161"), "no key byte printed as a decimal array either")
            }
        }
    }
}
