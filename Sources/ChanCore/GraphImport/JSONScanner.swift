/// A small pull scanner over JSON bytes, for graph files of tens of megabytes.
///
/// Foundation's JSONDecoder builds every object of the file before the importer sees it;
/// this scanner lets an importer walk the text once, pick the fields it knows and skip the
/// rest, without allocating per value. It reads strictly: anything that is not JSON is a
/// `GraphImportError.syntax` with the byte offset.
struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    enum ValueKind { case object, array, string, number, bool, null }

    // MARK: Structure

    var isAtEnd: Bool {
        mutating get {
            skipWhitespace()
            return position >= bytes.count
        }
    }

    mutating func peekKind() throws(GraphImportError) -> ValueKind {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw syntax("a value")
        }
    }

    mutating func beginObject() throws(GraphImportError) { try consume(UInt8(ascii: "{"), "'{'") }
    mutating func beginArray() throws(GraphImportError) { try consume(UInt8(ascii: "["), "'['") }

    /// The next key of the object being read (its raw bytes, escapes not decoded), or nil
    /// once the closing brace is consumed. `first` must start true for each object.
    mutating func nextKey(first: inout Bool) throws(GraphImportError) -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("'}' or a key") }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if first {
            first = false
        } else {
            try consume(UInt8(ascii: ","), "',' or '}'")
        }
        let key = try rawString()
        try consume(UInt8(ascii: ":"), "':'")
        return key
    }

    /// True when the array has another element (consuming the comma before it), false
    /// once the closing bracket is consumed. `first` must start true for each array.
    mutating func nextElement(first: inout Bool) throws(GraphImportError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("']' or a value") }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            return false
        }
        if first {
            first = false
        } else {
            try consume(UInt8(ascii: ","), "',' or ']'")
        }
        return true
    }

    // MARK: Values

    /// A string's raw bytes between the quotes; escapes are skipped over, not decoded. Text
    /// must be valid UTF-8 (JSON's encoding): a file that is not is refused, not mended.
    mutating func rawString() throws(GraphImportError) -> UnsafeBufferPointer<UInt8> {
        try consume(UInt8(ascii: "\""), "a string")
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return slice
            }
            if byte == UInt8(ascii: "\\") { position += 2; continue }
            if byte < 0x20 { throw syntax("no control character inside a string") }
            if byte < 0x80 { position += 1; continue }
            guard let length = Self.utf8SequenceLength(bytes, at: position) else { throw syntax("valid UTF-8 text") }
            position += length
        }
        throw syntax("the end of the string")
    }

    /// The length of the well-formed UTF-8 sequence of a non-ASCII scalar at `index`, or nil
    /// (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short).
    private static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        // The allowed range of the second byte narrows for E0, ED, F0 and F4 (RFC 3629).
        let (length, low, high): (Int, UInt8, UInt8) = switch lead {
        case 0xc2...0xdf: (2, 0x80, 0xbf)
        case 0xe0: (3, 0xa0, 0xbf)
        case 0xe1...0xec, 0xee...0xef: (3, 0x80, 0xbf)
        case 0xed: (3, 0x80, 0x9f)
        case 0xf0: (4, 0x90, 0xbf)
        case 0xf1...0xf3: (4, 0x80, 0xbf)
        case 0xf4: (4, 0x80, 0x8f)
        default: (0, 0, 0)
        }
        guard length > 0, index + length <= bytes.count, (low...high).contains(bytes[index + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xbf).contains(bytes[index + offset]) { return nil }
        return length
    }

    /// A string with its escapes decoded (`\n`, `\u00e9`, surrogate pairs...).
    mutating func string() throws(GraphImportError) -> String {
        let raw = try rawString()
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        let errorOffset = position
        func bad(_ expected: String = "a valid string escape") -> GraphImportError { .syntax(offset: errorOffset, expected: expected) }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { throw bad() }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0c)
            case UInt8(ascii: "n"): utf8.append(0x0a)
            case UInt8(ascii: "r"): utf8.append(0x0d)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = Self.hex4(raw, at: index) else { throw bad() }
                index += 4
                var scalar = UInt32(unit)
                if (0xd800..<0xdc00).contains(unit), index + 6 <= raw.count,
                   raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                   let low = Self.hex4(raw, at: index + 2), (0xdc00..<0xe000).contains(low) {
                    scalar = 0x10000 + (UInt32(unit - 0xd800) << 10) + UInt32(low - 0xdc00)
                    index += 6
                }
                flush()
                // A surrogate without its pair is no character at all.
                guard let character = Unicode.Scalar(scalar) else { throw bad("a surrogate pair, not a lone surrogate") }
                scalars.append(character)
            default:
                throw bad()
            }
        }
        flush()
        return String(scalars)
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt16? {
        guard index + 4 <= raw.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let c = raw[index + offset]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// A non-negative integer written as a JSON number (`1000`), a decimal string (`"1000"`,
    /// as LND prints them) or a string with Core Lightning's old unit suffix (`"1000msat"`).
    mutating func unsignedInteger(field: StaticString) throws(GraphImportError) -> UInt64 {
        skipWhitespace()
        let start = position
        let digits: UnsafeBufferPointer<UInt8>
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            var text = try rawString()
            if text.count > 4, Self.endsWith(text, "msat") {
                text = UnsafeBufferPointer(rebasing: text[0..<(text.count - 4)])
            }
            digits = text
        } else {
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            digits = UnsafeBufferPointer(rebasing: bytes[start..<position])
            // A fraction, exponent or sign here means the field is not an unsigned integer.
            if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "-")].contains(bytes[position]) {
                throw .invalidField(name: field.description, offset: start, reason: "not a non-negative integer")
            }
        }
        guard !digits.isEmpty else {
            throw .invalidField(name: field.description, offset: start, reason: "not a non-negative integer")
        }
        var value: UInt64 = 0
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else {
                throw .invalidField(name: field.description, offset: start, reason: "not a non-negative integer")
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .invalidField(name: field.description, offset: start, reason: "too large") }
            value = sum
        }
        return value
    }

    mutating func bool(field: StaticString) throws(GraphImportError) -> Bool {
        skipWhitespace()
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw .invalidField(name: field.description, offset: position, reason: "not true or false")
    }

    /// Consumes `null` and returns true, or returns false leaving the value in place.
    mutating func null() -> Bool {
        skipWhitespace()
        return matchLiteral("null")
    }

    /// Skips one value of any kind, nested ones included.
    mutating func skipValue() throws(GraphImportError) {
        try skipValue(depth: 0)
    }

    private mutating func skipValue(depth: Int) throws(GraphImportError) {
        // Deep nesting is never a graph file; refuse it rather than exhaust the stack.
        guard depth < 256 else { throw syntax("less deeply nested values") }
        switch try peekKind() {
        case .object:
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil { try skipValue(depth: depth + 1) }
        case .array:
            try beginArray()
            var first = true
            while try nextElement(first: &first) { try skipValue(depth: depth + 1) }
        case .string:
            _ = try rawString()
        case .number:
            try skipNumber()
        case .bool:
            guard matchLiteral("true") || matchLiteral("false") else { throw syntax("true or false") }
        case .null:
            guard matchLiteral("null") else { throw syntax("null") }
        }
    }

    // MARK: Helpers

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0a, 0x0d, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8, _ expected: String) throws(GraphImportError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw syntax(expected) }
        position += 1
    }

    private mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
        position += count
        return true
    }

    /// Skips a number as JSON writes one: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    private mutating func skipNumber() throws(GraphImportError) {
        func digits() -> Int {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - start
        }
        func next(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        _ = next(UInt8(ascii: "-"))
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw syntax("a number") }
        if next(UInt8(ascii: ".")), digits() == 0 { throw syntax("digits after the decimal point") }
        if next(UInt8(ascii: "e")) || next(UInt8(ascii: "E")) {
            if !next(UInt8(ascii: "+")) { _ = next(UInt8(ascii: "-")) }
            if digits() == 0 { throw syntax("the digits of an exponent") }
        }
    }

    private func syntax(_ expected: String) -> GraphImportError {
        .syntax(offset: position, expected: expected)
    }

    static func endsWith(_ text: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard text.count >= count else { return false }
        for offset in 0..<count where text[text.count - count + offset] != suffix.utf8Start[offset] { return false }
        return true
    }

    /// True when `key` is exactly `name`.
    @inline(__always)
    static func key(_ key: UnsafeBufferPointer<UInt8>, is name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.count == count else { return false }
        for offset in 0..<count where key[offset] != name.utf8Start[offset] { return false }
        return true
    }
}
