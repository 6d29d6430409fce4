/// `funding_signed` (35): the acceptor signs the opener's first commitment transaction,
/// now under the real `channel_id`.
public struct FundingSigned: WireMessageBody {
    public static let messageType = WireMessageType.fundingSigned

    public var channelID: ChannelID
    public var signature: CompactSignature
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, signature: CompactSignature, tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.signature = signature
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        signature = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.write(signature)
        try tlvs.write(to: &writer)
    }
}
