/// What a payer learns from one failed attempt, read as lnd reads it
/// (`routing/result_interpretation.go`) and expressed for our `MissionControl`: which channels
/// of the route carried the HTLC, which to penalise and how, whether a `channel_update` may
/// excuse the failure, and whether the payment can go on.
///
/// Channels are numbered as `MissionControl.recordFailure(of:failedHop:at:)` numbers them:
/// channel `k` is the channel into `route.hops[k]` (channel 0 is our own), so the channel out
/// of hop `i` is channel `i + 1`. Where we differ from lnd, the comment at the rule says so.
public struct FailureInterpretation: Hashable, Sendable {
    /// Which rule of the table applied.
    public enum Rule: Hashable, Sendable {
        /// `temporary_channel_failure` from a forwarding node: its outgoing channel could not
        /// carry the amount.
        case liquidity
        /// `channel_disabled`, `unknown_next_peer`, `permanent_channel_failure`,
        /// `required_channel_feature_missing`, `expiry_too_soon` from a forwarding node: its
        /// outgoing channel, whatever the amount. (lnd blames every channel up to the reporting
        /// node for `expiry_too_soon`.)
        case channel
        /// `amount_below_minimum`, `fee_insufficient`, `incorrect_cltv_expiry` from a forwarding
        /// node: its outgoing channel's policy, unless the failure's `channel_update` is new.
        /// (lnd blames the channel into the reporting node, which may have altered the HTLC.)
        case policy
        /// A BADONION failure a forwarding node created for the next hop, which could not read
        /// its onion: the channel between them.
        case unreadableOnion
        /// A NODE failure, `invalid_onion_payload`, or any failure a forwarding node should
        /// not send: the node's channels on the route, both ways.
        case node
        /// `mpp_timeout` from the payee: the part arrived, the set did not complete in time;
        /// the part is sent again.
        case mppTimeout
        /// The payee failed the HTLC for a reason no other route changes
        /// (`incorrect_or_unknown_payment_details`, `final_incorrect_*`, `invalid_onion_payload`,
        /// anything but `mpp_timeout`): the payment ends. (lnd retries `final_incorrect_*` on
        /// another route when the route has more than one hop.)
        case payeeRefused
        /// No hop's failure could be read: every channel of the route (lnd's rule); a direct
        /// payment ends.
        case unreadableFailure
        /// Our channel failed the HTLC before the peer had it (`htlc_failed`): our first
        /// channel. (lnd trusts its link's own state and penalises nothing.)
        case local
    }

    public enum Penalty: Hashable, Sendable {
        /// The channel into `route.hops[channel]` could not carry its amount, in the route's
        /// direction: it holds less.
        case belowAmount(channel: Int)
        /// The channel into `route.hops[channel]` fails whatever the amount, both directions
        /// (lnd's pair failure at amount zero).
        case anyAmount(channel: Int)
    }

    public let rule: Rule
    /// Channels `0..<carried` carried their amounts (the failing hop had the HTLC).
    public let carried: Int
    public let penalties: [Penalty]
    /// The hop whose node failed, for a node rule.
    public let failedNode: Int?
    /// The channel whose policy the route may have used out of date: a `channel_update` in
    /// the failure that changes what the route assumed excuses the failure once (lnd's second
    /// chance): nothing is learned and the payment is retried.
    public let updatableChannel: Int?
    /// No retry can succeed: the payment ends.
    public let endsPayment: Bool

    public init(rule: Rule, carried: Int, penalties: [Penalty], failedNode: Int? = nil, updatableChannel: Int? = nil,
                endsPayment: Bool = false) {
        self.rule = rule
        self.carried = carried
        self.penalties = penalties
        self.failedNode = failedNode
        self.updatableChannel = updatableChannel
        self.endsPayment = endsPayment
    }

    /// `failure` of an attempt along a route of `hopCount` hops.
    public init(_ failure: PaymentFailure, hopCount: Int) {
        let count = max(hopCount, 1)
        guard let index = failure.hopIndex, (0..<count).contains(index) else {
            if failure.hopIndex == nil && failure.code == "htlc_failed" {
                self.init(rule: .local, carried: 0, penalties: [.anyAmount(channel: 0)])
            } else if count == 1 {
                // A direct payment: the payee must be at fault.
                self = .node(0, hopCount: count, rule: .unreadableFailure, endsPayment: true)
            } else {
                self.init(rule: .unreadableFailure, carried: 0, penalties: (0..<count).map { .anyAmount(channel: $0) })
            }
            return
        }
        if failure.failingNodeCouldNotReadOnion, failure.failure?.isBadOnion == true {
            // Our peer could not read what we sent it: lnd blames the peer, and a direct
            // payment ends.
            self = .node(index, hopCount: count, rule: .unreadableOnion, endsPayment: count == 1)
        } else if index == count - 1 {
            self = .fromPayee(failure.failure, hopCount: count)
        } else {
            self = .fromForwarder(index, failure.failure, hopCount: count)
        }
    }

    /// The node of hop `index` failed: the channels into and out of it, both ways.
    static func node(_ index: Int, hopCount: Int, rule: Rule, endsPayment: Bool = false) -> FailureInterpretation {
        let channels = index + 1 < hopCount ? [index, index + 1] : [index]
        return FailureInterpretation(rule: rule, carried: index, penalties: channels.map { .anyAmount(channel: $0) },
                                     failedNode: index, endsPayment: endsPayment)
    }

    private static func fromPayee(_ failure: OnionFailure?, hopCount: Int) -> FailureInterpretation {
        let last = hopCount - 1
        guard let failure else { return node(last, hopCount: hopCount, rule: .payeeRefused, endsPayment: true) }
        switch failure {
        case .mppTimeout:
            return FailureInterpretation(rule: .mppTimeout, carried: hopCount, penalties: [])
        case .incorrectOrUnknownPaymentDetails:
            return FailureInterpretation(rule: .payeeRefused, carried: hopCount, penalties: [], endsPayment: true)
        case .finalIncorrectCLTVExpiry, .finalIncorrectHTLCAmount:
            // The payee, or the hop before it that altered the HTLC: the last channel.
            guard hopCount > 1 else { return node(last, hopCount: hopCount, rule: .payeeRefused, endsPayment: true) }
            return FailureInterpretation(rule: .payeeRefused, carried: last, penalties: [.anyAmount(channel: last)], endsPayment: true)
        case .invalidRealm, .temporaryNodeFailure, .permanentNodeFailure, .requiredNodeFeatureMissing, .invalidOnionVersion,
             .invalidOnionHMAC, .invalidOnionKey, .temporaryChannelFailure, .permanentChannelFailure, .requiredChannelFeatureMissing,
             .unknownNextPeer, .amountBelowMinimum, .feeInsufficient, .incorrectCLTVExpiry, .expiryTooSoon, .channelDisabled,
             .expiryTooFar, .invalidOnionPayload, .invalidOnionBlinding, .unknown:
            return node(last, hopCount: hopCount, rule: .payeeRefused, endsPayment: true)
        }
    }

    private static func fromForwarder(_ index: Int, _ failure: OnionFailure?, hopCount: Int) -> FailureInterpretation {
        let outgoing = index + 1
        guard let failure else { return node(index, hopCount: hopCount, rule: .node) }
        switch failure {
        case .temporaryChannelFailure:
            return FailureInterpretation(rule: .liquidity, carried: outgoing, penalties: [.belowAmount(channel: outgoing)],
                                         updatableChannel: outgoing)
        case .channelDisabled:
            return FailureInterpretation(rule: .channel, carried: outgoing, penalties: [.anyAmount(channel: outgoing)],
                                         updatableChannel: outgoing)
        case .unknownNextPeer, .permanentChannelFailure, .requiredChannelFeatureMissing, .expiryTooSoon:
            return FailureInterpretation(rule: .channel, carried: outgoing, penalties: [.anyAmount(channel: outgoing)])
        case .amountBelowMinimum, .feeInsufficient, .incorrectCLTVExpiry:
            return FailureInterpretation(rule: .policy, carried: outgoing, penalties: [.anyAmount(channel: outgoing)],
                                         updatableChannel: outgoing)
        case .invalidOnionVersion, .invalidOnionHMAC, .invalidOnionKey:
            return FailureInterpretation(rule: .unreadableOnion, carried: outgoing, penalties: [.anyAmount(channel: outgoing)])
        case .unknown:
            // A code we do not know, relayed for the next hop if BADONION (BOLT 2 relays any).
            guard failure.isBadOnion else { return node(index, hopCount: hopCount, rule: .node) }
            return FailureInterpretation(rule: .unreadableOnion, carried: outgoing, penalties: [.anyAmount(channel: outgoing)])
        case .temporaryNodeFailure, .permanentNodeFailure, .requiredNodeFeatureMissing, .invalidOnionPayload, .invalidRealm,
             .incorrectOrUnknownPaymentDetails, .finalIncorrectCLTVExpiry, .finalIncorrectHTLCAmount, .expiryTooFar, .mppTimeout,
             .invalidOnionBlinding:
            // invalid_onion_blinding outside a blinded route is a failure it should not send.
            return node(index, hopCount: hopCount, rule: .node)
        }
    }
}
