import ChanLedger

/// `chan -n NAME graph` (method `graph`): the public network as the node learned it from gossip,
/// plus its own private channels (`private: true`), which only it and its peer know.
public struct GraphJSON: Codable, Sendable, Equatable {
    public let nodes: [GraphNodeJSON]
    public let channels: [GraphChannelJSON]

    public init(nodes: [GraphNodeJSON], channels: [GraphChannelJSON]) {
        self.nodes = nodes
        self.channels = channels
    }
}

/// A node of the graph; alias and addresses come from its `node_announcement` (null and empty
/// until one arrived).
public struct GraphNodeJSON: Codable, Sendable, Equatable {
    public let nodeId: String
    public var alias: String?
    public let addresses: [String]
    public var lastUpdate: UInt32?

    public init(nodeId: String, alias: String?, addresses: [String], lastUpdate: UInt32?) {
        self.nodeId = nodeId
        self.alias = alias
        self.addresses = addresses
        self.lastUpdate = lastUpdate
    }
}

/// A channel of the graph: node_1 < node_2 (BOLT 7 order), and the policy each end announced
/// for forwarding out of it (null until its `channel_update` arrived).
public struct GraphChannelJSON: Codable, Sendable, Equatable {
    public let shortChannelId: String
    public let node1: String
    public let node2: String
    public let capacitySat: Satoshi
    public let `private`: Bool
    public var node1Policy: PolicyJSON?
    public var node2Policy: PolicyJSON?

    public init(shortChannelId: String, node1: String, node2: String, capacitySat: Satoshi, isPrivate: Bool,
                node1Policy: PolicyJSON?, node2Policy: PolicyJSON?) {
        self.shortChannelId = shortChannelId
        self.node1 = node1
        self.node2 = node2
        self.capacitySat = capacitySat
        self.private = isPrivate
        self.node1Policy = node1Policy
        self.node2Policy = node2Policy
    }
}

/// What one end of a channel asks for forwarding over it (BOLT 7 `channel_update`).
public struct PolicyJSON: Codable, Sendable, Hashable {
    public let feeBaseMsat: MilliSatoshi
    public let feeProportionalMillionths: UInt32
    public let cltvExpiryDelta: UInt16
    public let htlcMinimumMsat: MilliSatoshi
    public let htlcMaximumMsat: MilliSatoshi
    public let disabled: Bool
    /// The `channel_update` timestamp (seconds since 1970).
    public let lastUpdate: UInt32

    public init(feeBaseMsat: MilliSatoshi, feeProportionalMillionths: UInt32, cltvExpiryDelta: UInt16, htlcMinimumMsat: MilliSatoshi,
                htlcMaximumMsat: MilliSatoshi, disabled: Bool, lastUpdate: UInt32) {
        self.feeBaseMsat = feeBaseMsat
        self.feeProportionalMillionths = feeProportionalMillionths
        self.cltvExpiryDelta = cltvExpiryDelta
        self.htlcMinimumMsat = htlcMinimumMsat
        self.htlcMaximumMsat = htlcMaximumMsat
        self.disabled = disabled
        self.lastUpdate = lastUpdate
    }
}

/// Method `fees_set`: a new policy for one channel (`channel` given) or every channel; fields
/// left null keep their value.
public struct FeesSetParams: Codable, Sendable, Equatable {
    public var channel: String?
    public var feeBaseMsat: MilliSatoshi?
    public var feeProportionalMillionths: UInt32?
    public var cltvExpiryDelta: UInt16?

    public init(channel: String?, feeBaseMsat: MilliSatoshi?, feeProportionalMillionths: UInt32?, cltvExpiryDelta: UInt16?) {
        self.channel = channel
        self.feeBaseMsat = feeBaseMsat
        self.feeProportionalMillionths = feeProportionalMillionths
        self.cltvExpiryDelta = cltvExpiryDelta
    }

    /// Sets `channel` (nil: every channel) to a topology file's policy.
    public init(channel: String?, policy: Topology.Policy) {
        self.init(channel: channel, feeBaseMsat: policy.feeBaseMsat, feeProportionalMillionths: policy.feeProportionalMillionths,
                  cltvExpiryDelta: policy.cltvExpiryDelta)
    }
}

/// `chan -n NAME fees` (method `fees`) and `fees set`: our policy on each of our channels.
public struct FeesResult: Codable, Sendable, Equatable {
    public let channels: [ChannelFeesJSON]
    public init(channels: [ChannelFeesJSON]) { self.channels = channels }
}

public struct ChannelFeesJSON: Codable, Sendable, Equatable {
    public let channelId: String
    public var shortChannelId: String?
    public let peerId: String
    public let policy: PolicyJSON

    public init(channelId: String, shortChannelId: String?, peerId: String, policy: PolicyJSON) {
        self.channelId = channelId
        self.shortChannelId = shortChannelId
        self.peerId = peerId
        self.policy = policy
    }
}
