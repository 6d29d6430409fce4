/// `channel_announcement` (256): proves that a channel exists on the ledger between two nodes.
/// Both nodes and both funding keys sign the fields that follow the four signatures.
///
/// Bytes after the last field are kept raw in `excessData`, not read as a TLV stream: they are
/// covered by the signatures, so they must be relayed and hashed exactly as received, whatever
/// they hold (BOLT 7: "including any future fields appended to the end").
public struct ChannelAnnouncement: WireMessageBody {
    public static let messageType = WireMessageType.channelAnnouncement

    public var nodeSignature1: CompactSignature
    public var nodeSignature2: CompactSignature
    public var bitcoinSignature1: CompactSignature
    public var bitcoinSignature2: CompactSignature
    /// The channel's feature bitmap (BOLT 9, big-endian, as on the wire).
    public var features: [UInt8]
    public var chainHash: Hash32
    public var shortChannelID: ShortChannelID
    /// The lexicographically lesser of the two compressed node ids.
    public var nodeID1: SerializedPoint
    public var nodeID2: SerializedPoint
    /// `node_id_1`'s funding key.
    public var bitcoinKey1: SerializedPoint
    /// `node_id_2`'s funding key.
    public var bitcoinKey2: SerializedPoint
    public var excessData: [UInt8]

    public init(
        nodeSignature1: CompactSignature = .zero, nodeSignature2: CompactSignature = .zero,
        bitcoinSignature1: CompactSignature = .zero, bitcoinSignature2: CompactSignature = .zero,
        features: [UInt8] = [], chainHash: Hash32, shortChannelID: ShortChannelID,
        nodeID1: SerializedPoint, nodeID2: SerializedPoint, bitcoinKey1: SerializedPoint, bitcoinKey2: SerializedPoint,
        excessData: [UInt8] = []
    ) {
        self.nodeSignature1 = nodeSignature1
        self.nodeSignature2 = nodeSignature2
        self.bitcoinSignature1 = bitcoinSignature1
        self.bitcoinSignature2 = bitcoinSignature2
        self.features = features
        self.chainHash = chainHash
        self.shortChannelID = shortChannelID
        self.nodeID1 = nodeID1
        self.nodeID2 = nodeID2
        self.bitcoinKey1 = bitcoinKey1
        self.bitcoinKey2 = bitcoinKey2
        self.excessData = excessData
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        nodeSignature1 = try reader.read()
        nodeSignature2 = try reader.read()
        bitcoinSignature1 = try reader.read()
        bitcoinSignature2 = try reader.read()
        features = try reader.readU16Prefixed()
        chainHash = try reader.read()
        shortChannelID = try reader.readShortChannelID()
        nodeID1 = try reader.read()
        nodeID2 = try reader.read()
        bitcoinKey1 = try reader.read()
        bitcoinKey2 = try reader.read()
        excessData = try reader.readRemaining()
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(nodeSignature1)
        writer.write(nodeSignature2)
        writer.write(bitcoinSignature1)
        writer.write(bitcoinSignature2)
        try writeSignedFields(to: &writer)
    }

    /// Everything after the four signatures: what BOLT 7's hash `h` covers.
    public func writeSignedFields(to writer: inout WireWriter) throws(WireError) {
        try writer.writeU16Prefixed(features, field: "features")
        writer.write(chainHash)
        writer.writeShortChannelID(shortChannelID)
        writer.write(nodeID1)
        writer.write(nodeID2)
        writer.write(bitcoinKey1)
        writer.write(bitcoinKey2)
        writer.writeBytes(excessData)
    }
}
