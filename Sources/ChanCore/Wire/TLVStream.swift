/// A `tlv_stream`: zero or more TLV records in strictly increasing type order.
///
/// This type knows the framing rules of BOLT 1 and nothing about what any record means;
/// a `TLVExtension` gives the records of one message their typed meaning.
public struct TLVStream: Hashable, Sendable {
    public let records: [TLVRecord]

    public static let empty = TLVStream(validated: [])

    private init(validated records: [TLVRecord]) {
        self.records = records
    }

    /// Takes records that must already be in strictly increasing type order.
    public init(records: [TLVRecord]) throws(WireError) {
        try Self.checkOrder(records)
        self.records = records
    }

    /// Sorts the records by type; still throws if two have the same type.
    public init(sorting records: [TLVRecord]) throws(WireError) {
        try self.init(records: records.sorted { $0.type < $1.type })
    }

    private static func checkOrder(_ records: [TLVRecord]) throws(WireError) {
        for (previous, next) in zip(records, records.dropFirst()) where next.type <= previous.type {
            throw .tlvOrder(previous: previous.type, next: next.type)
        }
    }

    /// The record of the given type, if present.
    public subscript(type: UInt64) -> TLVRecord? {
        records.first { $0.type == type }
    }

    /// Reads records until the reader is exhausted, applying every BOLT 1 rule: minimal
    /// BigSize type and length, strictly increasing types, a length that fits the bytes
    /// left, and no even type outside `knownTypes`. Unknown odd records are kept.
    /// Whether a known record's value is well formed is for the `TLVExtension` to check.
    public static func read(from reader: inout WireReader, knownTypes: Set<UInt64>) throws(WireError) -> TLVStream {
        var records: [TLVRecord] = []
        while !reader.isAtEnd {
            let type = try reader.readBigSize()
            let length = try reader.readBigSize()
            if let previous = records.last, type <= previous.type {
                throw .tlvOrder(previous: previous.type, next: type)
            }
            // Compare as UInt64: a hostile length may not fit an Int.
            guard length <= UInt64(reader.remaining) else {
                throw .truncated(needed: Int(clamping: length), remaining: reader.remaining)
            }
            let value = try reader.readBytes(Int(length))
            guard type & 1 == 1 || knownTypes.contains(type) else {
                throw .unknownEvenTLVType(type)
            }
            records.append(TLVRecord(type: type, value: value))
        }
        return TLVStream(validated: records)
    }

    /// Writes every record with minimal BigSize type and length.
    public func write(to writer: inout WireWriter) {
        for record in records {
            writer.writeBigSize(record.type)
            writer.writeBigSize(UInt64(record.value.count))
            writer.writeBytes(record.value)
        }
    }
}
