import ChanLedger

/// `closing_signed` (39): legacy mutual-close fee negotiation; each side proposes a fee
/// and signs the closing transaction that pays it.
public struct ClosingSigned: WireMessageBody {
    public static let messageType = WireMessageType.closingSigned

    public var channelID: ChannelID
    public var fee: Satoshi
    public var signature: CompactSignature
    public var tlvs: TLVs

    public init(channelID: ChannelID, fee: Satoshi, signature: CompactSignature, tlvs: TLVs = TLVs()) {
        self.channelID = channelID
        self.fee = fee
        self.signature = signature
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        fee = try reader.readSatoshi()
        signature = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeSatoshi(fee)
        writer.write(signature)
        try tlvs.write(to: &writer)
    }

    /// The `fee_range` record: fees the sender would accept.
    public struct FeeRange: Hashable, Sendable {
        public var minimum: Satoshi
        public var maximum: Satoshi

        public init(minimum: Satoshi, maximum: Satoshi) {
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// `closing_signed_tlvs`.
    public struct TLVs: TLVExtension {
        public static let feeRangeType: UInt64 = 1
        public static let knownTypes: Set<UInt64> = [feeRangeType]

        public var feeRange: FeeRange?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(feeRange: nil)
        }

        public init(feeRange: FeeRange?, unknownRecords: [TLVRecord] = []) {
            self.feeRange = feeRange
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.feeRangeType:
                    feeRange = try record.decodeValue { reader throws(WireError) in
                        FeeRange(minimum: try reader.readSatoshi(), maximum: try reader.readSatoshi())
                    }
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let feeRange {
                var writer = WireWriter(reservingCapacity: 16)
                writer.writeSatoshi(feeRange.minimum)
                writer.writeSatoshi(feeRange.maximum)
                records.append(TLVRecord(type: Self.feeRangeType, value: writer.bytes))
            }
            return try TLVStream(sorting: records)
        }
    }
}
