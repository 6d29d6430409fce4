/// `revoke_and_ack` (133): give up the previous commitment by revealing its secret, and
/// send the point for the one after the next.
public struct RevokeAndAck: WireMessageBody {
    public static let messageType = WireMessageType.revokeAndAck

    public var channelID: ChannelID
    /// The secret of the commitment being revoked; a secret, so never log it.
    public var perCommitmentSecret: Bytes32
    public var nextPerCommitmentPoint: SerializedPoint
    public var tlvs: NoKnownTLVs

    public init(
        channelID: ChannelID, perCommitmentSecret: Bytes32, nextPerCommitmentPoint: SerializedPoint,
        tlvs: NoKnownTLVs = NoKnownTLVs()
    ) {
        self.channelID = channelID
        self.perCommitmentSecret = perCommitmentSecret
        self.nextPerCommitmentPoint = nextPerCommitmentPoint
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        perCommitmentSecret = try reader.read()
        nextPerCommitmentPoint = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.write(perCommitmentSecret)
        writer.write(nextPerCommitmentPoint)
        try tlvs.write(to: &writer)
    }
}
