/// `update_fulfill_htlc_tlvs` and `update_fail_htlc_tlvs`, which define the same record.
public struct AttributionDataTLVs: TLVExtension {
    public static let attributionDataType: UInt64 = 1
    public static let knownTypes: Set<UInt64> = [attributionDataType]

    public var attributionData: AttributionData?
    /// Records this node does not understand; on decode only odd ones can appear.
    public var unknownRecords: [TLVRecord]

    public init() {
        self.init(attributionData: nil)
    }

    public init(attributionData: AttributionData?, unknownRecords: [TLVRecord] = []) {
        self.attributionData = attributionData
        self.unknownRecords = unknownRecords
    }

    public init(decoding stream: TLVStream) throws(WireError) {
        self.init()
        for record in stream.records {
            switch record.type {
            case Self.attributionDataType:
                attributionData = try record.decodeValue { reader throws(WireError) in try reader.read(AttributionData.self) }
            default:
                unknownRecords.append(record)
            }
        }
    }

    public func encodedStream() throws(WireError) -> TLVStream {
        var records = unknownRecords
        if let attributionData {
            records.append(TLVRecord(type: Self.attributionDataType, value: attributionData.bytes))
        }
        return try TLVStream(sorting: records)
    }
}
