import ChanCrypto

/// Why an amount could not be computed or parsed. Money never wraps or rounds silently.
public enum AmountError: CodedError, Equatable {
    case overflow
    case underflow
    case notWholeSatoshis(MilliSatoshi)
    case notPositive
    case invalid(String)

    public var code: String {
        switch self {
        case .overflow: "amount_overflow"
        case .underflow: "amount_underflow"
        case .notWholeSatoshis: "amount_not_whole_sat"
        case .notPositive: "invalid_amount"
        case .invalid: "invalid_amount"
        }
    }

    public var message: String {
        switch self {
        case .overflow: "the amount is too large"
        case .underflow: "the result would be negative"
        case .notWholeSatoshis(let amount): "\(amount.value) msat is not a whole number of satoshis"
        case .notPositive: "the amount must be greater than zero"
        case .invalid(let text): "'\(text)' is not an amount (use an integer of sat, or a sat, msat or btc suffix)"
        }
    }
}

/// An amount on the ledger, in satoshis. Arithmetic is checked: overflow and underflow throw.
public struct Satoshi: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public static let zero = Satoshi(0)
    public static let perBitcoin: UInt64 = 100_000_000
    /// All bitcoin that can ever exist; larger ledger amounts are refused.
    public static let maxMoney = Satoshi(21_000_000 * perBitcoin)

    public static func < (lhs: Satoshi, rhs: Satoshi) -> Bool { lhs.value < rhs.value }

    public func adding(_ other: Satoshi) throws(AmountError) -> Satoshi {
        let (sum, overflow) = value.addingReportingOverflow(other.value)
        guard !overflow else { throw .overflow }
        return Satoshi(sum)
    }

    public func subtracting(_ other: Satoshi) throws(AmountError) -> Satoshi {
        guard other.value <= value else { throw .underflow }
        return Satoshi(value - other.value)
    }

    public func multiplied(by factor: UInt64) throws(AmountError) -> Satoshi {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .overflow }
        return Satoshi(product)
    }

    public var msat: MilliSatoshi {
        get throws(AmountError) {
            let (product, overflow) = value.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw .overflow }
            return MilliSatoshi(product)
        }
    }

    public var description: String { "\(value) sat" }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// An amount inside a channel, in thousandths of a satoshi. Arithmetic is checked.
public struct MilliSatoshi: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public static let zero = MilliSatoshi(0)

    public static func < (lhs: MilliSatoshi, rhs: MilliSatoshi) -> Bool { lhs.value < rhs.value }

    public func adding(_ other: MilliSatoshi) throws(AmountError) -> MilliSatoshi {
        let (sum, overflow) = value.addingReportingOverflow(other.value)
        guard !overflow else { throw .overflow }
        return MilliSatoshi(sum)
    }

    public func subtracting(_ other: MilliSatoshi) throws(AmountError) -> MilliSatoshi {
        guard other.value <= value else { throw .underflow }
        return MilliSatoshi(value - other.value)
    }

    public func multiplied(by factor: UInt64) throws(AmountError) -> MilliSatoshi {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .overflow }
        return MilliSatoshi(product)
    }

    /// Whole satoshis, rounding down; BOLT 3 trims the remainder of each output this way.
    /// Callers that must not lose the remainder use `exactSatoshi`.
    public var flooredSatoshi: Satoshi { Satoshi(value / 1000) }

    /// The amount in satoshis, or an error if it is not a whole number of them.
    public var exactSatoshi: Satoshi {
        get throws(AmountError) {
            guard value % 1000 == 0 else { throw .notWholeSatoshis(self) }
            return Satoshi(value / 1000)
        }
    }

    public var description: String { "\(value) msat" }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension MilliSatoshi {
    /// Parses a command-line amount: a bare integer is satoshis; the suffixes `sat`, `msat`
    /// and `btc` (up to 11 decimals, i.e. whole msat) say the unit. Zero and negative are
    /// accepted only as `0`; callers that need a positive amount check it.
    public static func parse(_ text: String) throws(AmountError) -> MilliSatoshi {
        let trimmed = text.trimmingWhitespace().lowercased()
        let (number, unitMsat, maxDecimals): (Substring, UInt64, Int)
        if trimmed.hasSuffix("msat") {
            (number, unitMsat, maxDecimals) = (trimmed.dropLast(4), 1, 0)
        } else if trimmed.hasSuffix("sat") {
            (number, unitMsat, maxDecimals) = (trimmed.dropLast(3), 1000, 3)
        } else if trimmed.hasSuffix("btc") {
            (number, unitMsat, maxDecimals) = (trimmed.dropLast(3), 100_000_000_000, 11)
        } else {
            (number, unitMsat, maxDecimals) = (Substring(trimmed), 1000, 3)
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit)
        else { throw .invalid(text) }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else {
            throw .invalid(text)
        }
        guard fraction.count <= maxDecimals else { throw .invalid(text) }
        guard let wholeValue = UInt64(whole) else { throw .overflow }
        var scale = unitMsat
        var fractionValue: UInt64 = 0
        while !fraction.isEmpty {
            scale /= 10
            fractionValue += UInt64(fraction.first!.asciiValue! - 48) * scale
            fraction = fraction.dropFirst()
        }
        let (product, overflow) = wholeValue.multipliedReportingOverflow(by: unitMsat)
        guard !overflow else { throw .overflow }
        return try MilliSatoshi(product).adding(MilliSatoshi(fractionValue))
    }
}

extension Satoshi {
    /// Parses a command-line amount that must be a whole, positive number of satoshis.
    public static func parsePositive(_ text: String) throws(AmountError) -> Satoshi {
        let amount = try MilliSatoshi.parse(text).exactSatoshi
        guard amount > .zero else { throw .notPositive }
        guard amount <= .maxMoney else { throw .overflow }
        return amount
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }
}
