/// `error` and `warning` (BOLT 1) share one layout: the channel concerned (all zero for none)
/// and free-form diagnostic bytes. Their coding is written once here.
public protocol DiagnosticMessage: WireMessageBody {
    var channelID: ChannelID { get }
    /// Free-form diagnostic bytes; often, but not necessarily, ASCII text.
    var data: [UInt8] { get }
    var tlvs: NoKnownTLVs { get }
    init(channelID: ChannelID, data: [UInt8], tlvs: NoKnownTLVs)
}

extension DiagnosticMessage {
    /// A message with text `data`, e.g. for a protocol violation.
    public init(channelID: ChannelID, text: String) {
        self.init(channelID: channelID, data: Array(text.utf8), tlvs: NoKnownTLVs())
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        let channelID: ChannelID = try reader.read()
        let data = try reader.readU16Prefixed()
        self.init(channelID: channelID, data: data, tlvs: try .read(from: &reader))
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
