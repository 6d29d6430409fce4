import ChanCore

/// One event of `chan events` (NDJSON) and what `wait` waits on. `type` says which fields apply.
public struct NodeEvent: Codable, Sendable, Equatable {
    /// `channel`, `htlc`, `payment`, `invoice`, `block`, `peer`.
    public let type: String
    public var channelId: String?
    public var shortChannelId: String?
    public var state: String?
    public var previousState: String?
    public var cause: String?
    public var paymentHash: String?
    public var amountMsat: UInt64?
    public var height: UInt32?
    public var nodeId: String?
    public var connected: Bool?

    public init(type: String, channelId: String? = nil, shortChannelId: String? = nil, state: String? = nil, previousState: String? = nil,
                cause: String? = nil, paymentHash: String? = nil, amountMsat: UInt64? = nil, height: UInt32? = nil,
                nodeId: String? = nil, connected: Bool? = nil) {
        self.type = type
        self.channelId = channelId
        self.shortChannelId = shortChannelId
        self.state = state
        self.previousState = previousState
        self.cause = cause
        self.paymentHash = paymentHash
        self.amountMsat = amountMsat
        self.height = height
        self.nodeId = nodeId
        self.connected = connected
    }

    public static func peer(nodeId: String, connected: Bool) -> NodeEvent { NodeEvent(type: "peer", nodeId: nodeId, connected: connected) }
    public static func block(height: UInt32) -> NodeEvent { NodeEvent(type: "block", height: height) }
}

/// Method `wait`: exactly one condition, and how long to wait for it.
public struct WaitParams: Codable, Sendable, Equatable {
    /// A channel (`channel_id` or `short_channel_id`) reaching `state`.
    public var channel: String?
    public var state: ChannelPhase?
    /// The node having processed this height.
    public var height: UInt32?
    /// A payment (ours, or to an invoice of ours) being settled or failed.
    public var payment: String?
    /// A peer (node id) being connected and ready.
    public var peer: String?
    public let timeoutSeconds: UInt64

    public init(channel: String? = nil, state: ChannelPhase? = nil, height: UInt32? = nil, payment: String? = nil, peer: String? = nil,
                timeoutSeconds: UInt64) {
        self.channel = channel
        self.state = state
        self.height = height
        self.payment = payment
        self.peer = peer
        self.timeoutSeconds = timeoutSeconds
    }
}
