import FoundationEssentials

/// Makes a `JSONValue` of any `Encodable`, as `JSONEncoder` would with `.convertToSnakeCase`
/// (dictionary keys kept as they are, `Data` as base64, `Date` as seconds since 2001), except
/// that a nil optional is written as `null` rather than left out: `encodeIfPresent`, which
/// synthesized conformances use for every optional, writes the key all the same, so an object
/// has the same keys every time. Keys become snake_case by `SnakeCaseKey`.
public struct JSONValueEncoder {
    /// False keeps property names as they are (for types whose keys are written out already).
    public var convertsKeysToSnakeCase = true
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = EncodingNode()
        try ValueEncoder(node: node, codingPath: [], options: options).encodeValue(value)
        return node.value
    }

    private var options: EncodingOptions {
        EncodingOptions(convertsKeysToSnakeCase: convertsKeysToSnakeCase, userInfo: userInfo)
    }
}

struct EncodingOptions {
    let convertsKeysToSnakeCase: Bool
    let userInfo: [CodingUserInfoKey: any Sendable]
    /// Each property name is converted once per document: a listing repeats the same few.
    let spellings = KeySpellings()

    func key(_ key: any CodingKey) -> String {
        convertsKeysToSnakeCase ? spellings.snakeCase(key.stringValue) : key.stringValue
    }
}

final class KeySpellings {
    private var converted: [String: String] = [:]

    func snakeCase(_ name: String) -> String {
        if let known = converted[name] { return known }
        let key = SnakeCaseKey.convert(name)
        converted[name] = key
        return key
    }
}

/// One value under construction. Containers hold the node they fill, so a value encoded in
/// several steps (a keyed container asked for twice, a nested container filled later) lands
/// in one place.
final class EncodingNode {
    var scalar: JSONValue = .null
    var members: [String: EncodingNode]?
    var elements: [EncodingNode]?

    var value: JSONValue {
        if let members { return .object(members.mapValues(\.value)) }
        if let elements { return .array(elements.map(\.value)) }
        return scalar
    }

    func makeObject() {
        if members == nil { members = [:]; elements = nil }
    }

    func makeArray() {
        if elements == nil { elements = []; members = nil }
    }

    func set(_ value: JSONValue) {
        scalar = value
        members = nil
        elements = nil
    }
}

/// A `[String: V]`: encoded with its keys as they are, as `JSONEncoder` does.
private protocol StringKeyedDictionary {
    func encodeMembers(into node: EncodingNode, encoder: ValueEncoder) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func encodeMembers(into node: EncodingNode, encoder: ValueEncoder) throws {
        node.makeObject()
        for (key, value) in self {
            let child = EncodingNode()
            node.members![key] = child
            try encoder.child(child, key: AnyKey(stringValue: key)).encodeValue(value)
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

struct ValueEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let options: EncodingOptions

    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    func child(_ node: EncodingNode, key: (any CodingKey)?) -> ValueEncoder {
        ValueEncoder(node: node, codingPath: key.map { codingPath + [$0] } ?? codingPath, options: options)
    }

    /// `value` into this encoder's node, with the types `JSONEncoder` treats specially.
    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let json as JSONValue: node.set(json)
        case let data as Data: node.set(.string(data.base64EncodedString()))
        case let url as URL: node.set(.string(url.absoluteString))
        case let dictionary as any StringKeyedDictionary: try dictionary.encodeMembers(into: node, encoder: self)
        default: try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }
}

/// The scalar conversions every container shares; a double must be finite, as in `JSONEncoder`.
enum Scalar {
    static func double(_ value: Double, path: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(value) is not a JSON number"))
        }
        return .double(value)
    }

    /// A float by its own shortest digits (0.1 rather than 0.10000000149011612).
    static func float(_ value: Float, path: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(value) is not a JSON number"))
        }
        return .double(Double(value.description) ?? Double(value))
    }

    static func signed<I: FixedWidthInteger & SignedInteger>(_ value: I) -> JSONValue { .integer(Int64(value)) }
    static func unsigned<I: FixedWidthInteger & UnsignedInteger>(_ value: I) -> JSONValue { .number(UInt64(value)) }
}

struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil() throws { encoder.node.set(.null) }
    func encode(_ value: Bool) throws { encoder.node.set(.bool(value)) }
    func encode(_ value: String) throws { encoder.node.set(.string(value)) }
    func encode(_ value: Double) throws { encoder.node.set(try Scalar.double(value, path: codingPath)) }
    func encode(_ value: Float) throws { encoder.node.set(try Scalar.float(value, path: codingPath)) }
    func encode(_ value: Int) throws { encoder.node.set(Scalar.signed(value)) }
    func encode(_ value: Int8) throws { encoder.node.set(Scalar.signed(value)) }
    func encode(_ value: Int16) throws { encoder.node.set(Scalar.signed(value)) }
    func encode(_ value: Int32) throws { encoder.node.set(Scalar.signed(value)) }
    func encode(_ value: Int64) throws { encoder.node.set(Scalar.signed(value)) }
    func encode(_ value: UInt) throws { encoder.node.set(Scalar.unsigned(value)) }
    func encode(_ value: UInt8) throws { encoder.node.set(Scalar.unsigned(value)) }
    func encode(_ value: UInt16) throws { encoder.node.set(Scalar.unsigned(value)) }
    func encode(_ value: UInt32) throws { encoder.node.set(Scalar.unsigned(value)) }
    func encode(_ value: UInt64) throws { encoder.node.set(Scalar.unsigned(value)) }
    func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    /// A fresh node at `key` (replacing what an earlier call put there).
    private func slot(_ key: Key) -> EncodingNode { slot(named: encoder.options.key(key)) }

    private func slot(named name: String) -> EncodingNode {
        let node = EncodingNode()
        encoder.node.members![name] = node
        return node
    }

    private func put(_ value: JSONValue, _ key: Key) { slot(key).set(value) }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(try Scalar.double(value, path: codingPath + [key]), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(try Scalar.float(value, path: codingPath + [key]), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(Scalar.signed(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(Scalar.signed(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(Scalar.signed(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(Scalar.signed(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(Scalar.signed(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(Scalar.unsigned(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(Scalar.unsigned(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(Scalar.unsigned(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(Scalar.unsigned(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(Scalar.unsigned(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.child(slot(key), key: key).encodeValue(value)
    }

    // A nil optional is written as `null`, not left out (the defaults of the protocol skip it).
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOptional(value, key) }

    private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { put(.null, key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.child(slot(key), key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.child(slot(key), key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.child(slot(named: "super"), key: AnyKey(stringValue: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.child(slot(key), key: key) }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.node.elements?.count ?? 0 }

    private func append() -> EncodingNode {
        let node = EncodingNode()
        encoder.node.elements!.append(node)
        return node
    }

    private var nextKey: AnyKey { AnyKey(intValue: count) }

    mutating func encodeNil() throws { append().set(.null) }
    mutating func encode(_ value: Bool) throws { append().set(.bool(value)) }
    mutating func encode(_ value: String) throws { append().set(.string(value)) }
    mutating func encode(_ value: Double) throws { append().set(try Scalar.double(value, path: codingPath + [nextKey])) }
    mutating func encode(_ value: Float) throws { append().set(try Scalar.float(value, path: codingPath + [nextKey])) }
    mutating func encode(_ value: Int) throws { append().set(Scalar.signed(value)) }
    mutating func encode(_ value: Int8) throws { append().set(Scalar.signed(value)) }
    mutating func encode(_ value: Int16) throws { append().set(Scalar.signed(value)) }
    mutating func encode(_ value: Int32) throws { append().set(Scalar.signed(value)) }
    mutating func encode(_ value: Int64) throws { append().set(Scalar.signed(value)) }
    mutating func encode(_ value: UInt) throws { append().set(Scalar.unsigned(value)) }
    mutating func encode(_ value: UInt8) throws { append().set(Scalar.unsigned(value)) }
    mutating func encode(_ value: UInt16) throws { append().set(Scalar.unsigned(value)) }
    mutating func encode(_ value: UInt32) throws { append().set(Scalar.unsigned(value)) }
    mutating func encode(_ value: UInt64) throws { append().set(Scalar.unsigned(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = nextKey
        try encoder.child(append(), key: key).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = nextKey
        return encoder.child(append(), key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = nextKey
        return encoder.child(append(), key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = nextKey
        return encoder.child(append(), key: key)
    }
}
