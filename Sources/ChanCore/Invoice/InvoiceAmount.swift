import ChanLedger

/// The amount in an invoice's human-readable part: a decimal number of bitcoin with an
/// optional multiplier letter (m, u, n, p), so 1 BTC = 10^11 msat and `1p` is 0.1 msat.
enum InvoiceAmount {
    /// Msat per unit of each multiplier; `p` divides instead (see `parse`).
    private static let milli: UInt64 = 100_000_000
    private static let micro: UInt64 = 100_000
    private static let nano: UInt64 = 100
    private static let bitcoin: UInt64 = 100_000_000_000

    /// Parses the text after the prefix; empty means the payer chooses the amount.
    static func parse(_ text: Substring) throws(InvoiceError) -> MilliSatoshi? {
        guard !text.isEmpty else { return nil }
        let shown = String(text.prefix(32))
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text[digits.endIndex...]
        guard !digits.isEmpty else { throw .invalidAmount(shown) }
        guard suffix.count <= 1 else { throw .invalidAmount(shown) }
        // A positive integer written without leading zeros (this also refuses 0).
        guard digits.first != "0" else { throw .invalidAmount(shown) }
        let factor: UInt64
        switch suffix.first {
        case nil: factor = bitcoin
        case "m": factor = milli
        case "u": factor = micro
        case "n": factor = nano
        case "p":
            // Ten pico-bitcoin make one msat; anything finer cannot be paid. Dropping the
            // zero before parsing lets the largest msat amounts through.
            guard digits.last == "0" else { throw .subMillisatoshiAmount(shown) }
            guard let msat = decimal(digits.dropLast()) else { throw .amountOverflow(shown) }
            return MilliSatoshi(msat)
        case let letter?: throw .invalidMultiplier(String(letter))
        }
        guard let number = decimal(digits) else { throw .amountOverflow(shown) }
        let (msat, overflow) = number.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .amountOverflow(shown) }
        return MilliSatoshi(msat)
    }

    /// ASCII digits as a number; nil if it does not fit 64 bits.
    private static func decimal(_ digits: Substring) -> UInt64? {
        var number: UInt64 = 0
        for digit in digits.utf8 {
            let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            number = sum
        }
        return number
    }

    /// The shortest text for a positive amount: the largest multiplier that keeps it whole.
    static func format(_ amount: MilliSatoshi) -> String {
        let value = amount.value
        if value % bitcoin == 0 { return "\(value / bitcoin)" }
        if value % milli == 0 { return "\(value / milli)m" }
        if value % micro == 0 { return "\(value / micro)u" }
        if value % nano == 0 { return "\(value / nano)n" }
        // value * 10 may not fit 64 bits, so append the zero as text.
        return "\(value)0p"
    }
}
