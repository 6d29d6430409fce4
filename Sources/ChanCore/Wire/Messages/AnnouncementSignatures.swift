/// `announcement_signatures` (259): sent to the channel peer, once the funding is deep enough,
/// with our two signatures (node key and funding key) of the `channel_announcement` both sides
/// build; together with the peer's they complete the announcement.
public struct AnnouncementSignatures: WireMessageBody {
    public static let messageType = WireMessageType.announcementSignatures

    public var channelID: ChannelID
    public var shortChannelID: ShortChannelID
    public var nodeSignature: CompactSignature
    public var bitcoinSignature: CompactSignature
    public var tlvs: NoKnownTLVs

    public init(
        channelID: ChannelID, shortChannelID: ShortChannelID, nodeSignature: CompactSignature,
        bitcoinSignature: CompactSignature, tlvs: NoKnownTLVs = NoKnownTLVs()
    ) {
        self.channelID = channelID
        self.shortChannelID = shortChannelID
        self.nodeSignature = nodeSignature
        self.bitcoinSignature = bitcoinSignature
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        shortChannelID = try reader.readShortChannelID()
        nodeSignature = try reader.read()
        bitcoinSignature = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeShortChannelID(shortChannelID)
        writer.write(nodeSignature)
        writer.write(bitcoinSignature)
        try tlvs.write(to: &writer)
    }
}
