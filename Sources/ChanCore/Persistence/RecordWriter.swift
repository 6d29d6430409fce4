import ChanCrypto

/// Appends the fields of a record (layout: `ChannelRecord`): fixed-width big-endian integers,
/// BigSize counts, raw byte strings, one-byte tags. Writes cannot fail, so the codecs stay
/// plain sequences of writes; the one value that can refuse to encode (a wire message that a
/// change log holds, over the transport's size limit) is noted in `failure`, which
/// `ChannelRecord.encode` throws.
struct RecordWriter {
    private var wire: WireWriter
    /// The first value that could not be written; the bytes are then unusable.
    private(set) var failure: RecordError?
    /// The keys written so far, in order (`key(_:)`). A record holds a few dozen distinct keys
    /// at most, and a scan beats hashing each key's 33 bytes one by one.
    private var keys: [PublicKey] = []

    init(reservingCapacity capacity: Int) {
        wire = WireWriter(reservingCapacity: capacity)
    }

    var bytes: [UInt8] { wire.bytes }

    mutating func fail(_ error: RecordError) {
        if failure == nil { failure = error }
    }

    // MARK: Scalars

    mutating func u8(_ value: UInt8) { wire.writeU8(value) }
    mutating func u16(_ value: UInt16) { wire.writeU16(value) }
    mutating func u32(_ value: UInt32) { wire.writeU32(value) }
    mutating func u64(_ value: UInt64) { wire.writeU64(value) }
    mutating func bool(_ value: Bool) { wire.writeU8(value ? 1 : 0) }

    /// A count or a length (BigSize).
    mutating func count(_ value: Int) { wire.writeBigSize(UInt64(value)) }

    /// An array index or output index (BigSize); indices are never negative.
    mutating func index(_ value: Int) { wire.writeBigSize(UInt64(clamping: value)) }

    /// `0`, or `1` and the index.
    mutating func optionalIndex(_ value: Int?) {
        guard let value else { return u8(0) }
        u8(1)
        index(value)
    }

    /// A case's frozen tag.
    mutating func tag<Tag: RawRepresentable>(_ tag: Tag) where Tag.RawValue == UInt8 { wire.writeU8(tag.rawValue) }

    // MARK: Byte strings

    /// Bytes whose length the layout fixes (a key, a hash, a signature).
    mutating func fixed(_ bytes: [UInt8]) { wire.writeBytes(bytes) }

    /// Bytes of any length: a count, then the bytes.
    mutating func lengthPrefixed(_ bytes: [UInt8]) {
        count(bytes.count)
        wire.writeBytes(bytes)
    }

    /// A public key: the first time the record holds it, `0` and its 65 bytes uncompressed;
    /// after that its position among the record's keys plus one (BigSize). A channel holds the
    /// same few keys many times (a commitment's outputs pay its keys, the basepoints stand in
    /// the opening and in the parameters), and reading a key back costs more than its bytes.
    mutating func key(_ key: PublicKey) {
        if let position = keys.firstIndex(of: key) { return count(position + 1) }
        keys.append(key)
        u8(0)
        wire.writeBytes(key.uncompressed)
    }

    // MARK: Values

    mutating func write(_ value: some RecordCodable) { value.write(to: &self) }

    /// `0`, or `1` and the value.
    mutating func optional<Value: RecordCodable>(_ value: Value?) {
        guard let value else { return u8(0) }
        u8(1)
        value.write(to: &self)
    }

    /// A count, then each element.
    mutating func array<Element: RecordCodable>(_ values: [Element]) {
        count(values.count)
        for value in values { value.write(to: &self) }
    }

    /// A count, then the values in ascending order: the same set always gives the same bytes.
    mutating func sortedSet(_ values: Set<UInt64>) {
        count(values.count)
        for value in values.sorted() { u64(value) }
    }
}
