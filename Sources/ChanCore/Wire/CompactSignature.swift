/// An ECDSA signature in BOLT's 64-byte compact form (r and s, 32 bytes each, big-endian).
public struct CompactSignature: FixedSizeBytes {
    public static let byteCount = 64
    public static let fieldName = "signature"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }
}
