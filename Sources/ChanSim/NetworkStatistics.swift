import ChanCore
import ChanLedger

/// What happened in a network run, counted.
public struct NetworkStatistics: Hashable, Sendable {
    public var operations = 0
    public var messagesDelivered = 0
    public var messagesDropped = 0
    public var disconnects = 0
    public var reconnects = 0
    public var restarts = 0
    public var feeUpdates = 0
    public var blocksMined = 0
    public var commandsRefused = 0
    public var commitmentsExchanged = 0
    public var forwards = 0
    public var forwardsSettled = 0
    public var forwardsFailed = 0
    /// Channels' `channel_reestablish` answered by retransmitting something (a revocation,
    /// a signature, or updates): the peer had missed it.
    public var retransmissions = 0
    public var syncChecks = 0
    public var commitCycleChecks = 0
    public var mutualCloses = 0

    public init() {}
}
