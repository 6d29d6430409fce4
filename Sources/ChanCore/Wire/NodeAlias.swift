/// A `node_announcement` alias: 32 bytes, UTF-8 text padded with zeros (BOLT 7).
///
/// The bytes are kept as received, valid or not: the signature covers them. `text` is the
/// readable view, nil when the bytes are not padded UTF-8.
public struct NodeAlias: FixedSizeBytes {
    public static let byteCount = 32
    public static let fieldName = "alias"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }

    /// `text` as UTF-8, zero-padded; throws if it takes more than 32 bytes or holds a NUL
    /// (which would end the alias early for every reader).
    public init(text: String) throws(WireError) {
        let utf8 = Array(text.utf8)
        guard utf8.count <= Self.byteCount else {
            throw .invalidLength(field: Self.fieldName, expected: "at most 32 bytes of UTF-8", actual: utf8.count)
        }
        guard !utf8.contains(0) else {
            throw .invalidValue(field: Self.fieldName, reason: "contains a NUL byte")
        }
        bytes = utf8 + [UInt8](repeating: 0, count: Self.byteCount - utf8.count)
    }

    /// The alias without its zero padding; nil when that is not valid UTF-8 or a zero byte
    /// is followed by anything but zeros (BOLT 7 asks for both).
    public var text: String? {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        guard bytes[end...].allSatisfy({ $0 == 0 }) else { return nil }
        return String(validating: bytes[..<end], as: UTF8.self)
    }
}
