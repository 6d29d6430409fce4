import ChanLedger

/// What the node knows, when it decides, of the channel an onion asks it to forward over:
/// whether HTLCs can go on it now, our policy on it, how much it can carry, and the
/// `channel_update` a failure about it returns to the sender.
public struct OutgoingChannel: Hashable, Sendable {
    public enum Status: Hashable, Sendable {
        /// Normal, its peer connected and reestablished: an HTLC can be added now.
        case usable
        /// Normal but its peer is away (disconnected, or not reestablished yet): it may be back
        /// soon, so the failure is temporary.
        case offline
        /// Closing or closed, or disabled in our `channel_update`: it forwards nothing.
        case disabled
    }

    public var shortChannelID: ShortChannelID
    public var status: Status
    public var policy: ForwardingPolicy
    /// The most an HTLC added now can carry (the channel's send limit: balance, reserve, fees,
    /// in-flight caps).
    public var sendable: MilliSatoshi
    /// Our latest `channel_update` for the channel, as sent; empty when there is none (BOLT 4
    /// lets failures leave it out).
    public var channelUpdate: [UInt8]
    /// The policy our latest update replaced, while it is still honoured (BOLT 7: for a while
    /// after a change, senders may have routed on the old one).
    public var previousPolicy: ForwardingPolicy?

    public init(shortChannelID: ShortChannelID, status: Status, policy: ForwardingPolicy, sendable: MilliSatoshi,
                channelUpdate: [UInt8] = [], previousPolicy: ForwardingPolicy? = nil) {
        self.shortChannelID = shortChannelID
        self.status = status
        self.policy = policy
        self.sendable = sendable
        self.channelUpdate = channelUpdate
        self.previousPolicy = previousPolicy
    }
}
