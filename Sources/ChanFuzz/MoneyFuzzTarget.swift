import ChanCore
import ChanLedger

/// Checked money arithmetic: a script of operations on amounts the input picks, each compared
/// with the same sum, difference, product or fee formula on 128-bit integers (which cannot
/// wrap for these operands). Each must give the exact result when it fits in 64 bits and
/// report overflow or underflow when it does not; never trap, never wrap.
enum MoneyFuzzTarget {
    static let max64 = UInt128(UInt64.max)

    /// The outcome of a checked operation, as the reference computes it.
    enum Outcome: Equatable, CustomStringConvertible {
        case value(UInt128), overflow, underflow, notWhole

        init(_ wide: UInt128) { self = wide > MoneyFuzzTarget.max64 ? .overflow : .value(wide) }

        init(_ body: () throws(AmountError) -> UInt64) {
            do { self = .value(UInt128(try body())) } catch {
                switch error {
                case .overflow: self = .overflow
                case .underflow: self = .underflow
                case .notWholeSatoshis: self = .notWhole
                case .notPositive, .invalid: self = .value(.max) // never expected: shows as a mismatch
                }
            }
        }

        var description: String {
            switch self {
            case .value(let value): "\(value)"
            case .overflow: "overflow"
            case .underflow: "underflow"
            case .notWhole: "not whole"
            }
        }
    }

    static let arithmetic = FuzzTarget("money_arithmetic", "checked amount and fee arithmetic against 128-bit integers") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        var step = 0
        while !script.isAtEnd {
            step += 1
            let operation = script.u8() % 12
            let a = script.u64(), b = script.u64()
            let (wideA, wideB) = (UInt128(a), UInt128(b))
            let actual: Outcome, expected: Outcome
            switch operation {
            case 0:
                actual = Outcome { () throws(AmountError) in try Satoshi(a).adding(Satoshi(b)).value }
                expected = Outcome(wideA + wideB)
            case 1:
                actual = Outcome { () throws(AmountError) in try Satoshi(a).subtracting(Satoshi(b)).value }
                expected = b > a ? .underflow : .value(wideA - wideB)
            case 2:
                actual = Outcome { () throws(AmountError) in try Satoshi(a).multiplied(by: b).value }
                expected = Outcome(wideA * wideB)
            case 3:
                actual = Outcome { () throws(AmountError) in try MilliSatoshi(a).adding(MilliSatoshi(b)).value }
                expected = Outcome(wideA + wideB)
            case 4:
                actual = Outcome { () throws(AmountError) in try MilliSatoshi(a).subtracting(MilliSatoshi(b)).value }
                expected = b > a ? .underflow : .value(wideA - wideB)
            case 5:
                actual = Outcome { () throws(AmountError) in try MilliSatoshi(a).multiplied(by: b).value }
                expected = Outcome(wideA * wideB)
            case 6:
                actual = Outcome { () throws(AmountError) in try Satoshi(a).msat.value }
                expected = Outcome(wideA * 1000)
            case 7:
                actual = Outcome { () throws(AmountError) in try MilliSatoshi(a).exactSatoshi.value }
                expected = a % 1000 == 0 ? .value(wideA / 1000) : .notWhole
                try require(MilliSatoshi(a).flooredSatoshi.value == a / 1000, "floor of \(a) msat")
            case 8:
                // BOLT 7's forwarding fee: base + amount * ppm / 1e6, rounded down.
                let proportional = UInt32(truncatingIfNeeded: b)
                let amount = script.u64()
                actual = Outcome { () throws(AmountError) in
                    try ChannelPolicy(feeBase: MilliSatoshi(a), feeProportionalMillionths: proportional)
                        .fee(forwarding: MilliSatoshi(amount)).value
                }
                expected = a > UInt64(UInt32.max) ? .overflow : Outcome(wideA + UInt128(amount) * UInt128(proportional) / 1_000_000)
            case 9:
                // BOLT 3's fee: feerate * weight / 1000, saturating (documented) instead of throwing.
                let feerate = UInt32(truncatingIfNeeded: a)
                actual = .value(UInt128(CommitmentFees.fee(feeratePerKw: feerate, weight: b).value))
                expected = .value(min(UInt128(feerate) * wideB / 1000, max64))
            case 10:
                let feerate = UInt32(truncatingIfNeeded: a)
                let count = Int(truncatingIfNeeded: b)
                actual = .value(UInt128(CommitmentFees.commitmentFee(feeratePerKw: feerate, untrimmedHTLCCount: count).value))
                let weight = min(UInt128(CommitmentFees.commitmentBaseWeight) + UInt128(CommitmentFees.htlcOutputWeight) * UInt128(max(count, 0)), max64)
                expected = .value(min(UInt128(feerate) * weight / 1000, max64))
            default:
                let size = Int(truncatingIfNeeded: b)
                actual = Outcome { () throws(AmountError) in try FeeRate(satPerByte: a).fee(forSize: size).value }
                expected = Outcome(wideA * UInt128(max(size, 0)))
            }
            try require(actual == expected, "step \(step), operation \(operation) on \(a), \(b): \(actual), expected \(expected)")
        }
    }
}
