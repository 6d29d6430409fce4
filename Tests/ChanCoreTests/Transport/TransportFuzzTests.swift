import ChanCore
import ChanCrypto
import Testing

/// Seeded random and mutated inputs for everything that reads a peer's bytes: the framer and
/// both handshake sides. A trap ends the test run, so finishing is the main assertion; on top,
/// each property that must hold for any input is checked. A libFuzzer target is the same
/// body over its input (`var framer = TransportFramer(cipher: fixed); _ = try? framer.receive(input)`,
/// and likewise `receiveActOne` / `receiveActTwo` / `receiveActThree`), built as the wire
/// fuzzer's note in `WireFuzzTests` describes.
@Suite struct TransportFuzzTests {
    /// Flips one to three bits, or truncates, extends or overwrites a byte.
    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0..<5, using: &random) {
        case 0, 1:
            for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            }
        case 2:
            bytes = Array(bytes.prefix(Int.random(in: 0..<max(1, bytes.count), using: &random)))
        case 3:
            bytes += TransportFixtures.randomBytes(Int.random(in: 1...40, using: &random), using: &random)
        default:
            if !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = [0x00, 0x01, 0x02, 0x03, 0x04, 0xff].randomElement(using: &random)!
            }
        }
        return bytes
    }

    /// Random streams (pure noise, and authentic streams mutated) in random chunks: the framer
    /// returns or throws, never buffers more than one part, and a changed stream never yields
    /// a message that was not sent.
    @Test func framerNeverTraps() throws {
        let session = try TransportFixtures.handshake()
        var sender = session.initiator
        var authentic: [UInt8] = []
        var sent: [[UInt8]] = []
        for n in 0..<6 {
            let message = TransportFixtures.message(length: [0, 3, 40, 200, 1, 9][n], seed: n)
            sent.append(message)
            authentic += try sender.encrypt(message)
        }
        var random = SplitMix64(seed: 0xB0_17_08)
        var refused = 0
        for round in 0..<3000 {
            let input = round % 3 == 0
                ? TransportFixtures.randomBytes(Int.random(in: 0...300, using: &random), using: &random)
                : Self.mutate(authentic, using: &random)
            var framer = TransportFramer(cipher: session.responder)
            var received: [[UInt8]] = []
            do {
                for chunk in TransportFixtures.chunks(of: input, maxChunk: 64, using: &random) {
                    received += try framer.receive(chunk)
                    #expect(framer.bufferedByteCount <= TransportCipher.maximumMessageLength + TransportCipher.tagLength)
                }
            } catch {
                refused += 1
                #expect(framer.failure == error && framer.bufferedByteCount == 0)
                #expect(throws: error) { _ = try framer.receive(authentic) }
            }
            // Whatever came through is a prefix of what was sent, in order.
            #expect(Array(sent.prefix(received.count)) == received)
        }
        #expect(refused > 1000, "almost every changed stream is refused (\(refused))")
    }

    /// Random and mutated acts for each step of both sides. An act that differs from the
    /// authentic one in any way is refused; nothing traps.
    @Test func handshakeNeverTraps() throws {
        let initiatorStatic = try TransportFixtures.key("fuzz initiator")
        let responderStatic = try TransportFixtures.key("fuzz responder")
        let (initiator, actOne) = try NoiseInitiator.start(
            localStatic: initiatorStatic, remoteStatic: responderStatic.publicKey,
            ephemeral: try TransportFixtures.key("fuzz initiator ephemeral"))
        let responder = NoiseResponder(localStatic: responderStatic, ephemeral: try TransportFixtures.key("fuzz responder ephemeral"))
        var midway = responder
        let actTwo = try midway.receiveActOne(actOne)
        let actThree = try initiator.receiveActTwoCopy(actTwo)

        var random = SplitMix64(seed: 0x0808)
        func candidate(_ authentic: [UInt8], _ length: Int) -> [UInt8] {
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                return TransportFixtures.randomBytes(Int.random(in: 0...(length + 4), using: &random), using: &random)
            case 1:
                // Version 0 and a plausible key prefix, so parsing gets past the first checks.
                var bytes = TransportFixtures.randomBytes(length, using: &random)
                bytes[0] = 0
                bytes[1] = UInt8.random(in: 2...3, using: &random)
                return bytes
            default:
                return Self.mutate(authentic, using: &random)
            }
        }

        for _ in 0..<700 {
            let one = candidate(actOne, 50)
            var side = responder
            let accepted = (try? side.receiveActOne(one)) != nil
            #expect(accepted == (one == actOne))
            #expect(accepted ? side.expectedAct == .three : side.failure != nil)

            let two = candidate(actTwo, 50)
            var other = initiator
            #expect(((try? other.receiveActTwo(two)) != nil) == (two == actTwo))

            let three = candidate(actThree, 66)
            var last = midway
            let learnt = try? last.receiveActThree(three)
            #expect((learnt != nil) == (three == actThree))
            if let learnt { #expect(learnt.remoteStatic == initiatorStatic.publicKey) }
        }
    }
}

extension NoiseInitiator {
    /// Act three from a copy, leaving the original waiting for act two.
    fileprivate func receiveActTwoCopy(_ actTwo: [UInt8]) throws -> [UInt8] {
        var copy = self
        return try copy.receiveActTwo(actTwo).actThree
    }
}
