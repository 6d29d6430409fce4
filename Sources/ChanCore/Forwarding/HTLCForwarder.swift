import ChanLedger

/// BOLT 4's rules for a forwarding node: an HTLC irrevocably committed to us whose onion names
/// a channel to go on is forwarded over it if the channel can take it now and the HTLC pays
/// our policy on it, else failed back with the first failure BOLT 4's list gives. Pure: the
/// node peels the onion (`IncomingHTLCPolicy.decide`), looks the channel up and performs the
/// answer.
///
/// The order: the channel (unknown, offline or disabled), then the HTLC against our policy
/// (minimum, maximum, fee, CLTV delta, expiry bounds: BOLT 4's list), and the channel's
/// liquidity last, so that an HTLC breaking the policy learns nothing of the balance (lnd
/// checks the balance before the CLTV delta).
public enum HTLCForwarder {
    /// An outgoing HTLC must expire more than this many blocks above the tip (9): the next
    /// node gives up on an HTLC it fulfilled `Channel.fulfilledHTLCSafetyMargin` (6) blocks
    /// before its expiry, and blocks may be found while the HTLC travels (lnd keeps 3).
    public static let expiryTooSoonMargin: UInt32 = Channel.fulfilledHTLCSafetyMargin + 3
    /// An outgoing HTLC may expire at most this many blocks above the tip (`max_htlc_cltv`):
    /// two weeks, as lnd and the most a channel of ours offers.
    public static let maxOutgoingCLTVDelta: UInt32 = Commitments.maxCLTVExpiryDelta

    /// Forward `incoming` as its peeled `payload` says, with the `next` onion, over `outgoing`
    /// (the channel the payload names, or nil when we have none by that id), or fail it back
    /// with a failure encrypted with the HTLC's `sharedSecret`. An HTLC the current policy
    /// refuses is forwarded if the previous one, still honoured, lets it through.
    public static func decide(_ incoming: CommitmentHTLC, payload: ForwardingHopPayload, next: OnionRoutingPacket,
                              sharedSecret: OnionSharedSecret, currentHeight: UInt32, outgoing: OutgoingChannel?) -> ForwardingDecision {
        let decision = decide(incoming, payload: payload, next: next, sharedSecret: sharedSecret, currentHeight: currentHeight,
                              outgoing: outgoing, policy: outgoing?.policy)
        guard case .fail(_, let failure) = decision, failure.isUpdate, let previous = outgoing?.previousPolicy else { return decision }
        let onEarlierTerms = decide(incoming, payload: payload, next: next, sharedSecret: sharedSecret, currentHeight: currentHeight,
                                    outgoing: outgoing, policy: previous)
        if case .forward = onEarlierTerms { return onEarlierTerms }
        return decision
    }

    private static func decide(_ incoming: CommitmentHTLC, payload: ForwardingHopPayload, next: OnionRoutingPacket, sharedSecret: OnionSharedSecret,
                               currentHeight: UInt32, outgoing: OutgoingChannel?, policy: ForwardingPolicy?) -> ForwardingDecision {
        let refuse = { (failure: OnionFailure) in fail(failure, sharedSecret: sharedSecret) }
        guard let outgoing, let policy else { return refuse(.unknownNextPeer) }
        let update = outgoing.channelUpdate
        switch outgoing.status {
        case .usable: break
        case .offline: return refuse(.temporaryChannelFailure(channelUpdate: update))
        case .disabled: return refuse(.channelDisabled(disabledFlags: 0, channelUpdate: update))
        }

        let amount = payload.amountToForward
        // A channel carries no HTLC of zero, whatever the policy says.
        guard amount >= max(policy.htlcMinimum, MilliSatoshi(1)) else {
            return refuse(.amountBelowMinimum(htlcAmount: amount, channelUpdate: update))
        }
        guard amount <= policy.htlcMaximum else { return refuse(.temporaryChannelFailure(channelUpdate: update)) }
        // BOLT 4 reports the incoming amount: what the sender's fee became on the way here.
        guard let fee = try? policy.fee(forwarding: amount), let earned = try? incoming.amount.subtracting(amount), earned >= fee else {
            return refuse(.feeInsufficient(htlcAmount: incoming.amount, channelUpdate: update))
        }

        let expiry = payload.outgoingCLTVValue
        // `cltv_expiry - cltv_expiry_delta >= outgoing_cltv_value`; the incoming expiry is
        // reported, as lnd and Core Lightning do and the failure's definition reads.
        guard UInt64(incoming.cltvExpiry) >= UInt64(expiry) + UInt64(policy.cltvExpiryDelta) else {
            return refuse(.incorrectCLTVExpiry(cltvExpiry: incoming.cltvExpiry, channelUpdate: update))
        }
        guard UInt64(expiry) > UInt64(currentHeight) + UInt64(expiryTooSoonMargin) else {
            return refuse(.expiryTooSoon(channelUpdate: update))
        }
        guard UInt64(expiry) <= UInt64(currentHeight) + UInt64(maxOutgoingCLTVDelta) else { return refuse(.expiryTooFar) }

        guard amount <= outgoing.sendable else { return refuse(.temporaryChannelFailure(channelUpdate: update)) }
        return .forward(OutgoingHTLC(shortChannelID: outgoing.shortChannelID, amount: amount, cltvExpiry: expiry,
                                     paymentHash: incoming.paymentHash, onion: next, fee: earned))
    }

    /// Fails the incoming HTLC with `failure`, encrypted with its `sharedSecret`: for a forward
    /// the outgoing channel refused after all (it changed since the decision).
    public static func fail(_ failure: OnionFailure, sharedSecret: OnionSharedSecret) -> ForwardingDecision {
        .fail(reason: OnionErrorPacket.reason(failure, sharedSecret: sharedSecret), failure: failure)
    }
}
