/// `update_fail_malformed_htlc` (135): remove an HTLC whose onion this node could not
/// parse; the previous hop turns it into an `update_fail_htlc`.
public struct UpdateFailMalformedHTLC: WireMessageBody {
    public static let messageType = WireMessageType.updateFailMalformedHTLC

    public var channelID: ChannelID
    /// The `id` the HTLC was added with.
    public var id: UInt64
    public var sha256OfOnion: Hash32
    /// A BOLT 4 failure code; the channel layer checks that its BADONION bit is set.
    public var failureCode: UInt16
    public var tlvs: NoKnownTLVs

    public init(
        channelID: ChannelID, id: UInt64, sha256OfOnion: Hash32, failureCode: UInt16,
        tlvs: NoKnownTLVs = NoKnownTLVs()
    ) {
        self.channelID = channelID
        self.id = id
        self.sha256OfOnion = sha256OfOnion
        self.failureCode = failureCode
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        id = try reader.readU64()
        sha256OfOnion = try reader.read()
        failureCode = try reader.readU16()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU64(id)
        writer.write(sha256OfOnion)
        writer.writeU16(failureCode)
        try tlvs.write(to: &writer)
    }
}
