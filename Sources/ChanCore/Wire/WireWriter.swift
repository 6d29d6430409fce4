/// Appends BOLT 1 fields to a growing byte buffer, big-endian.
///
/// Writes of fixed-width values cannot fail. Writes whose size is bounded by the format
/// (a `u16` length prefix) throw instead of truncating silently.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Unsigned and signed big-endian integers

    public mutating func writeU8(_ value: UInt8) { bytes.append(value) }
    public mutating func writeU16(_ value: UInt16) { writeBigEndian(value) }
    public mutating func writeU32(_ value: UInt32) { writeBigEndian(value) }
    public mutating func writeU64(_ value: UInt64) { writeBigEndian(value) }

    public mutating func writeS8(_ value: Int8) { writeU8(UInt8(bitPattern: value)) }
    public mutating func writeS16(_ value: Int16) { writeU16(UInt16(bitPattern: value)) }
    public mutating func writeS32(_ value: Int32) { writeU32(UInt32(bitPattern: value)) }
    public mutating func writeS64(_ value: Int64) { writeU64(UInt64(bitPattern: value)) }

    private mutating func writeBigEndian<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }

    // MARK: Byte strings

    public mutating func writeBytes(_ newBytes: [UInt8]) {
        bytes.append(contentsOf: newBytes)
    }

    /// A `u16` length followed by the bytes; throws if they do not fit a `u16` length.
    public mutating func writeU16Prefixed(_ newBytes: [UInt8], field: String) throws(WireError) {
        guard let count = UInt16(exactly: newBytes.count) else {
            throw .invalidLength(field: field, expected: "at most 65535", actual: newBytes.count)
        }
        writeU16(count)
        writeBytes(newBytes)
    }

    /// A fixed-size value such as a `ChannelID` or a `CompactSignature`.
    public mutating func write(_ value: some FixedSizeBytes) {
        writeBytes(value.bytes)
    }
}
