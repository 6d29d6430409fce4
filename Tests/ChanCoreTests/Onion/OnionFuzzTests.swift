import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Seeded random and mutated inputs for every onion decoder. What must hold for any bytes:
/// no trap (it would end the run), and whatever decodes re-encodes to exactly its input
/// where the format is canonical (payloads). The seeds make a failure reproduce.
@Suite struct OnionFuzzTests {
    static func randomBytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: random.next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// Flips, overwrites with BigSize-ish bytes, inserts, deletes, truncates.
    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty: bytes[index] = [0x00, 0x01, 0x02, 0xfc, 0xfd, 0xfe, 0xff].randomElement(using: &random)!
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            case 3 where !bytes.isEmpty: bytes.remove(at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    @Test func payloadDecoding() throws {
        var random = SplitMix64(seed: 0x0410_0001)
        let seeds = Bolt04Vectors.shared.onionTest.payloads + [
            try FinalHopPayload(
                amountToForward: MilliSatoshi(1), outgoingCLTVValue: 2,
                paymentData: PaymentData(paymentSecret: .zero, totalAmount: MilliSatoshi(3)), paymentMetadata: [4],
                keysendPreimage: try Preimage(bytes: [UInt8](repeating: 5, count: 32))).encoded(),
        ]
        var decoded = 0
        for round in 0..<3000 {
            let input = round % 3 == 0
                ? Self.randomBytes(Int.random(in: 0...40, using: &random), using: &random)
                : Self.mutate(seeds.randomElement(using: &random)!, using: &random)
            for isFinal in [false, true] {
                guard let payload = try? HopPayload.decode(input, isFinal: isFinal) else { continue }
                decoded += 1
                #expect(try payload.encoded() == input, "round \(round): \(Hex.encode(input))")
            }
        }
        #expect(decoded > 100)
    }

    @Test func failureMessageDecoding() throws {
        var random = SplitMix64(seed: 0x0410_0002)
        let seeds = try OnionFailureTests.cases.map { try OnionFailureMessage($0.0).encoded() }
            + [Bolt04Vectors.shared.returningErrors.failureMessage]
        for round in 0..<3000 {
            let input = round % 3 == 0
                ? Self.randomBytes(Int.random(in: 0...60, using: &random), using: &random)
                : Self.mutate(seeds.randomElement(using: &random)!, using: &random)
            guard let message = try? OnionFailureMessage(decoding: input) else { continue }
            // Re-encoding may drop ignored extra bytes, but what it keeps reads back the same.
            #expect(try OnionFailureMessage(decoding: message.encoded()) == message, "round \(round)")
        }
    }

    @Test func peelMutatedAndRandomPackets() throws {
        var random = SplitMix64(seed: 0x0410_0003)
        let vector = Bolt04Vectors.shared.onionTest
        for round in 0..<1500 {
            var bytes = vector.onion
            if round % 10 == 0 {
                bytes = Self.randomBytes(1366, using: &random)
                bytes[0] = 0
                bytes[1] = 0x02 | UInt8(round / 10 % 2)
            } else {
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    bytes[Int.random(in: 0..<1366, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
                }
            }
            let packet = try OnionRoutingPacket(bytes)
            #expect(throws: OnionPeelError.self, "round \(round)") {
                try Sphinx.peel(packet, nodeKey: vector.hopPrivateKeys[0], associatedData: vector.associatedData)
            }
        }
    }

    @Test func peelAuthenticRandomFrames() throws {
        // Packets with a valid HMAC around random plaintext, so parsing itself is fuzzed.
        var random = SplitMix64(seed: 0x0410_0004)
        let nodeKey = try OnionTestSupport.key(1)
        let sessionKey = try OnionTestSupport.key(2)
        var outcomes: Set<String> = []
        for round in 0..<1000 {
            var plaintext = Self.randomBytes(1300, using: &random)
            if round % 2 == 0 {
                // A plausible frame: short length, a mutated real payload, maybe a zero HMAC.
                let payload = Self.mutate(Bolt04Vectors.shared.onionTest.payloads.randomElement(using: &random)!, using: &random)
                let hmac = round % 4 == 0 ? [UInt8](repeating: 0, count: 32) : Self.randomBytes(32, using: &random)
                let frame = BigSize.encode(UInt64(payload.count)) + payload + hmac
                if frame.count <= 1300 { plaintext.replaceSubrange(0..<frame.count, with: frame) }
            }
            let (packet, _) = try OnionTestSupport.packet(
                decryptingTo: plaintext, for: nodeKey.publicKey, sessionKey: sessionKey, associatedData: OnionTestSupport.paymentHash)
            do {
                let peeled = try Sphinx.peel(packet, nodeKey: nodeKey, associatedData: OnionTestSupport.paymentHash)
                outcomes.insert(peeled.isFinal ? "final" : "forward")
            } catch {
                outcomes.insert(error.code)
            }
        }
        #expect(outcomes.isSuperset(of: ["final", "forward", "onion_payload_invalid_frame"]))
    }

    @Test func decryptArbitraryErrorPackets() throws {
        var random = SplitMix64(seed: 0x0410_0005)
        let trace = Bolt04Vectors.shared.returningErrors
        let route = zip(trace.hopPubkeys, trace.sharedSecrets).map { OnionHopSecret(nodeID: $0, sharedSecret: $1) }
        let genuine = try #require(trace.steps.last).errorPacket
        for round in 0..<400 {
            let input = round % 2 == 0
                ? Self.randomBytes(Int.random(in: 0...400, using: &random), using: &random)
                : Self.mutate(genuine, using: &random)
            // Any outcome is fine; a mutated packet almost never authenticates.
            if case .failure = OnionErrorPacket.decrypt(input, route: route) {
                #expect(input == genuine, "round \(round)")
            }
        }
    }
}
