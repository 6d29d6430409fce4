/// `commitment_signed` (132): sign the receiver's next commitment transaction, and each
/// of its HTLC transactions in commitment output order.
public struct CommitmentSigned: WireMessageBody {
    public static let messageType = WireMessageType.commitmentSigned

    public var channelID: ChannelID
    public var signature: CompactSignature
    /// One signature per HTLC transaction, in the order of the commitment's outputs.
    public var htlcSignatures: [CompactSignature]
    public var tlvs: TLVs

    public init(
        channelID: ChannelID, signature: CompactSignature, htlcSignatures: [CompactSignature], tlvs: TLVs = TLVs()
    ) {
        self.channelID = channelID
        self.signature = signature
        self.htlcSignatures = htlcSignatures
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        channelID = try reader.read()
        signature = try reader.read()
        let count = Int(try reader.readU16())
        // Check the whole list fits before reserving room for it.
        guard count * CompactSignature.byteCount <= reader.remaining else {
            throw .truncated(needed: count * CompactSignature.byteCount, remaining: reader.remaining)
        }
        var signatures: [CompactSignature] = []
        signatures.reserveCapacity(count)
        for _ in 0..<count {
            signatures.append(try reader.read())
        }
        htlcSignatures = signatures
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(channelID)
        writer.write(signature)
        guard let count = UInt16(exactly: htlcSignatures.count) else {
            throw .invalidLength(field: "htlc_signature count", expected: "at most 65535", actual: htlcSignatures.count)
        }
        writer.writeU16(count)
        for htlcSignature in htlcSignatures {
            writer.write(htlcSignature)
        }
        try tlvs.write(to: &writer)
    }

    /// `commitment_signed_tlvs`.
    public struct TLVs: TLVExtension {
        public static let fundingTxidType: UInt64 = 1
        public static let knownTypes: Set<UInt64> = [fundingTxidType]

        /// `funding_txid`: which funding transaction this commitment spends (splicing).
        public var fundingTxid: Hash32?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(fundingTxid: nil)
        }

        public init(fundingTxid: Hash32?, unknownRecords: [TLVRecord] = []) {
            self.fundingTxid = fundingTxid
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.fundingTxidType:
                    fundingTxid = try record.decodeValue { reader throws(WireError) in try reader.read(Hash32.self) }
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let fundingTxid {
                records.append(TLVRecord(type: Self.fundingTxidType, value: fundingTxid.bytes))
            }
            return try TLVStream(sorting: records)
        }
    }
}
