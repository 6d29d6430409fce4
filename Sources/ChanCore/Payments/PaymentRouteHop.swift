import ChanCrypto
import ChanLedger

/// One hop of a route as a payment attempt needs it; the same meaning as `RouteHop`, without
/// the graph's indices, so a route can also be written by hand.
public struct PaymentRouteHop: Hashable, Sendable {
    public var nodeID: PublicKey
    /// The channel that reaches this hop. Every hop after the first needs one (the hop before
    /// forwards over it); the first is reached over one of our own channels, nil for any.
    public var shortChannelID: ShortChannelID?
    /// What this hop receives: the payee's amount, plus the fees of the hops after it.
    public var amount: MilliSatoshi
    /// The CLTV delta this hop adds for forwarding to the next (its policy on the next
    /// channel); for the payee, the final CLTV delta the route was found for.
    public var cltvExpiryDelta: UInt32

    public init(nodeID: PublicKey, shortChannelID: ShortChannelID?, amount: MilliSatoshi, cltvExpiryDelta: UInt32) {
        self.nodeID = nodeID
        self.shortChannelID = shortChannelID
        self.amount = amount
        self.cltvExpiryDelta = cltvExpiryDelta
    }
}
