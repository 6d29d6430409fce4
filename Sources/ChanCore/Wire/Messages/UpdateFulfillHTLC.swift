/// `update_fulfill_htlc` (130): settle an HTLC by revealing the preimage of its hash.
public struct UpdateFulfillHTLC: WireMessageBody {
    public static let messageType = WireMessageType.updateFulfillHTLC

    public typealias TLVs = AttributionDataTLVs

    public var channelID: ChannelID
    /// The `id` the HTLC was added with.
    public var id: UInt64
    public var paymentPreimage: Bytes32
    public var tlvs: TLVs

    public init(channelID: ChannelID, id: UInt64, paymentPreimage: Bytes32, tlvs: TLVs = TLVs()) {
        self.channelID = channelID
        self.id = id
        self.paymentPreimage = paymentPreimage
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        id = try reader.readU64()
        paymentPreimage = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU64(id)
        writer.write(paymentPreimage)
        try tlvs.write(to: &writer)
    }
}
