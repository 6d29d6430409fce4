/// BigSize: BOLT 1's variable-length unsigned integer (like Bitcoin's CompactSize, but
/// big-endian). `x < 0xfd` is one byte; then `0xfd` + u16, `0xfe` + u32, `0xff` + u64.
/// Only the shortest encoding of a value is accepted, so every value has one encoding.
public enum BigSize {
    /// The encoding of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 9)
        writer.writeBigSize(value)
        return writer.bytes
    }

    /// Decodes exactly one BigSize that fills `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> UInt64 {
        var reader = WireReader(bytes)
        let value = try reader.readBigSize()
        guard reader.isAtEnd else {
            throw .invalidLength(field: "bigsize", expected: "\(bytes.count - reader.remaining)", actual: bytes.count)
        }
        return value
    }

    /// How many bytes `value` takes when encoded.
    public static func encodedCount(_ value: UInt64) -> Int {
        switch value {
        case ..<0xfd: 1
        case ..<0x1_0000: 3
        case ..<0x1_0000_0000: 5
        default: 9
        }
    }
}

extension WireReader {
    /// Reads a BigSize, rejecting any encoding longer than the value needs.
    public mutating func readBigSize() throws(WireError) -> UInt64 {
        let prefix = try readU8()
        let value: UInt64
        let smallest: UInt64
        switch prefix {
        case 0xff:
            value = try readU64()
            smallest = 0x1_0000_0000
        case 0xfe:
            value = UInt64(try readU32())
            smallest = 0x1_0000
        case 0xfd:
            value = UInt64(try readU16())
            smallest = 0xfd
        default:
            return UInt64(prefix)
        }
        guard value >= smallest else { throw .nonMinimal(field: "bigsize") }
        return value
    }
}

extension WireWriter {
    /// Writes the shortest BigSize encoding of `value`.
    public mutating func writeBigSize(_ value: UInt64) {
        switch BigSize.encodedCount(value) {
        case 1:
            writeU8(UInt8(value))
        case 3:
            writeU8(0xfd)
            writeU16(UInt16(value))
        case 5:
            writeU8(0xfe)
            writeU32(UInt32(value))
        default:
            writeU8(0xff)
            writeU64(value)
        }
    }
}
