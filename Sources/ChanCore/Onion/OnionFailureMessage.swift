import ChanLedger

/// `failuremsg`: a failure code, its data, and an optional TLV stream after the data
/// (BOLT 4 "Failure Messages"). This is what the erring node encrypts for the sender.
public struct OnionFailureMessage: Hashable, Sendable {
    public var failure: OnionFailure
    /// The extension after the data; empty when absent or not a valid stream, since the
    /// sender must ignore extra bytes rather than fail on them.
    public var tlvs: TLVStream

    public init(_ failure: OnionFailure, tlvs: TLVStream = .empty) {
        self.failure = failure
        self.tlvs = tlvs
    }

    public func encoded() throws(WireError) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 64)
        writer.writeU16(failure.code)
        try failure.writeData(to: &writer)
        tlvs.write(to: &writer)
        return writer.bytes
    }

    /// Decodes bytes from a decrypted failure, which any node on the route may have chosen.
    /// Throws only when a known code's data is cut short or malformed.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        let code = try reader.readU16()
        failure = try OnionFailure(code: code, readingDataFrom: &reader)
        tlvs = (try? TLVStream.read(from: &reader, knownTypes: [])) ?? .empty
    }
}
