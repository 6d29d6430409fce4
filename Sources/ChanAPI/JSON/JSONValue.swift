/// A JSON document as one tree, the form every chan output passes through before it is
/// written (`JSONWriter`): made from an `Encodable` by `JSONValueEncoder`, or read from the
/// daemon's answer by `JSONParser`. Integers are kept exact, whatever their size.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// Every integer that fits in an `Int64`.
    case integer(Int64)
    /// Only integers above `Int64.max` (`JSONValue.number` picks the case).
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Keys are written sorted, so the order of a dictionary is enough.
    case object([String: JSONValue])

    /// An unsigned integer, as `.integer` when it fits one.
    public static func number(_ value: UInt64) -> JSONValue {
        value <= UInt64(Int64.max) ? .integer(Int64(value)) : .unsigned(value)
    }

    /// The value at `key` of an object (nil for a missing key or a value of another kind).
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }
}
