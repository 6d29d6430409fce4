import ChanCrypto

/// Reads the fields of a record back (layout: `ChannelRecord`) from bytes that may be damaged:
/// every read is bounded by the bytes that remain (`WireReader`), a count can never exceed
/// them, and anything out of place throws `RecordError.malformed` naming the byte offset.
/// The types fix how deep values nest, so no input can recurse.
struct RecordReader {
    private var wire: WireReader
    /// The keys read so far, by position (`key()`).
    private var keys: [PublicKey] = []
    /// The layout version of the record (`ChannelRecord`): fields added by a later version are
    /// read only from records of that version, and take their default in older ones.
    let version: UInt16

    /// A reader over `bytes[start..<end]`; offsets in its errors count from the start of `bytes`.
    init(_ bytes: [UInt8], from start: Int, to end: Int, version: UInt16 = ChannelRecord.version) throws(RecordError) {
        self.version = version
        var whole = WireReader(bytes)
        do {
            _ = try whole.readBytes(start)
            wire = try whole.readSubReader(end - start)
        } catch {
            throw .malformed("bytes \(start)..<\(end) are not in the record's \(bytes.count)")
        }
    }

    var isAtEnd: Bool { wire.isAtEnd }
    var remaining: Int { wire.remaining }

    /// `why`, located at the next byte to read.
    func malformed(_ why: String) -> RecordError {
        .malformed("at byte \(wire.position): \(why)")
    }

    private func malformed(_ error: WireError) -> RecordError {
        if case .truncated(let needed, let remaining) = error {
            return malformed("the record ends early (\(needed) bytes needed, \(remaining) left)")
        }
        return malformed(error.message)
    }

    // MARK: Scalars

    mutating func u8() throws(RecordError) -> UInt8 {
        do { return try wire.readU8() } catch { throw malformed(error) }
    }

    mutating func u16() throws(RecordError) -> UInt16 {
        do { return try wire.readU16() } catch { throw malformed(error) }
    }

    mutating func u32() throws(RecordError) -> UInt32 {
        do { return try wire.readU32() } catch { throw malformed(error) }
    }

    mutating func u64() throws(RecordError) -> UInt64 {
        do { return try wire.readU64() } catch { throw malformed(error) }
    }

    /// Exactly `0` or `1`: any other byte is damage, not `true`.
    mutating func bool() throws(RecordError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw malformed("\(other) is not a boolean")
        }
    }

    /// A count of things that each take at least `minimumSize` bytes, so it cannot exceed what
    /// the bytes left can hold (nor make a caller reserve memory the record does not back).
    mutating func count(of what: @autoclosure () -> String, minimumSize: Int = 1) throws(RecordError) -> Int {
        let value: UInt64
        do { value = try wire.readBigSize() } catch { throw malformed(error) }
        guard value <= UInt64(remaining / max(minimumSize, 1)) else {
            throw malformed("\(value) \(what()) cannot fit in the \(remaining) bytes left")
        }
        return Int(value)
    }

    /// An array index or output index, below `limit`.
    mutating func index(of what: @autoclosure () -> String, below limit: Int = Int(UInt32.max)) throws(RecordError) -> Int {
        let value: UInt64
        do { value = try wire.readBigSize() } catch { throw malformed(error) }
        guard value < UInt64(limit) else { throw malformed("\(what()) \(value) is out of range") }
        return Int(value)
    }

    /// The inverse of `RecordWriter.optionalIndex`.
    mutating func optionalIndex(of what: @autoclosure () -> String, below limit: Int) throws(RecordError) -> Int? {
        switch try u8() {
        case 0: return nil
        case 1: return try index(of: what(), below: limit)
        case let other: throw malformed("\(other) does not mark an optional \(what())")
        }
    }

    /// A case's frozen tag; an unknown one is damage (or a newer record, which the version refuses first).
    mutating func tag<Tag: RawRepresentable>(_: Tag.Type) throws(RecordError) -> Tag where Tag.RawValue == UInt8 {
        let raw = try u8()
        guard let tag = Tag(rawValue: raw) else { throw malformed("\(raw) is not a tag of \(Tag.self)") }
        return tag
    }

    // MARK: Byte strings

    /// Bytes whose length the layout fixes.
    mutating func fixed(_ count: Int) throws(RecordError) -> [UInt8] {
        do { return try wire.readBytes(count) } catch { throw malformed(error) }
    }

    /// A count, then that many bytes.
    mutating func lengthPrefixed(_ what: @autoclosure () -> String) throws(RecordError) -> [UInt8] {
        try fixed(try count(of: "bytes of \(what())"))
    }

    /// A count, then a reader over that many bytes, which this reader skips (a wire message
    /// is read in place rather than copied out first).
    mutating func lengthPrefixedReader(_ what: @autoclosure () -> String) throws(RecordError) -> WireReader {
        let count = try count(of: "bytes of \(what())")
        do { return try wire.readSubReader(count) } catch { throw malformed(error) }
    }

    /// The inverse of `RecordWriter.key`: a new key (which the record must not hold already),
    /// or one read before.
    mutating func key() throws(RecordError) -> PublicKey {
        let position: UInt64
        do { position = try wire.readBigSize() } catch { throw malformed(error) }
        guard position == 0 else {
            guard position <= UInt64(keys.count) else { throw malformed("key \(position) of the \(keys.count) read so far") }
            return keys[Int(position) - 1]
        }
        let bytes = try fixed(65)
        let key: PublicKey
        do { key = try PublicKey(uncompressed: bytes) } catch { throw malformed("65 bytes that are not an uncompressed public key") }
        // One encoding per record: a key seen before must be written as its position.
        guard !keys.contains(key) else { throw malformed("a key written out twice") }
        keys.append(key)
        return key
    }

    // MARK: Values

    mutating func read<Value: RecordCodable>(_: Value.Type = Value.self) throws(RecordError) -> Value {
        try Value(from: &self)
    }

    mutating func optional<Value: RecordCodable>(_: Value.Type = Value.self) throws(RecordError) -> Value? {
        switch try u8() {
        case 0: return nil
        case 1: return try Value(from: &self)
        case let other: throw malformed("\(other) does not mark an optional \(Value.self)")
        }
    }

    mutating func array<Element: RecordCodable>(of _: Element.Type = Element.self) throws(RecordError) -> [Element] {
        let count = try count(of: "\(Element.self) values")
        var values: [Element] = []
        // A count is bounded by bytes, not by memory: an element may take far more than its byte.
        values.reserveCapacity(Swift.min(count, 64))
        for _ in 0..<count { values.append(try Element(from: &self)) }
        return values
    }

    /// The inverse of `RecordWriter.sortedSet`; values must ascend strictly (one encoding per set).
    mutating func sortedSet(of what: @autoclosure () -> String) throws(RecordError) -> Set<UInt64> {
        let count = try count(of: what(), minimumSize: 8)
        var values = Set<UInt64>(minimumCapacity: count)
        var previous: UInt64?
        for _ in 0..<count {
            let value = try u64()
            if let previous, value <= previous { throw malformed("\(what()) are not in ascending order") }
            values.insert(value)
            previous = value
        }
        return values
    }
}
