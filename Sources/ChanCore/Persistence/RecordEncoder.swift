import ChanCrypto
import ChanLedger

/// Encodes `Codable` values into `RecordValue` bytes (see there for the layout). Byte strings
/// (`[UInt8]`, keys, signatures, hashes, fixed-size wire fields) are stored raw, not as the hex
/// their JSON form uses: a channel record holds onions of 1366 bytes each.
public enum RecordCoding {
    public static func encode<T: Encodable>(_ value: T) throws(RecordError) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 1024)
        try encodedValue(value).write(to: &writer)
        return writer.bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8],
                                            userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws(RecordError) -> T {
        var reader = WireReader(bytes)
        let value = try RecordValue.read(from: &reader)
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) bytes after the record") }
        do {
            return try RecordDecoding(value: value, codingPath: [], userInfo: userInfo as [CodingUserInfoKey: Any]).decodeValue(T.self)
        } catch let error as RecordError {
            throw error
        } catch {
            throw .mismatch("\(error)")
        }
    }

    static func encodedValue<T: Encodable>(_ value: T) throws(RecordError) -> RecordValue {
        let node = RecordNode()
        do {
            try RecordEncoding(node: node, codingPath: []).encodeValue(value)
        } catch let error as RecordError {
            throw error
        } catch {
            throw .mismatch("\(error)")
        }
        return node.finished
    }

    /// The raw bytes of the byte-string types stored without their JSON hex form.
    static func rawBytes<T>(of value: T) -> [UInt8]? {
        // Checked by type: a cast would also turn any empty array into `[UInt8]`.
        if T.self == [UInt8].self { return value as? [UInt8] }
        return switch value {
        case let fixed as any FixedSizeBytes: fixed.bytes
        case let key as PublicKey: key.uncompressed
        case let signature as Signature: signature.compact
        case let txid as TxID: txid.bytes
        case let hash as PaymentHash: hash.bytes
        case let preimage as Preimage: preimage.bytes
        default: nil
        }
    }
}

/// A container being filled; `finished` turns the tree into a value once encoding is done.
final class RecordNode {
    enum Kind { case unset, leaf(RecordValue), keyed, unkeyed }
    var kind = Kind.unset
    var entries: [String: RecordNode] = [:]
    var elements: [RecordNode] = []

    var finished: RecordValue {
        switch kind {
        case .unset: .keyed([:]) // a value that encoded nothing, like an empty struct
        case .leaf(let value): value
        case .keyed: .keyed(entries.mapValues(\.finished))
        case .unkeyed: .unkeyed(elements.map(\.finished))
        }
    }
}

struct RecordEncoding: Encoder {
    let node: RecordNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let bytes = RecordCoding.rawBytes(of: value) {
            node.kind = .leaf(.primitive(bytes))
        } else {
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .unset = node.kind { node.kind = .keyed }
        return KeyedEncodingContainer(KeyedRecordEncoding<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unset = node.kind { node.kind = .unkeyed }
        return UnkeyedRecordEncoding(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { single }
    var single: SingleRecordEncoding { SingleRecordEncoding(node: node, codingPath: codingPath) }
}

/// Fixed-width big-endian bytes of an integer.
func recordBytes<I: FixedWidthInteger>(_ value: I) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian, Array.init)
}

struct SingleRecordEncoding: SingleValueEncodingContainer {
    let node: RecordNode
    let codingPath: [any CodingKey]

    private func leaf(_ bytes: [UInt8]) { node.kind = .leaf(.primitive(bytes)) }

    func encodeNil() throws { node.kind = .leaf(.null) }
    func encode(_ value: Bool) throws { leaf([value ? 1 : 0]) }
    func encode(_ value: String) throws { leaf(Array(value.utf8)) }
    func encode(_ value: Double) throws { leaf(recordBytes(value.bitPattern)) }
    func encode(_ value: Float) throws { leaf(recordBytes(value.bitPattern)) }
    func encode(_ value: Int) throws { leaf(recordBytes(Int64(value))) }
    func encode(_ value: Int8) throws { leaf(recordBytes(value)) }
    func encode(_ value: Int16) throws { leaf(recordBytes(value)) }
    func encode(_ value: Int32) throws { leaf(recordBytes(value)) }
    func encode(_ value: Int64) throws { leaf(recordBytes(value)) }
    func encode(_ value: UInt) throws { leaf(recordBytes(UInt64(value))) }
    func encode(_ value: UInt8) throws { leaf(recordBytes(value)) }
    func encode(_ value: UInt16) throws { leaf(recordBytes(value)) }
    func encode(_ value: UInt32) throws { leaf(recordBytes(value)) }
    func encode(_ value: UInt64) throws { leaf(recordBytes(value)) }
    func encode<T: Encodable>(_ value: T) throws { try RecordEncoding(node: node, codingPath: codingPath).encodeValue(value) }
}

struct KeyedRecordEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: RecordNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> RecordNode {
        let child = RecordNode()
        node.entries[key.stringValue] = child
        return child
    }

    private func encoder(_ key: Key) -> RecordEncoding { RecordEncoding(node: child(key), codingPath: codingPath + [key]) }
    private func single(_ key: Key) -> SingleRecordEncoding { SingleRecordEncoding(node: child(key), codingPath: codingPath + [key]) }

    func encodeNil(forKey key: Key) throws { child(key).kind = .leaf(.null) }
    func encode(_ value: Bool, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: String, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Double, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Float, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Int, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Int8, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Int16, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Int32, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: Int64, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: UInt, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: UInt8, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: UInt16, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: UInt32, forKey key: Key) throws { try single(key).encode(value) }
    func encode(_ value: UInt64, forKey key: Key) throws { try single(key).encode(value) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(key).encodeValue(value) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder(key).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder(key).unkeyedContainer() }
    func superEncoder() -> any Encoder { RecordEncoding(node: child(Key(stringValue: "super")!), codingPath: codingPath) }
    func superEncoder(forKey key: Key) -> any Encoder { encoder(key) }
}

struct UnkeyedRecordEncoding: UnkeyedEncodingContainer {
    let node: RecordNode
    let codingPath: [any CodingKey]
    var count: Int { node.elements.count }

    private func encoder() -> RecordEncoding {
        let child = RecordNode()
        node.elements.append(child)
        return RecordEncoding(node: child, codingPath: codingPath)
    }

    private func single() -> SingleRecordEncoding { encoder().single }

    func encodeNil() throws { try single().encodeNil() }
    func encode(_ value: Bool) throws { try single().encode(value) }
    func encode(_ value: String) throws { try single().encode(value) }
    func encode(_ value: Double) throws { try single().encode(value) }
    func encode(_ value: Float) throws { try single().encode(value) }
    func encode(_ value: Int) throws { try single().encode(value) }
    func encode(_ value: Int8) throws { try single().encode(value) }
    func encode(_ value: Int16) throws { try single().encode(value) }
    func encode(_ value: Int32) throws { try single().encode(value) }
    func encode(_ value: Int64) throws { try single().encode(value) }
    func encode(_ value: UInt) throws { try single().encode(value) }
    func encode(_ value: UInt8) throws { try single().encode(value) }
    func encode(_ value: UInt16) throws { try single().encode(value) }
    func encode(_ value: UInt32) throws { try single().encode(value) }
    func encode(_ value: UInt64) throws { try single().encode(value) }
    func encode<T: Encodable>(_ value: T) throws { try encoder().encodeValue(value) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder().container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder().unkeyedContainer() }
    func superEncoder() -> any Encoder { encoder() }
}
