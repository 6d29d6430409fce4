/// `init` (16): the first message on every connection, listing the features the sender
/// supports (BOLT 9) and optionally the chains it cares about.
public struct InitMessage: WireMessageBody {
    public static let messageType = WireMessageType.initMessage

    /// The legacy `globalfeatures` bitmap (big-endian bit order, as on the wire).
    public var globalFeatures: [UInt8]
    /// The `features` bitmap (big-endian bit order, as on the wire).
    public var features: [UInt8]
    public var tlvs: TLVs

    public init(globalFeatures: [UInt8] = [], features: [UInt8], tlvs: TLVs = TLVs()) {
        self.globalFeatures = globalFeatures
        self.features = features
        self.tlvs = tlvs
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        globalFeatures = try reader.readU16Prefixed()
        features = try reader.readU16Prefixed()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        try writer.writeU16Prefixed(globalFeatures, field: "globalfeatures")
        try writer.writeU16Prefixed(features, field: "features")
        try tlvs.write(to: &writer)
    }

    /// Both bitmaps ORed together, aligned at their last (least significant) byte: BOLT 1
    /// tells receivers to treat them as one feature map.
    public var combinedFeatures: [UInt8] {
        let count = max(globalFeatures.count, features.count)
        let global = [UInt8](repeating: 0, count: count - globalFeatures.count) + globalFeatures
        let local = [UInt8](repeating: 0, count: count - features.count) + features
        return zip(global, local).map { $0 | $1 }
    }

    /// `init_tlvs`.
    public struct TLVs: TLVExtension {
        public static let networksType: UInt64 = 1
        public static let remoteAddressType: UInt64 = 3
        public static let knownTypes: Set<UInt64> = [networksType, remoteAddressType]

        /// `networks`: chain hashes the sender gossips or opens channels for.
        public var networks: [Hash32]?
        /// `remote_addr`: how the sender sees the receiver's address (a BOLT 7 address
        /// descriptor), kept raw.
        public var remoteAddress: [UInt8]?
        /// Records this node does not understand; on decode only odd ones can appear.
        public var unknownRecords: [TLVRecord]

        public init() {
            self.init(networks: nil)
        }

        public init(networks: [Hash32]?, remoteAddress: [UInt8]? = nil, unknownRecords: [TLVRecord] = []) {
            self.networks = networks
            self.remoteAddress = remoteAddress
            self.unknownRecords = unknownRecords
        }

        public init(decoding stream: TLVStream) throws(WireError) {
            self.init()
            for record in stream.records {
                switch record.type {
                case Self.networksType:
                    guard record.value.count % Hash32.byteCount == 0 else {
                        throw .invalidLength(field: "networks", expected: "a multiple of 32", actual: record.value.count)
                    }
                    networks = try record.decodeValue { reader throws(WireError) in
                        var chains: [Hash32] = []
                        while !reader.isAtEnd { chains.append(try reader.read(Hash32.self)) }
                        return chains
                    }
                case Self.remoteAddressType:
                    remoteAddress = record.value
                default:
                    unknownRecords.append(record)
                }
            }
        }

        public func encodedStream() throws(WireError) -> TLVStream {
            var records = unknownRecords
            if let networks {
                records.append(TLVRecord(type: Self.networksType, value: networks.flatMap(\.bytes)))
            }
            if let remoteAddress {
                records.append(TLVRecord(type: Self.remoteAddressType, value: remoteAddress))
            }
            return try TLVStream(sorting: records)
        }
    }
}
