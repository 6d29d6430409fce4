import ChanLedger

/// `accept_channel` (33): the other side accepts an `open_channel` with its own parameters
/// and keys.
public struct AcceptChannel: WireMessageBody {
    public static let messageType = WireMessageType.acceptChannel

    /// `accept_channel_tlvs` defines the same records as `open_channel_tlvs`.
    public typealias TLVs = OpenChannel.TLVs

    public var temporaryChannelID: ChannelID
    public var dustLimit: Satoshi
    public var maxHTLCValueInFlight: MilliSatoshi
    public var channelReserve: Satoshi
    public var htlcMinimum: MilliSatoshi
    /// Confirmations the acceptor waits for before `channel_ready`.
    public var minimumDepth: UInt32
    public var toSelfDelay: UInt16
    public var maxAcceptedHTLCs: UInt16
    public var fundingPubkey: SerializedPoint
    public var revocationBasepoint: SerializedPoint
    public var paymentBasepoint: SerializedPoint
    public var delayedPaymentBasepoint: SerializedPoint
    public var htlcBasepoint: SerializedPoint
    public var firstPerCommitmentPoint: SerializedPoint
    public var tlvs: TLVs

    public init(
        temporaryChannelID: ChannelID, dustLimit: Satoshi, maxHTLCValueInFlight: MilliSatoshi,
        channelReserve: Satoshi, htlcMinimum: MilliSatoshi, minimumDepth: UInt32,
        toSelfDelay: UInt16, maxAcceptedHTLCs: UInt16,
        fundingPubkey: SerializedPoint, revocationBasepoint: SerializedPoint, paymentBasepoint: SerializedPoint,
        delayedPaymentBasepoint: SerializedPoint, htlcBasepoint: SerializedPoint,
        firstPerCommitmentPoint: SerializedPoint, tlvs: TLVs = TLVs()
    ) {
        self.temporaryChannelID = temporaryChannelID
        self.dustLimit = dustLimit
        self.maxHTLCValueInFlight = maxHTLCValueInFlight
        self.channelReserve = channelReserve
        self.htlcMinimum = htlcMinimum
        self.minimumDepth = minimumDepth
        self.toSelfDelay = toSelfDelay
        self.maxAcceptedHTLCs = maxAcceptedHTLCs
        self.fundingPubkey = fundingPubkey
        self.revocationBasepoint = revocationBasepoint
        self.paymentBasepoint = paymentBasepoint
        self.delayedPaymentBasepoint = delayedPaymentBasepoint
        self.htlcBasepoint = htlcBasepoint
        self.firstPerCommitmentPoint = firstPerCommitmentPoint
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        temporaryChannelID = try reader.read()
        dustLimit = try reader.readSatoshi()
        maxHTLCValueInFlight = try reader.readMilliSatoshi()
        channelReserve = try reader.readSatoshi()
        htlcMinimum = try reader.readMilliSatoshi()
        minimumDepth = try reader.readU32()
        toSelfDelay = try reader.readU16()
        maxAcceptedHTLCs = try reader.readU16()
        fundingPubkey = try reader.read()
        revocationBasepoint = try reader.read()
        paymentBasepoint = try reader.read()
        delayedPaymentBasepoint = try reader.read()
        htlcBasepoint = try reader.read()
        firstPerCommitmentPoint = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(temporaryChannelID)
        writer.writeSatoshi(dustLimit)
        writer.writeMilliSatoshi(maxHTLCValueInFlight)
        writer.writeSatoshi(channelReserve)
        writer.writeMilliSatoshi(htlcMinimum)
        writer.writeU32(minimumDepth)
        writer.writeU16(toSelfDelay)
        writer.writeU16(maxAcceptedHTLCs)
        writer.write(fundingPubkey)
        writer.write(revocationBasepoint)
        writer.write(paymentBasepoint)
        writer.write(delayedPaymentBasepoint)
        writer.write(htlcBasepoint)
        writer.write(firstPerCommitmentPoint)
        try tlvs.write(to: &writer)
    }
}
