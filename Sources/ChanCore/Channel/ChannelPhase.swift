/// The life of a channel (DESIGN.md section 4); the JSON `state` of a channel.
public enum ChannelPhase: String, Hashable, Sendable, Codable, CaseIterable {
    /// `open_channel` .. `funding_signed`: nothing is on the ledger yet.
    case opening
    /// The funding transaction is broadcast; waiting for `minimum_depth` and `channel_ready`.
    case awaitingFunding = "awaiting_funding"
    /// Payments flow.
    case normal
    /// `shutdown` was sent or received: no new HTLCs, pending ones settle, then fees are negotiated.
    case shuttingDown = "shutting_down"
    /// The mutual close transaction is signed and broadcast; waiting for it to confirm.
    case closing
    /// A commitment is on the ledger (ours, the peer's, or a revoked one); outputs are being claimed.
    case forceClosing = "force_closing"
    /// Every output of the channel is resolved on the ledger.
    case closed
}

/// One entry of a channel's `state_changes`.
public struct StateChange: Hashable, Sendable, Codable {
    /// Seconds since 1970, from the clock the driver injects.
    public let time: UInt64
    public let old: ChannelPhase
    public let new: ChannelPhase
    public let cause: String

    public init(time: UInt64, old: ChannelPhase, new: ChannelPhase, cause: String) {
        self.time = time
        self.old = old
        self.new = new
        self.cause = cause
    }
}
