import ChanLedger
import Testing

@Suite struct AmountTests {
    @Test func parsesUnits() throws {
        #expect(try MilliSatoshi.parse("1500") == MilliSatoshi(1_500_000))
        #expect(try MilliSatoshi.parse("1500sat") == MilliSatoshi(1_500_000))
        #expect(try MilliSatoshi.parse("1500msat") == MilliSatoshi(1500))
        #expect(try MilliSatoshi.parse("1btc") == MilliSatoshi(100_000_000_000))
        #expect(try MilliSatoshi.parse("0.00000001btc") == MilliSatoshi(1000))
        #expect(try MilliSatoshi.parse("0.00000000001btc") == MilliSatoshi(1))
        #expect(try MilliSatoshi.parse("1.5sat") == MilliSatoshi(1500))
    }

    @Test(arguments: ["", "-5", "abc", "1.", ".5", "1.5msat", "0.000000000001btc", "12x", "1e5"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: AmountError.self) { try MilliSatoshi.parse(text) }
    }

    @Test func rejectsOverflow() {
        #expect(throws: AmountError.overflow) { try MilliSatoshi.parse("18446744073709551615") }
        #expect(throws: AmountError.overflow) { try Satoshi(UInt64.max).adding(Satoshi(1)) }
        #expect(throws: AmountError.underflow) { try MilliSatoshi(1).subtracting(MilliSatoshi(2)) }
    }

    @Test func positiveSatoshisRejectZeroFractionsAndTooMuch() throws {
        #expect(try Satoshi.parsePositive("20000000") == Satoshi(20_000_000))
        #expect(throws: AmountError.self) { try Satoshi.parsePositive("0") }
        #expect(throws: AmountError.self) { try Satoshi.parsePositive("1500msat") }
        #expect(throws: AmountError.overflow) { try Satoshi.parsePositive("21000001btc") }
    }
}
