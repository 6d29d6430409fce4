/// A SHA-256 value on the wire: a chain hash, a txid, a payment hash, the hash of an onion.
public struct Hash32: FixedSizeBytes {
    public static let byteCount = 32
    public static let fieldName = "sha256"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }
}
