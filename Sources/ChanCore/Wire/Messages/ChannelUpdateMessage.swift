import ChanLedger

/// `channel_update` (258): one end's forwarding policy for an announced channel, signed by
/// that end's node. (`ChannelUpdate` is the change log's name for `update_*` messages.)
///
/// `htlc_maximum_msat` is always present: BOLT 7 now requires it and has receivers ignore the
/// `must_be_one` flag that used to announce it. Trailing bytes are kept raw in `excessData`,
/// since the signature covers them.
public struct ChannelUpdateMessage: WireMessageBody {
    public static let messageType = WireMessageType.channelUpdate

    public var signature: CompactSignature
    public var chainHash: Hash32
    public var shortChannelID: ShortChannelID
    /// Orders updates of one direction: only a greater one replaces the last.
    public var timestamp: UInt32
    public var messageFlags: MessageFlags
    public var channelFlags: ChannelFlags
    public var cltvExpiryDelta: UInt16
    public var htlcMinimum: MilliSatoshi
    /// A `u32` on the wire: encoding throws when it does not fit.
    public var feeBase: MilliSatoshi
    public var feeProportionalMillionths: UInt32
    public var htlcMaximum: MilliSatoshi
    public var excessData: [UInt8]

    public init(
        signature: CompactSignature = .zero, chainHash: Hash32, shortChannelID: ShortChannelID, timestamp: UInt32,
        messageFlags: MessageFlags = .mustBeOne, channelFlags: ChannelFlags, cltvExpiryDelta: UInt16,
        htlcMinimum: MilliSatoshi, feeBase: MilliSatoshi, feeProportionalMillionths: UInt32, htlcMaximum: MilliSatoshi,
        excessData: [UInt8] = []
    ) {
        self.signature = signature
        self.chainHash = chainHash
        self.shortChannelID = shortChannelID
        self.timestamp = timestamp
        self.messageFlags = messageFlags
        self.channelFlags = channelFlags
        self.cltvExpiryDelta = cltvExpiryDelta
        self.htlcMinimum = htlcMinimum
        self.feeBase = feeBase
        self.feeProportionalMillionths = feeProportionalMillionths
        self.htlcMaximum = htlcMaximum
        self.excessData = excessData
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        signature = try reader.read()
        chainHash = try reader.read()
        shortChannelID = try reader.readShortChannelID()
        timestamp = try reader.readU32()
        messageFlags = MessageFlags(rawValue: try reader.readU8())
        channelFlags = ChannelFlags(rawValue: try reader.readU8())
        cltvExpiryDelta = try reader.readU16()
        htlcMinimum = try reader.readMilliSatoshi()
        feeBase = MilliSatoshi(UInt64(try reader.readU32()))
        feeProportionalMillionths = try reader.readU32()
        htlcMaximum = try reader.readMilliSatoshi()
        excessData = try reader.readRemaining()
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(signature)
        try writeSignedFields(to: &writer)
    }

    /// Everything after `signature`: what the signature covers.
    public func writeSignedFields(to writer: inout WireWriter) throws(WireError) {
        guard let feeBaseMsat = UInt32(exactly: feeBase.value) else {
            throw .invalidValue(field: "fee_base_msat", reason: "\(feeBase.value) does not fit 32 bits")
        }
        writer.write(chainHash)
        writer.writeShortChannelID(shortChannelID)
        writer.writeU32(timestamp)
        writer.writeU8(messageFlags.rawValue)
        writer.writeU8(channelFlags.rawValue)
        writer.writeU16(cltvExpiryDelta)
        writer.writeMilliSatoshi(htlcMinimum)
        writer.writeU32(feeBaseMsat)
        writer.writeU32(feeProportionalMillionths)
        writer.writeMilliSatoshi(htlcMaximum)
        writer.writeBytes(excessData)
    }

    /// `message_flags`. Unassigned bits are kept as received so the message re-encodes unchanged.
    public struct MessageFlags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Once meant "htlc_maximum_msat present"; senders must set it, receivers ignore it.
        public static let mustBeOne = MessageFlags(rawValue: 1 << 0)
        /// An update for the channel peer only (an unannounced channel): never relayed.
        public static let dontForward = MessageFlags(rawValue: 1 << 1)
    }

    /// `channel_flags`. Unassigned bits are kept as received so the message re-encodes unchanged.
    public struct ChannelFlags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Set when the update comes from `node_id_2`, clear from `node_id_1`.
        public static let direction = ChannelFlags(rawValue: 1 << 0)
        /// The channel is temporarily or permanently unusable in this direction.
        public static let disable = ChannelFlags(rawValue: 1 << 1)
    }

    /// The end of the channel this update speaks for (channel_flags bit 0).
    public var direction: ChannelDirection {
        channelFlags.contains(.direction) ? .fromNode2 : .fromNode1
    }

    public var isDisabled: Bool { channelFlags.contains(.disable) }

    /// The policy the pathfinder uses for this direction.
    public var policy: ChannelPolicy {
        ChannelPolicy(
            feeBase: feeBase, feeProportionalMillionths: feeProportionalMillionths, cltvExpiryDelta: cltvExpiryDelta,
            htlcMinimum: htlcMinimum, htlcMaximum: htlcMaximum, disabled: isDisabled)
    }
}
