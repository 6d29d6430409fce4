import ChanCore

/// One event of `chan events` (NDJSON) and what `wait` waits on. `type` says which fields apply.
public struct NodeEvent: Codable, Sendable, Equatable {
    /// `channel`, `htlc`, `payment`, `invoice`, `block`, `peer`.
    public let type: String
    @Nullable public var channelId: String?
    @Nullable public var shortChannelId: String?
    @Nullable public var state: String?
    @Nullable public var previousState: String?
    @Nullable public var cause: String?
    @Nullable public var paymentHash: String?
    @Nullable public var amountMsat: UInt64?
    @Nullable public var height: UInt32?
    @Nullable public var nodeId: String?
    @Nullable public var connected: Bool?

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
    @Nullable public var channel: String?
    @Nullable public var state: ChannelPhase?
    /// The node having processed this height.
    @Nullable public var height: UInt32?
    /// A payment (ours, or to an invoice of ours) being settled or failed.
    @Nullable public var payment: String?
    /// A peer (node id) being connected and ready.
    @Nullable public var peer: String?
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
