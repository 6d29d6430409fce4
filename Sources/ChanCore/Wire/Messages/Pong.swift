/// `pong` (19): the reply to a `ping`, with as many `ignored` bytes as it asked for.
public struct Pong: WireMessageBody {
    public static let messageType = WireMessageType.pong

    /// Padding; should be zeros and never secret.
    public var ignored: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(ignored: [UInt8], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.ignored = ignored
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        ignored = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        try writer.writeU16Prefixed(ignored, field: "ignored")
        try tlvs.write(to: &writer)
    }
}
