/// Another 32-byte value that is not a hash: a payment preimage, a per-commitment secret.
/// A distinct type from `Hash32` so a preimage is never passed where its hash belongs.
public struct Bytes32: FixedSizeBytes {
    public static let byteCount = 32
    public static let fieldName = "32*byte"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }
}
