/// `error` (17): something went wrong that makes the channel (or, with an all-zero
/// `channel_id`, every channel with this peer) unusable; both sides fail it.
public struct ErrorMessage: DiagnosticMessage {
    public static let messageType = WireMessageType.error

    /// The channel concerned, or all zero for every channel with this peer.
    public var channelID: ChannelID
    public var data: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, data: [UInt8], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.data = data
        self.tlvs = tlvs
    }
}
