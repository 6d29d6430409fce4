import ChanLedger

/// `open_channel` (32): the opener proposes a channel and its side's parameters and keys.
public struct OpenChannel: WireMessageBody {
    public static let messageType = WireMessageType.openChannel

    public var chainHash: Hash32
    public var temporaryChannelID: ChannelID
    public var fundingAmount: Satoshi
    /// Given to the other side unconditionally when the channel opens.
    public var pushAmount: MilliSatoshi
    public var dustLimit: Satoshi
    public var maxHTLCValueInFlight: MilliSatoshi
    /// What the other side must keep on its side of the channel.
    public var channelReserve: Satoshi
    public var htlcMinimum: MilliSatoshi
    public var feeratePerKw: UInt32
    /// Blocks the other side's to-self outputs are delayed (CSV).
    public var toSelfDelay: UInt16
    public var maxAcceptedHTLCs: UInt16
    public var fundingPubkey: SerializedPoint
    public var revocationBasepoint: SerializedPoint
    public var paymentBasepoint: SerializedPoint
    public var delayedPaymentBasepoint: SerializedPoint
    public var htlcBasepoint: SerializedPoint
    public var firstPerCommitmentPoint: SerializedPoint
    public var channelFlags: ChannelFlags
    public var tlvs: TLVs

    public init(
        chainHash: Hash32, temporaryChannelID: ChannelID, fundingAmount: Satoshi, pushAmount: MilliSatoshi,
        dustLimit: Satoshi, maxHTLCValueInFlight: MilliSatoshi, channelReserve: Satoshi, htlcMinimum: MilliSatoshi,
        feeratePerKw: UInt32, toSelfDelay: UInt16, maxAcceptedHTLCs: UInt16,
        fundingPubkey: SerializedPoint, revocationBasepoint: SerializedPoint, paymentBasepoint: SerializedPoint,
        delayedPaymentBasepoint: SerializedPoint, htlcBasepoint: SerializedPoint,
        firstPerCommitmentPoint: SerializedPoint, channelFlags: ChannelFlags, tlvs: TLVs = TLVs()
    ) {
        self.chainHash = chainHash
        self.temporaryChannelID = temporaryChannelID
        self.fundingAmount = fundingAmount
        self.pushAmount = pushAmount
        self.dustLimit = dustLimit
        self.maxHTLCValueInFlight = maxHTLCValueInFlight
        self.channelReserve = channelReserve
        self.htlcMinimum = htlcMinimum
        self.feeratePerKw = feeratePerKw
        self.toSelfDelay = toSelfDelay
        self.maxAcceptedHTLCs = maxAcceptedHTLCs
        self.fundingPubkey = fundingPubkey
        self.revocationBasepoint = revocationBasepoint
        self.paymentBasepoint = paymentBasepoint
        self.delayedPaymentBasepoint = delayedPaymentBasepoint
        self.htlcBasepoint = htlcBasepoint
        self.firstPerCommitmentPoint = firstPerCommitmentPoint
        self.channelFlags = channelFlags
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        chainHash = try reader.read()
        temporaryChannelID = try reader.read()
        fundingAmount = try reader.readSatoshi()
        pushAmount = try reader.readMilliSatoshi()
        dustLimit = try reader.readSatoshi()
        maxHTLCValueInFlight = try reader.readMilliSatoshi()
        channelReserve = try reader.readSatoshi()
        htlcMinimum = try reader.readMilliSatoshi()
        feeratePerKw = try reader.readU32()
        toSelfDelay = try reader.readU16()
        maxAcceptedHTLCs = try reader.readU16()
        fundingPubkey = try reader.read()
        revocationBasepoint = try reader.read()
        paymentBasepoint = try reader.read()
        delayedPaymentBasepoint = try reader.read()
        htlcBasepoint = try reader.read()
        firstPerCommitmentPoint = try reader.read()
        channelFlags = ChannelFlags(rawValue: try reader.readU8())
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(chainHash)
        writer.write(temporaryChannelID)
        writer.writeSatoshi(fundingAmount)
        writer.writeMilliSatoshi(pushAmount)
        writer.writeSatoshi(dustLimit)
        writer.writeMilliSatoshi(maxHTLCValueInFlight)
        writer.writeSatoshi(channelReserve)
        writer.writeMilliSatoshi(htlcMinimum)
        writer.writeU32(feeratePerKw)
        writer.writeU16(toSelfDelay)
        writer.writeU16(maxAcceptedHTLCs)
        writer.write(fundingPubkey)
        writer.write(revocationBasepoint)
        writer.write(paymentBasepoint)
        writer.write(delayedPaymentBasepoint)
        writer.write(htlcBasepoint)
        writer.write(firstPerCommitmentPoint)
        writer.writeU8(channelFlags.rawValue)
        try tlvs.write(to: &writer)
    }

    /// `open_channel_tlvs`; `accept_channel_tlvs` has the same records.
    public struct TLVs: TLVExtension {
        public static let upfrontShutdownScriptType: UInt64 = 0
        public static let channelTypeType: UInt64 = 1
        public static let knownTypes: Set<UInt64> = [upfrontShutdownScriptType, channelTypeType]

        /// `upfront_shutdown_script`: where mutual-close funds must go; empty means "no
        /// commitment" (BOLT 2 still requires the record once any TLV is sent).
        public var upfrontShutdownScript: [UInt8]?
        /// `channel_type`: the feature bitmap (BOLT 9) of the channel type, kept raw.
        public var channelType: [UInt8]?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(upfrontShutdownScript: nil)
        }

        public init(upfrontShutdownScript: [UInt8]?, channelType: [UInt8]? = nil, unknownRecords: [TLVRecord] = []) {
            self.upfrontShutdownScript = upfrontShutdownScript
            self.channelType = channelType
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.upfrontShutdownScriptType: upfrontShutdownScript = record.value
                case Self.channelTypeType: channelType = record.value
                default: unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let upfrontShutdownScript {
                records.append(TLVRecord(type: Self.upfrontShutdownScriptType, value: upfrontShutdownScript))
            }
            if let channelType {
                records.append(TLVRecord(type: Self.channelTypeType, value: channelType))
            }
            return try TLVStream(sorting: records)
        }
    }
}
