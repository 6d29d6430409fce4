/// The typed view of one message's TLV stream (`open_channel_tlvs`, `init_tlvs`, ...).
///
/// A conforming type declares the record types it understands, builds its typed fields
/// from a stream that already passed the framing rules, and keeps the unknown odd records
/// it was given so a decoded message re-encodes byte for byte.
public protocol TLVExtension: Hashable, Sendable {
    /// Record types this stream understands. Any other even type fails the stream.
    static var knownTypes: Set<UInt64> { get }

    /// No records at all.
    init()

    /// Builds the typed fields from `stream`, whose framing is valid and whose even types
    /// are all known. Throws if a known record's value is malformed.
    init(decoding stream: TLVStream) throws(WireError)

    /// The records to send, typed fields and kept unknown records together, in order.
    /// Throws if two records would have the same type.
    func encodedStream() throws(WireError) -> TLVStream
}

extension TLVExtension {
    /// Reads the rest of `reader` as this message's extension.
    public static func read(from reader: inout WireReader) throws(WireError) -> Self {
        try Self(decoding: TLVStream.read(from: &reader, knownTypes: knownTypes))
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        try encodedStream().write(to: &writer)
    }
}
