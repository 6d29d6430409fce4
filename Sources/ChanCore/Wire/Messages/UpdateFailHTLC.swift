/// `update_fail_htlc` (131): remove an HTLC that failed, with the encrypted reason for
/// the payer (BOLT 4).
public struct UpdateFailHTLC: WireMessageBody {
    public static let messageType = WireMessageType.updateFailHTLC

    public typealias TLVs = AttributionDataTLVs

    public var channelID: ChannelID
    /// The `id` the HTLC was added with.
    public var id: UInt64
    /// The onion-encrypted failure, opaque to every hop but the payer.
    public var reason: [UInt8]
    public var tlvs: TLVs

    public init(channelID: ChannelID, id: UInt64, reason: [UInt8], tlvs: TLVs = TLVs()) {
        self.channelID = channelID
        self.id = id
        self.reason = reason
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        id = try reader.readU64()
        reason = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU64(id)
        try writer.writeU16Prefixed(reason, field: "reason")
        try tlvs.write(to: &writer)
    }
}
