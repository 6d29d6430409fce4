/// Writes a `JSONValue` in the one style of every chan output (DESIGN.md section 7): keys
/// sorted byte-wise, `"key" : value` with two-space indents when pretty, no spaces when compact,
/// `[]` and `{}` for empties, slashes not escaped, non-ASCII text as UTF-8, doubles in their
/// shortest form that reads back to the same value (`0.1`, `1e-07`, `68` for 68.0).
public struct JSONWriter: Sendable {
    public enum Layout: Sendable {
        /// Indented, one member per line, for people.
        case pretty
        /// One line, for scripts and the RPC socket.
        case compact
    }

    /// What becomes of an integer beyond 2^53 - 1 in magnitude, which many JSON readers
    /// (JavaScript, jq 1.6, anything that reads numbers as doubles) would silently round.
    public enum LargeIntegers: Sendable {
        /// Written as a number: for readers known to keep integers exact (chan's own RPC).
        case exact
        /// Written as a decimal string (`"18446744073709551615"`): every reader gets the
        /// exact digits. What the CLI prints.
        case string
    }

    /// 2^53 - 1: the largest integer a double holds exactly together with all smaller ones.
    public static let largestSafeInteger: Int64 = (1 << 53) - 1

    public var layout: Layout
    public var largeIntegers: LargeIntegers

    public init(layout: Layout = .pretty, largeIntegers: LargeIntegers = .string) {
        self.layout = layout
        self.largeIntegers = largeIntegers
    }

    /// `value` as UTF-8, without a final newline.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, indent: 0, into: &out)
        return out
    }

    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    private func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .integer(let number):
            let safe = number >= -Self.largestSafeInteger && number <= Self.largestSafeInteger
            writeInteger(String(number), safe: safe, into: &out)
        case .unsigned(let number):
            writeInteger(String(number), safe: number <= UInt64(Self.largestSafeInteger), into: &out)
        case .double(let number): out += Array(Self.text(of: number).utf8)
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else { out += Array("[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                write(element, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { out += Array("{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                Self.writeString(key, into: &out)
                out += layout == .pretty ? Array(" : ".utf8) : [UInt8(ascii: ":")]
                write(members[key]!, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private func writeInteger(_ digits: String, safe: Bool, into out: inout [UInt8]) {
        if safe || largeIntegers == .exact {
            out += Array(digits.utf8)
        } else {
            Self.writeString(digits, into: &out)
        }
    }

    private func newline(_ indent: Int, into out: inout [UInt8]) {
        guard layout == .pretty else { return }
        out.append(0x0a)
        out += [UInt8](repeating: UInt8(ascii: " "), count: 2 * indent)
    }

    /// Swift's shortest round-trip digits, less a `.0` ending (but `-0.0`, which would read
    /// back as the integer 0); JSON has no NaN or infinity, so those (which `JSONValueEncoder`
    /// refuses) are written as `null`.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == 0, number.sign == .minus { return "-0.0" }
        let text = number.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0a: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0d: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0c: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
