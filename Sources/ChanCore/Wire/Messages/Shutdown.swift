/// `shutdown` (38): start a mutual close, naming the script to be paid to.
public struct Shutdown: WireMessageBody {
    public static let messageType = WireMessageType.shutdown

    public var channelID: ChannelID
    /// The sender's closing `scriptpubkey` (on the toy ledger, its output condition).
    public var scriptPubkey: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, scriptPubkey: [UInt8], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.scriptPubkey = scriptPubkey
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        scriptPubkey = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        try writer.writeU16Prefixed(scriptPubkey, field: "scriptpubkey")
        try tlvs.write(to: &writer)
    }
}
