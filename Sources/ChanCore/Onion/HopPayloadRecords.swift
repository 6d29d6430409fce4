import ChanCrypto

/// A payload's TLV records with the byte offset of each, which `invalid_onion_payload`
/// reports. The framing rules are `TLVStream.read`'s; this only adds the positions.
struct HopPayloadRecords {
    let records: [(record: TLVRecord, offset: Int)]

    init(decoding bytes: [UInt8]) throws(HopPayloadError) {
        var reader = WireReader(bytes)
        let stream: TLVStream
        do {
            stream = try TLVStream.read(from: &reader, knownTypes: HopPayloadTLV.knownEven)
        } catch {
            if case .unknownEvenTLVType(let type) = error {
                let offset = Self.offsets(in: bytes).first { $0.type == type }?.offset ?? 0
                throw .unknownEvenType(type, offset: offset)
            }
            // Where the reader stopped: at or just past the broken record.
            throw .malformedStream(error, offset: reader.position)
        }
        // The stream was canonical, so walking it again finds exactly its records.
        records = zip(stream.records, Self.offsets(in: bytes)).map { ($0, $1.offset) }
    }

    /// Where each record starts, walking as far as the framing holds.
    private static func offsets(in bytes: [UInt8]) -> [(type: UInt64, offset: Int)] {
        var reader = WireReader(bytes)
        var result: [(type: UInt64, offset: Int)] = []
        while !reader.isAtEnd {
            let offset = reader.position
            guard let type = try? reader.readBigSize(), let length = try? reader.readBigSize(),
                  length <= UInt64(reader.remaining), (try? reader.readBytes(Int(length))) != nil
            else { break }
            result.append((type, offset))
        }
        return result
    }

    /// Decodes a known record's value, blaming the record if it is malformed.
    static func value<Value>(
        of record: TLVRecord, at offset: Int, _ body: (inout WireReader) throws(WireError) -> Value
    ) throws(HopPayloadError) -> Value {
        do {
            return try record.decodeValue(body)
        } catch {
            throw .invalidRecord(type: record.type, offset: offset, error)
        }
    }
}

extension HopPayloadRecords {
    /// Writes the typed records with the kept unknown ones, in type order. An unknown record
    /// may not take a type that has a meaning in this role (`reserved`), written or not: the
    /// reader would give it that meaning.
    static func encode(known: [TLVRecord], unknown: [TLVRecord], reserved: Set<UInt64>) throws(WireError) -> [UInt8] {
        if let clash = unknown.first(where: { reserved.contains($0.type) }) {
            throw .invalidValue(field: "payload TLV \(clash.type)", reason: "the type is defined by BOLT 4; set the typed field instead")
        }
        var writer = WireWriter(reservingCapacity: 64)
        try TLVStream(sorting: known + unknown).write(to: &writer)
        return writer.bytes
    }
}
