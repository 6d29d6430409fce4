/// A value with an explicit, positional record layout: `write` puts its fields in a fixed
/// order and `init(from:)` reads them back in the same order, with nothing self-describing in
/// between (no names, no types). The layout of each type is part of the record's version
/// (`ChannelRecord`): change it only together with a new version.
protocol RecordCodable {
    func write(to writer: inout RecordWriter)
    init(from reader: inout RecordReader) throws(RecordError)
}

/// Fixed-size wire values (hashes, ids) are their bytes.
extension RecordCodable where Self: FixedSizeBytes {
    func write(to writer: inout RecordWriter) { writer.fixed(bytes) }

    init(from reader: inout RecordReader) throws(RecordError) {
        let bytes = try reader.fixed(Self.byteCount)
        do { try self.init(bytes) } catch { throw reader.malformed(error.message) }
    }
}
