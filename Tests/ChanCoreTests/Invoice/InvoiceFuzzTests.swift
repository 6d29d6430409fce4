import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// A seeded mutation fuzzer over `Invoice.decode`. A trap would end the test run, so
/// finishing proves the decoder returned or threw on every input. Half the mutations work on
/// the 5-bit words and re-checksum them, so they reach the field and signature code rather
/// than stopping at the bech32 checksum. Whatever decodes must be canonical: encoding its
/// fields again gives the input back.
///
/// A libFuzzer target is a few lines around the same entry point:
/// `_ = try? Invoice.decode(String(decoding: bytes, as: UTF8.self))`.
@Suite struct InvoiceFuzzTests {
    typealias Support = InvoiceTestSupport

    static let seeds: [String] = (Support.valid + Support.invalid).map { $0["invoice"] as! String }

    /// Characters that matter to the decoder: the alphabet, the separator, case, digits of
    /// amounts, multipliers, and characters bech32 refuses.
    static let characters: [Character] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l1QPZRY0123456789munpxbio é\u{0}~")

    static func mutateText(_ input: String, using random: inout SplitMix64) -> String {
        var text = Array(input)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = text.isEmpty ? 0 : Int.random(in: 0..<text.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !text.isEmpty: text[index] = characters.randomElement(using: &random)!
            case 1: text.insert(characters.randomElement(using: &random)!, at: index)
            case 2 where !text.isEmpty: text.removeSubrange(index..<min(text.count, index + Int.random(in: 1...20, using: &random)))
            case 3: text = Array(text.prefix(index))
            default:
                if let character = text[safe: index] {
                    let flipped = character.isUppercase ? character.lowercased() : character.uppercased()
                    text.replaceSubrange(index...index, with: Array(flipped))
                }
            }
        }
        return String(text)
    }

    /// The seeds that are bech32, as human-readable part and words.
    static let wordSeeds: [(hrp: String, words: [UInt8])] = seeds.compactMap {
        guard let decoded = try? Bech32.decode($0, maxLength: Invoice.maxLength) else { return nil }
        return (decoded.humanReadablePart, decoded.data)
    }

    static func mutateWords(_ input: (hrp: String, words: [UInt8]), using random: inout SplitMix64) -> String {
        var (hrp, words) = input
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = words.isEmpty ? 0 : Int.random(in: 0..<words.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !words.isEmpty: words[index] = UInt8.random(in: 0..<32, using: &random)
            case 1 where !words.isEmpty: words[index] ^= 1 << UInt8.random(in: 0..<5, using: &random)
            case 2: words.insert(UInt8.random(in: 0..<32, using: &random), at: index)
            case 3 where !words.isEmpty:
                words.removeSubrange(index..<min(words.count, index + Int.random(in: 1...60, using: &random)))
            case 4:
                // A field header with a boundary length, often past the end.
                let length = [0, 1, 3, 51, 52, 53, 1023].randomElement(using: &random)!
                words.insert(contentsOf: [UInt8.random(in: 0..<32, using: &random), UInt8(length >> 5), UInt8(length & 31)], at: index)
            case 5:
                // Another amount or prefix.
                hrp = ["lnbc", "lnbcrt", "lntbs", "lnbc0", "lnbc1p", "lnbc10p", "lnbc2500u", "lnbc99999999999999999999p", "lnx", "ln"]
                    .randomElement(using: &random)!
            default:
                // Leading zero words in front of a value-carrying field's data.
                if index + 3 < words.count { words.insert(0, at: index + 3) }
            }
        }
        return Bech32.encode(humanReadablePart: hrp, data: words)
    }

    @Test func decoderNeverTrapsAndAcceptsOnlyCanonicalInvoices() throws {
        var random = SplitMix64(seed: 0xb017_11)
        var accepted = 0
        for round in 0..<3000 {
            let mutated = Bool.random(using: &random)
                ? Self.mutateText(Self.seeds[round % Self.seeds.count], using: &random)
                : Self.mutateWords(Self.wordSeeds[round % Self.wordSeeds.count], using: &random)
            guard let invoice = try? Invoice.decode(mutated) else { continue }
            accepted += 1
            #expect(invoice.encoded == mutated.lowercased(), "round \(round)")
            let (_, words) = Support.words(of: invoice.encoded)
            #expect(try invoice.unsigned.dataWords() == Array(words.dropLast(104)), "round \(round)")
            #expect(try Invoice.decode(invoice.encoded) == invoice, "round \(round)")
        }
        // Some mutations (case flips, skipped fields, other payees) still decode.
        #expect(accepted > 0)
    }

    @Test func arbitraryStringsNeverTrap() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<1000 {
            let length = Int.random(in: 0...200, using: &random)
            let text = String((0..<length).map { _ in Self.characters.randomElement(using: &random)! })
            _ = try? Invoice.decode("lnbc1" + text)
            _ = try? Invoice.decode(text)
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
