import ChanLedger

/// What to do with an HTLC irrevocably committed to us whose onion goes on.
public enum ForwardingDecision: Hashable, Sendable {
    /// Add `OutgoingHTLC` on its channel; the incoming HTLC waits for its outcome.
    case forward(OutgoingHTLC)
    /// Fail the incoming HTLC with `failure`, encrypted for the sender (`reason` of
    /// `update_fail_htlc`).
    case fail(reason: [UInt8], failure: OnionFailure)
}

/// The HTLC to add on the outgoing channel for a forward.
public struct OutgoingHTLC: Hashable, Sendable {
    public let shortChannelID: ShortChannelID
    public let amount: MilliSatoshi
    public let cltvExpiry: UInt32
    public let paymentHash: PaymentHash
    /// The onion peeled of our layer, for the next node.
    public let onion: OnionRoutingPacket
    /// What we keep: the incoming amount less `amount`.
    public let fee: MilliSatoshi

    public init(shortChannelID: ShortChannelID, amount: MilliSatoshi, cltvExpiry: UInt32, paymentHash: PaymentHash,
                onion: OnionRoutingPacket, fee: MilliSatoshi) {
        self.shortChannelID = shortChannelID
        self.amount = amount
        self.cltvExpiry = cltvExpiry
        self.paymentHash = paymentHash
        self.onion = onion
        self.fee = fee
    }
}
