import ChanCore

/// Namespace `n1` of BOLT 1 Appendix B, as a `TLVExtension`: the spec's test streams are
/// decoded through the same machinery messages use.
struct NamespaceN1: TLVExtension {
    static let knownTypes: Set<UInt64> = [1, 2, 3, 254]

    struct Record3: Hashable {
        var nodeID: SerializedPoint
        var amountMsat1: UInt64
        var amountMsat2: UInt64
    }

    var tlv1AmountMsat: UInt64?
    var tlv2SCID: ShortChannelID?
    var tlv3: Record3?
    var tlv4CLTVDelta: UInt16?
    var unknownRecords: [TLVRecord] = []

    init() {}

    init(decoding stream: TLVStream) throws(WireError) {
        for record in stream.records {
            switch record.type {
            case 1:
                tlv1AmountMsat = try record.decodeValue { reader throws(WireError) in try reader.readTU64() }
            case 2:
                tlv2SCID = try record.decodeValue { reader throws(WireError) in try reader.readShortChannelID() }
            case 3:
                tlv3 = try record.decodeValue { reader throws(WireError) in
                    let point = try reader.read(SerializedPoint.self)
                    guard point.hasCompressedPrefix else {
                        throw .invalidValue(field: "node_id", reason: "not a compressed point")
                    }
                    return Record3(nodeID: point, amountMsat1: try reader.readU64(), amountMsat2: try reader.readU64())
                }
            case 254:
                tlv4CLTVDelta = try record.decodeValue { reader throws(WireError) in try reader.readU16() }
            default:
                unknownRecords.append(record)
            }
        }
    }

    func encodedStream() throws(WireError) -> TLVStream {
        var records = unknownRecords
        if let tlv1AmountMsat {
            var writer = WireWriter()
            writer.writeTU64(tlv1AmountMsat)
            records.append(TLVRecord(type: 1, value: writer.bytes))
        }
        if let tlv2SCID {
            var writer = WireWriter()
            writer.writeShortChannelID(tlv2SCID)
            records.append(TLVRecord(type: 2, value: writer.bytes))
        }
        if let tlv3 {
            var writer = WireWriter()
            writer.write(tlv3.nodeID)
            writer.writeU64(tlv3.amountMsat1)
            writer.writeU64(tlv3.amountMsat2)
            records.append(TLVRecord(type: 3, value: writer.bytes))
        }
        if let tlv4CLTVDelta {
            var writer = WireWriter()
            writer.writeU16(tlv4CLTVDelta)
            records.append(TLVRecord(type: 254, value: writer.bytes))
        }
        return try TLVStream(sorting: records)
    }

    /// The fields in the shape of the vectors' `decoded` objects.
    var asVectorValues: [String: [String: Bolt01Vectors.Scalar]] {
        var values: [String: [String: Bolt01Vectors.Scalar]] = [:]
        if let tlv1AmountMsat { values["tlv1"] = ["amount_msat": .number(tlv1AmountMsat)] }
        if let tlv2SCID { values["tlv2"] = ["scid": .text(tlv2SCID.description)] }
        if let tlv3 {
            values["tlv3"] = [
                "node_id": .text(tlv3.nodeID.hex),
                "amount_msat_1": .number(tlv3.amountMsat1),
                "amount_msat_2": .number(tlv3.amountMsat2),
            ]
        }
        if let tlv4CLTVDelta { values["tlv4"] = ["cltv_delta": .number(UInt64(tlv4CLTVDelta))] }
        return values
    }
}

/// Namespace `n2` of BOLT 1 Appendix B.
struct NamespaceN2: TLVExtension {
    static let knownTypes: Set<UInt64> = [0, 11]

    var tlv1AmountMsat: UInt64?
    var tlv2CLTVExpiry: UInt32?
    var unknownRecords: [TLVRecord] = []

    init() {}

    init(decoding stream: TLVStream) throws(WireError) {
        for record in stream.records {
            switch record.type {
            case 0:
                tlv1AmountMsat = try record.decodeValue { reader throws(WireError) in try reader.readTU64() }
            case 11:
                tlv2CLTVExpiry = try record.decodeValue { reader throws(WireError) in try reader.readTU32() }
            default:
                unknownRecords.append(record)
            }
        }
    }

    func encodedStream() throws(WireError) -> TLVStream {
        var records = unknownRecords
        if let tlv1AmountMsat {
            var writer = WireWriter()
            writer.writeTU64(tlv1AmountMsat)
            records.append(TLVRecord(type: 0, value: writer.bytes))
        }
        if let tlv2CLTVExpiry {
            var writer = WireWriter()
            writer.writeTU32(tlv2CLTVExpiry)
            records.append(TLVRecord(type: 11, value: writer.bytes))
        }
        return try TLVStream(sorting: records)
    }
}

/// Decodes a whole buffer as one namespace's stream, as a message extension would be.
func decodeStream<Namespace: TLVExtension>(_ bytes: [UInt8], as _: Namespace.Type) throws(WireError) -> Namespace {
    var reader = WireReader(bytes)
    return try Namespace.read(from: &reader)
}

/// Encodes a namespace's stream to bytes.
func encodeStream(_ stream: some TLVExtension) throws(WireError) -> [UInt8] {
    var writer = WireWriter()
    try stream.write(to: &writer)
    return writer.bytes
}
