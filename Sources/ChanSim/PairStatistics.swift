import ChanCore
/// What happened during a simulated run, counted.
public struct PairStatistics: Hashable, Sendable {
    /// Random operations carried out (adds, settlements, fee updates, signs, blocks, ...).
    public var operations = 0
    public var htlcsAdded = 0
    /// Outgoing HTLCs reported fulfilled to their sender.
    public var htlcsSettled = 0
    /// Outgoing HTLCs reported failed to their sender (off chain, by a disconnect, or on chain).
    public var htlcsFailed = 0
    /// Commands a channel refused (it threw and changed nothing): expected, not violations.
    public var commandsRefused = 0
    /// `commitment_signed` messages a channel accepted.
    public var commitmentsExchanged = 0
    /// HTLC signatures those carried (each one signed by one side and verified by the other).
    public var htlcSignaturesExchanged = 0
    public var disconnects = 0
    public var messagesDelivered = 0
    /// Messages lost in flight when the connection dropped.
    public var messagesDropped = 0
    public var blocksMined = 0
    /// Confirmed transactions that spend a channel output with a revocation key.
    public var penalties = 0
    /// Broadcasts the ledger refused (mostly claims sent again each block until mined).
    public var broadcastsRefused = 0
    /// Invariant checks done at quiescent points.
    public var invariantChecks = 0
    /// `update_fee` messages delivered (the receiver took them: a refusal is a warning, a violation).
    public var feeUpdates = 0
    /// Updates, signatures and revocations a side sent again on the peer's `channel_reestablish`.
    public var retransmissions = 0
    /// `commitment_signed` delivered to a side that was itself waiting for the peer's
    /// revocation: both sides signed at once, their commitments crossed.
    public var crossedCommitments = 0

    public init() {}
}
