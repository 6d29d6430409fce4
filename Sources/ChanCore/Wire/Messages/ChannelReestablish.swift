/// `channel_reestablish` (136): after a reconnection, each side says which commitment and
/// revocation it expects next, so lost messages can be retransmitted.
public struct ChannelReestablish: WireMessageBody {
    public static let messageType = WireMessageType.channelReestablish

    public var channelID: ChannelID
    /// The commitment number of the next `commitment_signed` the sender expects to receive.
    public var nextCommitmentNumber: UInt64
    /// The commitment number of the next `revoke_and_ack` the sender expects to receive.
    public var nextRevocationNumber: UInt64
    /// The last per-commitment secret received from the peer, or zeros if none; proves
    /// the sender's state (and lets a peer that lost data detect it).
    public var yourLastPerCommitmentSecret: Bytes32
    public var myCurrentPerCommitmentPoint: SerializedPoint
    public var tlvs: TLVs

    public init(
        channelID: ChannelID, nextCommitmentNumber: UInt64, nextRevocationNumber: UInt64,
        yourLastPerCommitmentSecret: Bytes32, myCurrentPerCommitmentPoint: SerializedPoint, tlvs: TLVs = TLVs()
    ) {
        self.channelID = channelID
        self.nextCommitmentNumber = nextCommitmentNumber
        self.nextRevocationNumber = nextRevocationNumber
        self.yourLastPerCommitmentSecret = yourLastPerCommitmentSecret
        self.myCurrentPerCommitmentPoint = myCurrentPerCommitmentPoint
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        nextCommitmentNumber = try reader.readU64()
        nextRevocationNumber = try reader.readU64()
        yourLastPerCommitmentSecret = try reader.read()
        myCurrentPerCommitmentPoint = try reader.read()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.writeU64(nextCommitmentNumber)
        writer.writeU64(nextRevocationNumber)
        writer.write(yourLastPerCommitmentSecret)
        writer.write(myCurrentPerCommitmentPoint)
        try tlvs.write(to: &writer)
    }

    /// A funding transaction and a bitfield of messages to retransmit for it; the layout
    /// of both `next_funding` and `my_current_funding_locked`.
    public struct FundingReference: Hashable, Sendable {
        public var txid: Hash32
        public var retransmitFlags: UInt8

        public init(txid: Hash32, retransmitFlags: UInt8) {
            self.txid = txid
            self.retransmitFlags = retransmitFlags
        }

        fileprivate static func read(from reader: inout WireReader) throws(WireError) -> FundingReference {
            FundingReference(txid: try reader.read(), retransmitFlags: try reader.readU8())
        }

        fileprivate var bytes: [UInt8] { txid.bytes + [retransmitFlags] }
    }

    /// `channel_reestablish_tlvs`.
    public struct TLVs: TLVExtension {
        public static let nextFundingType: UInt64 = 1
        public static let myCurrentFundingLockedType: UInt64 = 5
        public static let knownTypes: Set<UInt64> = [nextFundingType, myCurrentFundingLockedType]

        /// `next_funding`: a funding (or splice) transaction still being negotiated; bit 0
        /// of its flags asks for `commitment_signed` again.
        public var nextFunding: FundingReference?
        /// `my_current_funding_locked`: the latest funding transaction the sender considers
        /// locked; bit 0 of its flags asks for `announcement_signatures` again.
        public var myCurrentFundingLocked: FundingReference?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(nextFunding: nil)
        }

        public init(
            nextFunding: FundingReference?, myCurrentFundingLocked: FundingReference? = nil,
            unknownRecords: [TLVRecord] = []
        ) {
            self.nextFunding = nextFunding
            self.myCurrentFundingLocked = myCurrentFundingLocked
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.nextFundingType:
                    nextFunding = try record.decodeValue { reader throws(WireError) in try .read(from: &reader) }
                case Self.myCurrentFundingLockedType:
                    myCurrentFundingLocked = try record.decodeValue { reader throws(WireError) in try .read(from: &reader) }
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let nextFunding {
                records.append(TLVRecord(type: Self.nextFundingType, value: nextFunding.bytes))
            }
            if let myCurrentFundingLocked {
                records.append(TLVRecord(type: Self.myCurrentFundingLockedType, value: myCurrentFundingLocked.bytes))
            }
            return try TLVStream(sorting: records)
        }
    }
}
