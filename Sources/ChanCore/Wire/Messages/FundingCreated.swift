/// `funding_created` (34): the opener names the funding outpoint and signs the acceptor's
/// first commitment transaction.
public struct FundingCreated: WireMessageBody {
    public static let messageType = WireMessageType.fundingCreated

    public var temporaryChannelID: ChannelID
    public var fundingTxid: Hash32
    public var fundingOutputIndex: UInt16
    public var signature: CompactSignature
    public var tlvs: NoKnownTLVs

    public init(
        temporaryChannelID: ChannelID, fundingTxid: Hash32, fundingOutputIndex: UInt16,
        signature: CompactSignature, tlvs: NoKnownTLVs = NoKnownTLVs()
    ) {
        self.temporaryChannelID = temporaryChannelID
        self.fundingTxid = fundingTxid
        self.fundingOutputIndex = fundingOutputIndex
        self.signature = signature
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        temporaryChannelID = try reader.read()
        fundingTxid = try reader.read()
        fundingOutputIndex = try reader.readU16()
        signature = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(temporaryChannelID)
        writer.write(fundingTxid)
        writer.writeU16(fundingOutputIndex)
        writer.write(signature)
        try tlvs.write(to: &writer)
    }
}
