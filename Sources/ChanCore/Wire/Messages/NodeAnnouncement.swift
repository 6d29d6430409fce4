/// `node_announcement` (257): a node's alias, colour, features and network addresses, signed
/// by the node. Accepted only for a node that has an announced channel (BOLT 7).
///
/// `addresses` stays raw so the message re-encodes (and its signature checks) exactly as
/// received; `decodedAddresses()` gives the typed list. Trailing bytes are kept raw in
/// `excessData` for the same reason as in `ChannelAnnouncement`.
public struct NodeAnnouncement: WireMessageBody {
    public static let messageType = WireMessageType.nodeAnnouncement

    public var signature: CompactSignature
    /// The node's feature bitmap (BOLT 9, big-endian, as on the wire).
    public var features: [UInt8]
    /// Orders announcements of one node: only a greater one replaces the last.
    public var timestamp: UInt32
    public var nodeID: SerializedPoint
    public var rgbColor: RGBColor
    public var alias: NodeAlias
    /// The address descriptors, as on the wire.
    public var addresses: [UInt8]
    public var excessData: [UInt8]

    public init(
        signature: CompactSignature = .zero, features: [UInt8] = [], timestamp: UInt32, nodeID: SerializedPoint,
        rgbColor: RGBColor = RGBColor(red: 0, green: 0, blue: 0), alias: NodeAlias = .zero, addresses: [UInt8] = [],
        excessData: [UInt8] = []
    ) {
        self.signature = signature
        self.features = features
        self.timestamp = timestamp
        self.nodeID = nodeID
        self.rgbColor = rgbColor
        self.alias = alias
        self.addresses = addresses
        self.excessData = excessData
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        signature = try reader.read()
        features = try reader.readU16Prefixed()
        timestamp = try reader.readU32()
        nodeID = try reader.read()
        rgbColor = try RGBColor(reading: &reader)
        alias = try reader.read()
        addresses = try reader.readU16Prefixed()
        excessData = try reader.readRemaining()
    }

    public func write(to writer: inout WireWriter) throws(WireError) {
        writer.write(signature)
        try writeSignedFields(to: &writer)
    }

    /// Everything after `signature`: what the signature covers.
    public func writeSignedFields(to writer: inout WireWriter) throws(WireError) {
        try writer.writeU16Prefixed(features, field: "features")
        writer.writeU32(timestamp)
        writer.write(nodeID)
        rgbColor.write(to: &writer)
        writer.write(alias)
        try writer.writeU16Prefixed(addresses, field: "addresses")
        writer.writeBytes(excessData)
    }

    /// The typed address descriptors; throws on a malformed list (see `NodeAddress.decodeList`).
    public func decodedAddresses() throws(WireError) -> [NodeAddress] {
        try NodeAddress.decodeList(addresses)
    }
}
