/// `gossip_timestamp_filter` (265): which gossip the sender wants relayed from now on, by
/// timestamp; each one replaces the last. No gossip is relayed to a peer before its first.
public struct GossipTimestampFilter: WireMessageBody {
    public static let messageType = WireMessageType.gossipTimestampFilter

    public var chainHash: Hash32
    public var firstTimestamp: UInt32
    public var timestampRange: UInt32
    public var tlvs: NoKnownTLVs

    public init(chainHash: Hash32, firstTimestamp: UInt32, timestampRange: UInt32, tlvs: NoKnownTLVs = NoKnownTLVs()) {
        self.chainHash = chainHash
        self.firstTimestamp = firstTimestamp
        self.timestampRange = timestampRange
        self.tlvs = tlvs
    }

    /// Everything, from the start of time (what a node sends to get a full sync).
    public static func everything(chainHash: Hash32) -> GossipTimestampFilter {
        GossipTimestampFilter(chainHash: chainHash, firstTimestamp: 0, timestampRange: .max)
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        chainHash = try reader.read()
        firstTimestamp = try reader.readU32()
        timestampRange = try reader.readU32()
        tlvs = try .read(from: &reader)
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(chainHash)
        writer.writeU32(firstTimestamp)
        writer.writeU32(timestampRange)
        try tlvs.write(to: &writer)
    }

    /// BOLT 7: `first_timestamp <= timestamp < first_timestamp + timestamp_range`, the sum
    /// taken without wrapping at 32 bits.
    public func admits(timestamp: UInt32) -> Bool {
        timestamp >= firstTimestamp && UInt64(timestamp) < UInt64(firstTimestamp) + UInt64(timestampRange)
    }
}
