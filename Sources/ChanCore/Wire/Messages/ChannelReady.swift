/// `channel_ready` (36): the funding transaction is deep enough; here is the next
/// per-commitment point.
public struct ChannelReady: WireMessageBody {
    public static let messageType = WireMessageType.channelReady

    public var channelID: ChannelID
    public var secondPerCommitmentPoint: SerializedPoint
    public var tlvs: TLVs

    public init(channelID: ChannelID, secondPerCommitmentPoint: SerializedPoint, tlvs: TLVs = TLVs()) {
        self.channelID = channelID
        self.secondPerCommitmentPoint = secondPerCommitmentPoint
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        secondPerCommitmentPoint = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.write(secondPerCommitmentPoint)
        try tlvs.write(to: &writer)
    }

    /// `channel_ready_tlvs`.
    public struct TLVs: TLVExtension {
        public static let shortChannelIDType: UInt64 = 1
        public static let knownTypes: Set<UInt64> = [shortChannelIDType]

        /// `short_channel_id`: an alias the peer may use to route to this channel.
        public var alias: ShortChannelID?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(alias: nil)
        }

        public init(alias: ShortChannelID?, unknownRecords: [TLVRecord] = []) {
            self.alias = alias
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.shortChannelIDType:
                    alias = try record.decodeValue { reader throws(WireError) in try reader.readShortChannelID() }
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let alias {
                var writer = WireWriter(reservingCapacity: 8)
                writer.writeShortChannelID(alias)
                records.append(TLVRecord(type: Self.shortChannelIDType, value: writer.bytes))
            }
            return try TLVStream(sorting: records)
        }
    }
}
