/// `warning` (1): something looked wrong but the channel stays usable; the receiver logs it.
public struct WarningMessage: WireMessageBody {
    public static let messageType = WireMessageType.warning

    /// The channel concerned, or all zero when the warning concerns no particular channel.
    public var channelID: ChannelID
    /// Free-form diagnostic bytes; often, but not necessarily, ASCII text.
    public var data: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, data: [UInt8], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.data = data
        self.tlvs = tlvs
    }

    /// A message with text `data`, e.g. for a protocol violation.
    public init(channelID: ChannelID, text: String) {
        self.init(channelID: channelID, data: Array(text.utf8))
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        data = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        try writer.writeU16Prefixed(data, field: "data")
        try tlvs.write(to: &writer)
    }

    /// `data` as text if every byte is printable ASCII (32...126); BOLT 1 says not to print
    /// anything else verbatim.
    public var printableText: String? {
        guard data.allSatisfy({ (32...126).contains($0) }) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
