import ChanCore

/// The BOLT 1 framing every peer message goes through. Accepted encodings are canonical
/// (minimal BigSize and truncated integers, ordered TLVs, unknown records kept as received),
/// so whatever decodes must re-encode to exactly its input.
enum WireFuzzTargets {
    static let wireMessage = FuzzTarget("wire_message", "WireMessage.decode, then encode and decode again") { input throws(FuzzFailure) in
        guard let message = try? WireMessage.decode(input) else { return }
        let encoded: [UInt8]
        do { encoded = try message.encode() } catch { throw FuzzFailure(message: "\(message.name) decoded but does not encode: \(error)") }
        try require(encoded == input, "\(message.name) re-encodes to other bytes")
        try require((try? WireMessage.decode(encoded)) == message, "\(message.name) decodes to another value the second time")
    }

    static let bigSize = FuzzTarget("bigsize", "BigSize.decode of exactly one value") { input throws(FuzzFailure) in
        guard let value = try? BigSize.decode(input) else { return }
        try require(BigSize.encode(value) == input, "BigSize \(value) re-encodes to other bytes")
        try require(BigSize.encodedCount(value) == input.count, "BigSize \(value): encodedCount disagrees")
    }

    /// The types the stream knows, as a message's extension would: even ones among them are
    /// allowed, any other even type must be refused.
    static let knownTypes: Set<UInt64> = [0, 1, 2, 3, 254]

    static let tlvStream = FuzzTarget("tlv_stream", "TLVStream.read, record values as tu64") { input throws(FuzzFailure) in
        var reader = WireReader(input)
        guard let stream = try? TLVStream.read(from: &reader, knownTypes: knownTypes) else { return }
        var writer = WireWriter()
        stream.write(to: &writer)
        try require(writer.bytes == input, "a TLV stream re-encodes to other bytes")
        for record in stream.records {
            try require(record.isOdd || knownTypes.contains(record.type), "unknown even type \(record.type) accepted")
            // A value read as a truncated integer is minimal, so it writes back the same.
            if let value = try? record.decodeValue({ (reader: inout WireReader) throws(WireError) in try reader.readTU64() }) {
                var valueWriter = WireWriter()
                valueWriter.writeTU64(value)
                try require(valueWriter.bytes == record.value, "tu64 \(value) re-encodes to other bytes")
            }
        }
    }
}
