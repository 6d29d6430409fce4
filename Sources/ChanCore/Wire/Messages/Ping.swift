/// `ping` (18): keeps the connection alive and asks for a `pong` of `numPongBytes` bytes.
public struct Ping: WireMessageBody {
    public static let messageType = WireMessageType.ping

    /// At or above this, the receiver must not answer (the `pong` would not fit a message).
    public static let noPongThreshold: UInt16 = 65532

    /// How many `ignored` bytes the `pong` must carry.
    public var numPongBytes: UInt16
    /// Padding; should be zeros and never secret.
    public var ignored: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(numPongBytes: UInt16, ignored: [UInt8] = [], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.numPongBytes = numPongBytes
        self.ignored = ignored
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        numPongBytes = try reader.readU16()
        ignored = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.writeU16(numPongBytes)
        try writer.writeU16Prefixed(ignored, field: "ignored")
        try tlvs.write(to: &writer)
    }

    /// The reply BOLT 1 requires, or nil when `numPongBytes` says not to reply.
    public var expectedPong: Pong? {
        guard numPongBytes < Self.noPongThreshold else { return nil }
        return Pong(ignored: [UInt8](repeating: 0, count: Int(numPongBytes)))
    }
}
