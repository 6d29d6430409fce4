import ChanCrypto
import ChanLedger

/// Reads `Codable` values back from a `RecordValue` tree (the inverse of `RecordEncoding`).
/// Every mismatch (a missing key, a primitive of the wrong width) is an error, never a trap.
struct RecordDecoding: Decoder {
    let value: RecordValue
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any]

    init(value: RecordValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: Any]) {
        self.value = value
        self.codingPath = codingPath
        self.userInfo = userInfo
    }

    func child(_ value: RecordValue, _ key: (any CodingKey)?) -> RecordDecoding {
        RecordDecoding(value: value, codingPath: key.map { codingPath + [$0] } ?? codingPath, userInfo: userInfo)
    }

    func mismatch(_ what: String) -> RecordError {
        .mismatch("\(what) at \(codingPath.map(\.stringValue).joined(separator: "."))")
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let raw = try rawBytesValue(type) { return raw }
        return try T(from: self)
    }

    /// The byte-string types `RecordCoding.rawBytes` stores raw.
    private func rawBytesValue<T>(_ type: T.Type) throws -> T? {
        let isRaw = T.self == [UInt8].self || T.self is any FixedSizeBytes.Type || T.self == PublicKey.self
            || T.self == Signature.self || T.self == TxID.self || T.self == PaymentHash.self || T.self == Preimage.self
        guard isRaw else { return nil }
        guard case .primitive(let bytes) = value else { throw mismatch("expected bytes for \(T.self)") }
        let decoded: Any
        switch T.self {
        case is [UInt8].Type: decoded = bytes
        case let fixed as any FixedSizeBytes.Type: decoded = try fixed.init(bytes)
        case is PublicKey.Type: decoded = try PublicKey(uncompressed: bytes)
        case is Signature.Type: decoded = try Signature(compact: bytes)
        case is TxID.Type: decoded = try TxID(bytes: bytes)
        case is PaymentHash.Type: decoded = try PaymentHash(bytes: bytes)
        case is Preimage.Type: decoded = try Preimage(bytes: bytes)
        default: return nil
        }
        return decoded as? T
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .keyed(let entries) = value else { throw mismatch("expected a keyed container") }
        return KeyedDecodingContainer(KeyedRecordDecoding<Key>(decoder: self, entries: entries))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .unkeyed(let elements) = value else { throw mismatch("expected an unkeyed container") }
        return UnkeyedRecordDecoding(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleRecordDecoding(decoder: self) }

    // MARK: Primitives

    func bytes(_ count: Int?) throws -> [UInt8] {
        guard case .primitive(let bytes) = value else { throw mismatch("expected a primitive") }
        if let count, bytes.count != count { throw mismatch("expected \(count) bytes, found \(bytes.count)") }
        return bytes
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let bytes = try bytes(MemoryLayout<I>.size)
        return bytes.reduce(I.zero) { ($0 << 8) | I(truncatingIfNeeded: $1) }
    }

    func bool() throws -> Bool {
        switch try bytes(1)[0] {
        case 0: false
        case 1: true
        default: throw mismatch("a boolean must be 0 or 1")
        }
    }

    func string() throws -> String {
        guard let text = String(validating: try bytes(nil), as: UTF8.self) else { throw mismatch("a string is not UTF-8") }
        return text
    }
}

struct SingleRecordDecoding: SingleValueDecodingContainer {
    let decoder: RecordDecoding
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try decoder.integer(UInt64.self)) }
    func decode(_ type: Float.Type) throws -> Float { Float(bitPattern: try decoder.integer(UInt32.self)) }
    func decode(_ type: Int.Type) throws -> Int { Int(try decoder.integer(Int64.self)) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { UInt(try decoder.integer(UInt64.self)) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}

struct KeyedRecordDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RecordDecoding
    let entries: [String: RecordValue]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { entries.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { entries[key.stringValue] != nil }

    private func child(_ key: Key) throws -> RecordDecoding {
        guard let value = entries[key.stringValue] else { throw decoder.mismatch("missing key \(key.stringValue)") }
        return decoder.child(value, key)
    }

    private func single(_ key: Key) throws -> SingleRecordDecoding { SingleRecordDecoding(decoder: try child(key)) }

    func decodeNil(forKey key: Key) throws -> Bool { (entries[key.stringValue] ?? .null) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try single(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try single(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try single(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try single(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try single(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try single(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try single(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try single(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try single(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try single(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try single(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try single(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try single(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try single(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { try child(Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedRecordDecoding: UnkeyedDecodingContainer {
    let decoder: RecordDecoding
    let elements: [RecordValue]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> RecordDecoding {
        guard !isAtEnd else { throw decoder.mismatch("fewer than \(currentIndex + 1) elements") }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], nil)
    }

    private mutating func single() throws -> SingleRecordDecoding { SingleRecordDecoding(decoder: try next()) }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try single().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try single().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try single().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try single().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try single().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try single().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try single().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try single().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try single().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try single().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try single().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try single().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try single().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try single().decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}
