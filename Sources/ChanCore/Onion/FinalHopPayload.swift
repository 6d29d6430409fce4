import ChanLedger

/// The payload of the final hop: what it must receive, and the proof it asked for this
/// payment (`payment_data`) or, for keysend, the preimage itself.
public struct FinalHopPayload: Hashable, Sendable {
    /// `amt_to_forward`: at least what the HTLC must carry.
    public var amountToForward: MilliSatoshi
    /// `outgoing_cltv_value`: at most the HTLC's expiry.
    public var outgoingCLTVValue: UInt32
    public var paymentData: PaymentData?
    /// `payment_metadata` from the invoice, returned untouched.
    public var paymentMetadata: [UInt8]?
    /// Keysend: the sender chose the preimage and sends it along.
    public var keysendPreimage: Preimage?
    /// Odd records this node does not know, kept so a decoded payload re-encodes unchanged.
    public var unknownRecords: [TLVRecord]

    public init(
        amountToForward: MilliSatoshi, outgoingCLTVValue: UInt32, paymentData: PaymentData? = nil,
        paymentMetadata: [UInt8]? = nil, keysendPreimage: Preimage? = nil, unknownRecords: [TLVRecord] = []
    ) {
        self.amountToForward = amountToForward
        self.outgoingCLTVValue = outgoingCLTVValue
        self.paymentData = paymentData
        self.paymentMetadata = paymentMetadata
        self.keysendPreimage = keysendPreimage
        self.unknownRecords = unknownRecords
    }

    /// The whole payment this HTLC is part of; without `payment_data` the HTLC is all of it.
    public var totalAmount: MilliSatoshi { paymentData?.totalAmount ?? amountToForward }

    public init(decoding bytes: [UInt8]) throws(HopPayloadError) {
        self.init(amountToForward: .zero, outgoingCLTVValue: 0)
        var amount: MilliSatoshi?
        var expiry: UInt32?
        for (record, offset) in try HopPayloadRecords(decoding: bytes).records {
            switch record.type {
            case HopPayloadTLV.amountToForward:
                amount = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in
                    MilliSatoshi(try reader.readTU64())
                }
            case HopPayloadTLV.outgoingCLTVValue:
                expiry = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in try reader.readTU32() }
            case HopPayloadTLV.shortChannelID:
                // A channel to forward on, at the end of the route: the sender is confused.
                throw .unexpectedRecord(type: record.type, offset: offset)
            case HopPayloadTLV.paymentData:
                paymentData = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in
                    PaymentData(paymentSecret: try reader.read(), totalAmount: MilliSatoshi(try reader.readTU64()))
                }
            case HopPayloadTLV.paymentMetadata:
                paymentMetadata = record.value
            case HopPayloadTLV.keysendPreimage:
                let preimage = try HopPayloadRecords.value(of: record, at: offset) { reader throws(WireError) in
                    try reader.readBytes(32)
                }
                keysendPreimage = try? Preimage(bytes: preimage)
            case let type where HopPayloadTLV.routeBlinding.contains(type):
                throw .routeBlindingUnsupported(type: type, offset: offset)
            default:
                unknownRecords.append(record)
            }
        }
        guard let amount else { throw .missingRecord(type: HopPayloadTLV.amountToForward) }
        guard let expiry else { throw .missingRecord(type: HopPayloadTLV.outgoingCLTVValue) }
        amountToForward = amount
        outgoingCLTVValue = expiry
    }

    /// The TLV stream; throws if an unknown record reuses a type this payload writes.
    public func encoded() throws(WireError) -> [UInt8] {
        var amount = WireWriter(reservingCapacity: 8)
        amount.writeTU64(amountToForward.value)
        var expiry = WireWriter(reservingCapacity: 4)
        expiry.writeTU32(outgoingCLTVValue)
        var known = [
            TLVRecord(type: HopPayloadTLV.amountToForward, value: amount.bytes),
            TLVRecord(type: HopPayloadTLV.outgoingCLTVValue, value: expiry.bytes),
        ]
        if let paymentData {
            var data = WireWriter(reservingCapacity: 40)
            data.write(paymentData.paymentSecret)
            data.writeTU64(paymentData.totalAmount.value)
            known.append(TLVRecord(type: HopPayloadTLV.paymentData, value: data.bytes))
        }
        if let paymentMetadata {
            known.append(TLVRecord(type: HopPayloadTLV.paymentMetadata, value: paymentMetadata))
        }
        if let keysendPreimage {
            known.append(TLVRecord(type: HopPayloadTLV.keysendPreimage, value: keysendPreimage.bytes))
        }
        return try HopPayloadRecords.encode(
            known: known, unknown: unknownRecords,
            reserved: HopPayloadTLV.knownEven)
    }
}
