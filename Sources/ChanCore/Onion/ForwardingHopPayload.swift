import ChanLedger

/// The payload of a hop that forwards: what to send on, over which channel, and with
/// which expiry. The hop checks the incoming HTLC against these (fee, CLTV delta).
public struct ForwardingHopPayload: Hashable, Sendable {
    /// `amt_to_forward`: the amount of the outgoing HTLC.
    public var amountToForward: MilliSatoshi
    /// `outgoing_cltv_value`: the expiry of the outgoing HTLC.
    public var outgoingCLTVValue: UInt32
    /// The outgoing channel (non-strict forwarding may use another to the same peer).
    public var shortChannelID: ShortChannelID
    /// Odd records this node does not know, kept so a decoded payload re-encodes unchanged.
    public var unknownRecords: [TLVRecord]

    public init(
        amountToForward: MilliSatoshi, outgoingCLTVValue: UInt32, shortChannelID: ShortChannelID,
        unknownRecords: [TLVRecord] = []
    ) {
        self.amountToForward = amountToForward
        self.outgoingCLTVValue = outgoingCLTVValue
        self.shortChannelID = shortChannelID
        self.unknownRecords = unknownRecords
    }

    public init(decoding bytes: [UInt8]) throws(HopPayloadError) {
        var amount: MilliSatoshi?
        var expiry: UInt32?
        var channel: ShortChannelID?
        var unknown: [TLVRecord] = []
        for (record, offset) in try HopPayloadRecords(decoding: bytes).records {
            switch record.type {
            case HopPayloadTLV.amountToForward:
                amount = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in
                    MilliSatoshi(try reader.readTU64())
                }
            case HopPayloadTLV.outgoingCLTVValue:
                expiry = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in try reader.readTU32() }
            case HopPayloadTLV.shortChannelID:
                channel = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in
                    try reader.readShortChannelID()
                }
            case HopPayloadTLV.paymentData, HopPayloadTLV.paymentMetadata, HopPayloadTLV.keysendPreimage:
                // Only the final hop has a payment to match them against.
                throw .unexpectedRecord(type: record.type, offset: offset)
            case let type where HopPayloadTLV.routeBlinding.contains(type):
                throw .routeBlindingUnsupported(type: type, offset: offset)
            default:
                // The framing let only odd types through here.
                unknown.append(record)
            }
        }
        guard let amount else { throw .missingRecord(type: HopPayloadTLV.amountToForward) }
        guard let expiry else { throw .missingRecord(type: HopPayloadTLV.outgoingCLTVValue) }
        guard let channel else { throw .missingRecord(type: HopPayloadTLV.shortChannelID) }
        self.init(amountToForward: amount, outgoingCLTVValue: expiry, shortChannelID: channel, unknownRecords: unknown)
    }

    /// The TLV stream; throws if an unknown record reuses a type this payload writes.
    public func encoded() throws(WireError) -> [UInt8] {
        var amount = WireWriter(reservingCapacity: 8)
        amount.writeTU64(amountToForward.value)
        var expiry = WireWriter(reservingCapacity: 4)
        expiry.writeTU32(outgoingCLTVValue)
        var channel = WireWriter(reservingCapacity: 8)
        channel.writeShortChannelID(shortChannelID)
        return try HopPayloadRecords.encode(known: [
            TLVRecord(type: HopPayloadTLV.amountToForward, value: amount.bytes),
            TLVRecord(type: HopPayloadTLV.outgoingCLTVValue, value: expiry.bytes),
            TLVRecord(type: HopPayloadTLV.shortChannelID, value: channel.bytes),
        ], unknown: unknownRecords, reserved: HopPayloadTLV.knownEven)
    }
}
