import ChanCrypto
import ChanLedger

// Integers, amounts, keys, signatures, hashes and ids: the leaves of every record.

/// Where an optional id or limit needs one.
extension UInt64: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.u64(self) }
    init(from reader: inout RecordReader) throws(RecordError) { self = try reader.u64() }
}

extension Satoshi: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.u64(value) }
    init(from reader: inout RecordReader) throws(RecordError) { self.init(try reader.u64()) }
}

extension MilliSatoshi: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.u64(value) }
    init(from reader: inout RecordReader) throws(RecordError) { self.init(try reader.u64()) }
}

/// Once per record as 65 bytes uncompressed (`04 || x || y`), then by position
/// (`RecordWriter.key`): reading an uncompressed key back checks the point is on the curve,
/// which costs far less than the square root a compressed key needs.
extension PublicKey: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.key(self) }
    init(from reader: inout RecordReader) throws(RecordError) { self = try reader.key() }
}

/// 64 bytes compact (r || s).
extension Signature: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.fixed(compact) }

    init(from reader: inout RecordReader) throws(RecordError) {
        let bytes = try reader.fixed(64)
        do { try self.init(compact: bytes) } catch { throw reader.malformed("not a signature: \(error.message)") }
    }
}

extension TxID: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.fixed(bytes) }

    init(from reader: inout RecordReader) throws(RecordError) {
        let bytes = try reader.fixed(32)
        do { try self.init(bytes: bytes) } catch { throw reader.malformed(error.message) }
    }
}

/// txid, then the output index (u32).
extension OutPoint: RecordCodable {
    func write(to writer: inout RecordWriter) {
        txid.write(to: &writer)
        writer.u32(index)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        self.init(txid: try reader.read(), index: try reader.u32())
    }
}

extension PaymentHash: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.fixed(bytes) }

    init(from reader: inout RecordReader) throws(RecordError) {
        let bytes = try reader.fixed(32)
        do { try self.init(bytes: bytes) } catch { throw reader.malformed(error.message) }
    }
}

extension Preimage: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.fixed(bytes) }

    init(from reader: inout RecordReader) throws(RecordError) {
        let bytes = try reader.fixed(32)
        do { try self.init(bytes: bytes) } catch { throw reader.malformed(error.message) }
    }
}

extension Hash32: RecordCodable {}
extension ChannelID: RecordCodable {}
extension OnionRoutingPacket: RecordCodable {}

extension ShortChannelID: RecordCodable {
    func write(to writer: inout RecordWriter) { writer.u64(rawValue) }
    init(from reader: inout RecordReader) throws(RecordError) { self.init(rawValue: try reader.u64()) }
}
