/// Truncated unsigned integers (`tu16`, `tu32`, `tu64`): big-endian with every leading zero
/// byte omitted, so zero is no bytes at all. BOLT 1 allows them only as the last field of a
/// TLV value, whose length says how many bytes they take; hence the reads here consume
/// the rest of the reader, which callers make a sub-reader over that value.
extension WireReader {
    public mutating func readTU16() throws(WireError) -> UInt16 { try readTruncated(name: "tu16") }
    public mutating func readTU32() throws(WireError) -> UInt32 { try readTruncated(name: "tu32") }
    public mutating func readTU64() throws(WireError) -> UInt64 { try readTruncated(name: "tu64") }

    private mutating func readTruncated<T: FixedWidthInteger & UnsignedInteger>(name: String) throws(WireError) -> T {
        let width = T.bitWidth / 8
        guard remaining <= width else {
            throw .invalidLength(field: name, expected: "at most \(width)", actual: remaining)
        }
        let bytes = try readRemaining()
        guard bytes.first != 0 else { throw .nonMinimal(field: name) }
        var value: T = 0
        for byte in bytes {
            value = value << 8 | T(byte)
        }
        return value
    }
}

extension WireWriter {
    public mutating func writeTU16(_ value: UInt16) { writeTruncated(value) }
    public mutating func writeTU32(_ value: UInt32) { writeTruncated(value) }
    public mutating func writeTU64(_ value: UInt64) { writeTruncated(value) }

    private mutating func writeTruncated<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        let significantBytes = (T.bitWidth - value.leadingZeroBitCount + 7) / 8
        var shift = (significantBytes - 1) * 8
        while shift >= 0 {
            writeU8(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
}
