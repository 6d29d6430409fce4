/// `update_fee` (134): the opener changes the commitment fee rate.
public struct UpdateFee: WireMessageBody {
    public static let messageType = WireMessageType.updateFee

    public var channelID: ChannelID
    /// Satoshis per 1000 weight units.
    public var feeratePerKw: UInt32
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, feeratePerKw: UInt32, tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.feeratePerKw = feeratePerKw
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        feeratePerKw = try reader.readU32()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU32(feeratePerKw)
        try tlvs.write(to: &writer)
    }
}
