import ChanCrypto

/// A failed payment, as the payer can tell it: who sent the failure back and what it says, so a
/// payment engine can apply the `channel_update` it carries and penalise the right channel.
public struct PaymentFailure: Hashable, Sendable {
    /// The BOLT 4 failure's name (`incorrect_or_unknown_payment_details`, ...) or ours.
    public let code: String
    public let message: String
    /// Which hop failed it (0: our peer), when known: the hop whose shared secret
    /// authenticates the failure.
    public let hopIndex: Int?
    public let failingNode: PublicKey?
    /// The failure as that hop sent it; nil when none could be read, or the HTLC failed
    /// before any hop saw it.
    public let failure: OnionFailure?
    /// True when the failing node itself could not read the onion we sent it: our peer's
    /// `update_fail_malformed_htlc`, which no hop wrapped (a BADONION failure that came back
    /// encrypted is about the hop after the one that sent it).
    public let failingNodeCouldNotReadOnion: Bool

    public init(code: String, message: String, hopIndex: Int?, failingNode: PublicKey?, failure: OnionFailure? = nil,
                failingNodeCouldNotReadOnion: Bool = false) {
        self.code = code
        self.message = message
        self.hopIndex = hopIndex
        self.failingNode = failingNode
        self.failure = failure
        self.failingNodeCouldNotReadOnion = failingNodeCouldNotReadOnion
    }

    /// The `channel_update` the failure carries, when not empty: the failing hop's policy on
    /// its channel to the next hop (the route's `hops[hopIndex + 1]`). BOLT 4 lets the payer
    /// use it for this payment's retries only, never apply it to its graph or gossip it.
    public var channelUpdate: [UInt8]? {
        guard let update = failure?.channelUpdate, !update.isEmpty else { return nil }
        return update
    }

    /// For a BADONION failure, the hop that could not read its onion: the one after the hop
    /// that sent the failure, which turned that hop's `update_fail_malformed_htlc` into it
    /// (BOLT 2). Either of the two may be at fault; lnd penalises the channel between them.
    /// (Past the route's end if the payee sent it: no honest payee does.) Our peer's own
    /// `update_fail_malformed_htlc` names the peer, hop 0.
    public var unreadableOnionHopIndex: Int? {
        guard let hopIndex, failure?.isBadOnion == true else { return nil }
        return failingNodeCouldNotReadOnion ? hopIndex : hopIndex + 1
    }
}
