import ChanLedger

/// What a user types: amounts (`MilliSatoshi.parse`, `Satoshi.parsePositive`) and wallet
/// addresses. An ASCII amount is also parsed by a reference on 128-bit integers here, and the
/// two must agree exactly, including on overflow.
enum CommandLineFuzzTargets {
    static let amount = FuzzTarget("amount", "MilliSatoshi.parse and Satoshi.parsePositive against a 128-bit reference") { input throws(FuzzFailure) in
        let text = String(decoding: input, as: UTF8.self)
        let parsed = Result { () throws(AmountError) -> MilliSatoshi in try MilliSatoshi.parse(text) }
        let positive = try? Satoshi.parsePositive(text)
        if let positive {
            try require((try? parsed.get().exactSatoshi) == positive && positive > .zero && positive <= .maxMoney,
                        "parsePositive('\(text)') = \(positive) disagrees with parse")
        }
        if case .success(let value) = parsed {
            try require((try? MilliSatoshi.parse("\(value.value)msat")) == value, "\(value) does not read back")
        }
        guard input.allSatisfy({ $0 < 0x80 }) else { return }
        switch (referenceParse(text), parsed) {
        case (.value(let expected), .success(let value)):
            try require(UInt128(value.value) == expected, "'\(text)': \(value.value) msat, the reference says \(expected)")
        case (.overflow, .failure(.overflow)), (.invalid, .failure(.invalid)):
            break
        case (let expected, let actual):
            throw FuzzFailure(message: "'\(text)': \(actual), the reference says \(expected)")
        }
    }

    enum Reference: Equatable { case value(UInt128), overflow, invalid }

    /// The grammar of `MilliSatoshi.parse` for ASCII text, computed without any way to wrap:
    /// digits, an optional fraction, an optional unit (`msat`, `sat`, `btc`; none is sat).
    static func referenceParse(_ text: String) -> Reference {
        let whitespace: Set<UInt8> = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]
        var bytes = Array(text.utf8)
        while let first = bytes.first, whitespace.contains(first) { bytes.removeFirst() }
        while let last = bytes.last, whitespace.contains(last) { bytes.removeLast() }
        bytes = bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 32 : $0 }
        var unit: UInt128 = 1000, decimals = 3
        for (suffix, suffixUnit, suffixDecimals) in [("msat", UInt128(1), 0), ("sat", 1000, 3), ("btc", 100_000_000_000, 11)]
        where bytes.count >= suffix.utf8.count && Array(bytes.suffix(suffix.utf8.count)) == Array(suffix.utf8) {
            bytes.removeLast(suffix.utf8.count)
            (unit, decimals) = (suffixUnit, suffixDecimals)
            break
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(isDigit) else { return .invalid }
        let fraction = parts.count == 2 ? Array(parts[1]) : []
        guard fraction.allSatisfy(isDigit), parts.count == 1 || !fraction.isEmpty, fraction.count <= decimals else { return .invalid }
        var wholeValue: UInt128 = 0
        for digit in whole {
            wholeValue = wholeValue * 10 + UInt128(digit - 0x30)
            if wholeValue > UInt128(UInt64.max) { return .overflow }
        }
        var scale = unit, fractionValue: UInt128 = 0
        for digit in fraction {
            scale /= 10
            fractionValue += UInt128(digit - 0x30) * scale
        }
        let total = wholeValue * unit + fractionValue
        return total > UInt128(UInt64.max) ? .overflow : .value(total)
    }

    /// An accepted address is written back as its input in lower case, and reads back equal.
    static let address = FuzzTarget("address", "Address parsing (bech32 bcrt + a compressed key)") { input throws(FuzzFailure) in
        let text = String(decoding: input, as: UTF8.self)
        guard let address = try? Address(text) else { return }
        try require(address.string == text.lowercased(), "address '\(text)' is written back as '\(address.string)'")
        try require((try? Address(address.string)) == address, "address '\(text)' reads back as another")
    }
}
