/// A bounded cursor over bytes received from a peer.
///
/// Every read checks the remaining length first and throws `WireError.truncated`; nothing
/// here can trap on hostile input. A reader can hand out a sub-reader over the next `n`
/// bytes (a TLV value, say), which shares the storage and cannot read past its own end.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    /// Index of the next byte to read, counted from the start of the whole buffer.
    public private(set) var position: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    private init(sharing bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    /// Bytes left before the end of this reader.
    public var remaining: Int { end - position }

    public var isAtEnd: Bool { position == end }

    /// Claims the next `count` bytes and returns their indices, or throws if too few remain.
    private mutating func take(_ count: Int) throws(WireError) -> Range<Int> {
        guard count >= 0, count <= remaining else {
            throw .truncated(needed: count, remaining: remaining)
        }
        let range = position..<(position + count)
        position += count
        return range
    }

    // MARK: Unsigned and signed big-endian integers

    public mutating func readU8() throws(WireError) -> UInt8 {
        bytes[try take(1).lowerBound]
    }

    public mutating func readU16() throws(WireError) -> UInt16 { try readBigEndian() }
    public mutating func readU32() throws(WireError) -> UInt32 { try readBigEndian() }
    public mutating func readU64() throws(WireError) -> UInt64 { try readBigEndian() }

    public mutating func readS8() throws(WireError) -> Int8 { Int8(bitPattern: try readU8()) }
    public mutating func readS16() throws(WireError) -> Int16 { Int16(bitPattern: try readU16()) }
    public mutating func readS32() throws(WireError) -> Int32 { Int32(bitPattern: try readU32()) }
    public mutating func readS64() throws(WireError) -> Int64 { Int64(bitPattern: try readU64()) }

    private mutating func readBigEndian<T: FixedWidthInteger & UnsignedInteger>() throws(WireError) -> T {
        var value: T = 0
        for index in try take(T.bitWidth / 8) {
            value = value << 8 | T(bytes[index])
        }
        return value
    }

    // MARK: Byte strings

    public mutating func readBytes(_ count: Int) throws(WireError) -> [UInt8] {
        Array(bytes[try take(count)])
    }

    /// A `u16` length followed by that many bytes (`len*byte` in the specs).
    public mutating func readU16Prefixed() throws(WireError) -> [UInt8] {
        let count = try readU16()
        return try readBytes(Int(count))
    }

    /// Everything up to the end of this reader.
    public mutating func readRemaining() throws(WireError) -> [UInt8] {
        try readBytes(remaining)
    }

    /// A fixed-size value such as a `ChannelID` or a `CompactSignature`.
    public mutating func read<Value: FixedSizeBytes>(_: Value.Type = Value.self) throws(WireError) -> Value {
        try Value(readBytes(Value.byteCount))
    }

    /// A reader over the next `count` bytes, which this reader skips.
    public mutating func readSubReader(_ count: Int) throws(WireError) -> WireReader {
        let range = try take(count)
        return WireReader(sharing: bytes, from: range.lowerBound, to: range.upperBound)
    }
}
