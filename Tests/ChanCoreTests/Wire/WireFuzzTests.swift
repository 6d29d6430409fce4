import ChanCore
import ChanCrypto
import Testing

/// A deterministic, seeded mutation fuzzer over the decoder. It asserts only what must hold
/// for any input: decoding returns or throws (a trap would end the test run), and whatever
/// decodes re-encodes to exactly the input, because every accepted encoding is canonical
/// (minimal BigSize and truncated integers, ordered TLVs, raw bytes kept as received).
///
/// The coverage-guided counterpart is the `wire_message` libFuzzer target (Sources/ChanFuzz,
/// `make fuzz`); this loop keeps a fast, seeded check in every test run.
@Suite struct WireFuzzTests {
    /// SplitMix64: small, fast and the same on every platform, so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// Interesting bytes: BigSize prefixes, boundaries, and the low type numbers.
    static let dictionary: [UInt8] = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff]

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty:
                bytes[index] = dictionary.randomElement(using: &random)!
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(index..<min(bytes.count, index + Int.random(in: 1...8, using: &random)))
            case 4:
                bytes = Array(bytes.prefix(index))
            case 5:
                // A TLV-shaped tail: small type, length, maybe-wrong value.
                let type = UInt8.random(in: 0...12, using: &random)
                let length = UInt8.random(in: 0...40, using: &random)
                let valueCount = Int(length) + Int.random(in: -1...1, using: &random)
                bytes += [type, length] + (0..<max(0, valueCount)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 6 where bytes.count > 4:
                // Overwrite a 16-bit field (a length prefix, often) with a boundary value.
                let at = min(index, bytes.count - 2)
                let value = [UInt16(0), 1, 0x20, 0xff, 0xffff].randomElement(using: &random)!
                bytes[at] = UInt8(value >> 8)
                bytes[at + 1] = UInt8(value & 0xff)
            default:
                // Swap in another message type, keeping the payload.
                if bytes.count >= 2 {
                    let type = WireMessageType.allCases.randomElement(using: &random)!.rawValue
                    bytes[0] = UInt8(type >> 8)
                    bytes[1] = UInt8(type & 0xff)
                }
            }
        }
        return bytes
    }

    @Test func mutatedMessagesDecodeOrThrowAndReencodeCanonically() throws {
        let seeds = try SampleMessages.all.map { try $0.encode() } + [
            try InitMessage(features: []).encode(),
            try UpdateFee(channelID: .zero, feeratePerKw: 253).encode(),
        ]
        var random = SeededGenerator(state: 0x5eed_c0de)
        var decodedCount = 0
        var mismatches: [String] = []
        for iteration in 0..<50_000 {
            let input = Self.mutate(seeds[iteration % seeds.count], using: &random)
            guard let message = try? WireMessage.decode(input) else { continue }
            decodedCount += 1
            let reencoded = try? message.encode()
            if reencoded != input, mismatches.count < 5 {
                mismatches.append("iteration \(iteration): \(Hex.encode(input.prefix(64)))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        // The fuzzer must reach past the framing, or it tests nothing.
        #expect(decodedCount > 1000)
    }

    @Test func randomBytesDecodeOrThrow() {
        var random = SeededGenerator(state: 42)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0..<200, using: &random)
            var input = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if input.count >= 2, Bool.random(using: &random) {
                // Aim at known types so the field decoders see the noise too.
                let type = WireMessageType.allCases.randomElement(using: &random)!.rawValue
                input[0] = UInt8(type >> 8)
                input[1] = UInt8(type & 0xff)
            }
            if let message = try? WireMessage.decode(input) {
                #expect((try? message.encode()) == input)
            }
        }
    }

    @Test func mutatedTLVStreamsDecodeOrThrowAndReencodeCanonically() throws {
        let vectors = try Bolt01Vectors.load().tlv
        let seeds = try (vectors.decodingSuccesses + vectors.decodingFailures).flatMap(\.vectors).map { try bytes(hex: $0.stream) }
        var random = SeededGenerator(state: 7)
        var mismatches = 0
        for iteration in 0..<20_000 {
            let input = Self.mutate(seeds[iteration % seeds.count], using: &random)
            if let decoded = try? decodeStream(input, as: NamespaceN1.self), (try? encodeStream(decoded)) != input {
                mismatches += 1
            }
            if let decoded = try? decodeStream(input, as: NamespaceN2.self), (try? encodeStream(decoded)) != input {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }
}
