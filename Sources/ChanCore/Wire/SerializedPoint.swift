import ChanCrypto

/// A secp256k1 point as 33 bytes (SEC 1 compressed form), kept raw: the wire codec only checks
/// the length; the channel layer parses and validates the point when it uses it.
public struct SerializedPoint: FixedSizeBytes {
    public static let byteCount = 33
    public static let fieldName = "point"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }

    /// The wire form of a public key.
    public init(_ key: PublicKey) {
        // Cannot throw: a compressed key is always 33 bytes.
        try! self.init(key.compressed)
    }
}

extension SerializedPoint {
    /// Whether the first byte is 0x02 or 0x03, as a compressed point's must be. A cheap
    /// structural check only: it says nothing about whether x is on the curve.
    public var hasCompressedPrefix: Bool { bytes[0] == 0x02 || bytes[0] == 0x03 }
}
