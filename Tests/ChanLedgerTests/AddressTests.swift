import ChanCrypto
import ChanLedger
import Testing

@Suite struct AddressTests {
    /// BIP 173's valid bech32 strings.
    @Test(arguments: [
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ])
    func bip173Valid(_ text: String) throws {
        let decoded = try Bech32.decode(text)
        #expect(Bech32.encode(humanReadablePart: decoded.humanReadablePart, data: decoded.data) == text.lowercased())
    }

    /// BIP 173's invalid bech32 strings.
    @Test(arguments: [
        "\u{20}1nwldj5", "\u{7f}1axkwrx", "\u{80}1eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u{ff}", "A1G7SGD8", "10a06t8", "1qzzfhee",
    ])
    func bip173Invalid(_ text: String) {
        #expect(throws: Bech32.DecodingError.self) { try Bech32.decode(text) }
    }

    @Test func addressRoundTrip() throws {
        let address = Address(key: key(1).publicKey)
        #expect(address.string.hasPrefix("bcrt1"))
        #expect(try Address(address.string) == address)
        #expect(try Address(address.string.uppercased()) == address)
        #expect(address.condition == .key(key(1).publicKey))
        #expect(Address(condition: address.condition) == address)
        #expect(Address(condition: .funding(key(1).publicKey, key(2).publicKey)) == nil)
    }

    @Test func everySingleCharacterTypoIsCaught() throws {
        let text = Address(key: key(2).publicKey).string
        let characters = Array(text)
        for index in characters.indices where index > 4 {  // after "bcrt1"
            let replacement: Character = characters[index] == "q" ? "p" : "q"
            var typo = characters
            typo[index] = replacement
            #expect(throws: LedgerError.invalidAddress(String(typo))) { try Address(String(typo)) }
        }
    }

    @Test func otherPrefixesLengthsAndGarbageAreInvalid() throws {
        let key33 = key(3).publicKey.compressed
        let data = try Bech32.convertBits(key33, from: 8, to: 5, pad: true)
        let mainnet = Bech32.encode(humanReadablePart: "bc", data: data)
        #expect(throws: LedgerError.invalidAddress(mainnet)) { try Address(mainnet) }
        let short = Bech32.encode(humanReadablePart: "bcrt", data: try Bech32.convertBits(Array(key33.prefix(32)), from: 8, to: 5, pad: true))
        #expect(throws: LedgerError.invalidAddress(short)) { try Address(short) }
        var notOnCurve = key33
        notOnCurve[0] = 0x05
        let bad = Bech32.encode(humanReadablePart: "bcrt", data: try Bech32.convertBits(notOnCurve, from: 8, to: 5, pad: true))
        #expect(throws: LedgerError.invalidAddress(bad)) { try Address(bad) }
        for garbage in ["", "bcrt1", "hello", "bcrt1qqqqqqq"] {
            #expect(throws: LedgerError.invalidAddress(garbage)) { try Address(garbage) }
        }
        #expect(LedgerError.invalidAddress("x").code == "invalid_address")
    }
}
