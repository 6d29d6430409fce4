import ChanLedger

/// `update_add_htlc` (128): offer an HTLC, with the onion that tells the next hop what to do.
public struct UpdateAddHTLC: WireMessageBody {
    public static let messageType = WireMessageType.updateAddHTLC

    public var channelID: ChannelID
    /// The sender's HTLC counter: 0 for its first HTLC in the channel, then +1 each time.
    public var id: UInt64
    public var amount: MilliSatoshi
    public var paymentHash: Hash32
    /// Absolute block height after which the HTLC times out.
    public var cltvExpiry: UInt32
    public var onionRoutingPacket: OnionRoutingPacket
    public var tlvs: TLVs

    public init(
        channelID: ChannelID, id: UInt64, amount: MilliSatoshi, paymentHash: Hash32, cltvExpiry: UInt32,
        onionRoutingPacket: OnionRoutingPacket, tlvs: TLVs = TLVs()
    ) {
        self.channelID = channelID
        self.id = id
        self.amount = amount
        self.paymentHash = paymentHash
        self.cltvExpiry = cltvExpiry
        self.onionRoutingPacket = onionRoutingPacket
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        id = try reader.readU64()
        amount = try reader.readMilliSatoshi()
        paymentHash = try reader.read()
        cltvExpiry = try reader.readU32()
        onionRoutingPacket = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU64(id)
        writer.writeMilliSatoshi(amount)
        writer.write(paymentHash)
        writer.writeU32(cltvExpiry)
        writer.write(onionRoutingPacket)
        try tlvs.write(to: &writer)
    }

    /// `update_add_htlc_tlvs`.
    public struct TLVs: TLVExtension {
        public static let blindedPathType: UInt64 = 0
        public static let knownTypes: Set<UInt64> = [blindedPathType]

        /// `blinded_path.path_key`: set when this HTLC travels inside a blinded route
        /// (formerly `blinding_point`); the onion layer uses it to unblind the payload.
        public var pathKey: SerializedPoint?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(pathKey: nil)
        }

        public init(pathKey: SerializedPoint?, unknownRecords: [TLVRecord] = []) {
            self.pathKey = pathKey
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.blindedPathType:
                    pathKey = try record.decodeValue { reader throws(WireError) in try reader.read(SerializedPoint.self) }
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let pathKey {
                records.append(TLVRecord(type: Self.blindedPathType, value: pathKey.bytes))
            }
            return try TLVStream(sorting: records)
        }
    }
}
