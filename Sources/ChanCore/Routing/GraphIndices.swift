/// Dense indices into one `ChannelGraph`. They are meaningless for another graph: persist
/// `NodeID` and `ShortChannelID` instead.
public struct NodeIndex: Hashable, Comparable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = Int32(rawValue) }
    public static func < (lhs: NodeIndex, rhs: NodeIndex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A channel of a `ChannelGraph`; channels are numbered in short channel id order.
public struct ChannelIndex: Hashable, Comparable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (lhs: ChannelIndex, rhs: ChannelIndex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One direction of a channel that has a policy (a "half channel"); edges are numbered by
/// destination node, so a node's incoming edges are one contiguous range.
public struct EdgeIndex: Hashable, Comparable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (lhs: EdgeIndex, rhs: EdgeIndex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which way a payment crosses a channel: BOLT 7's direction bit, 0 when it leaves `node_1`
/// (the endpoint with the lexicographically smaller key), 1 when it leaves `node_2`.
public enum ChannelDirection: UInt8, Hashable, Sendable, Codable {
    case fromNode1 = 0
    case fromNode2 = 1
}
