/// `warning` (1): something looked wrong but the channel stays usable; the receiver logs it.
public struct WarningMessage: DiagnosticMessage {
    public static let messageType = WireMessageType.warning

    public var channelID: ChannelID
    public var data: [UInt8]
    public var tlvs: NoKnownTLVs

    public init(channelID: ChannelID, data: [UInt8], tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.channelID = channelID
        self.data = data
        self.tlvs = tlvs
    }
}
