import ChanCrypto
import ChanLedger

/// A channel direction the routing graph should have although the network did not announce
/// it: one of our private channels, or a hop of an invoice's route hint.
public struct ExtraEdge: Hashable, Sendable {
    public var shortChannelID: ShortChannelID
    /// The node that forwards over the channel, and charges `policy`.
    public var source: NodeID
    public var target: NodeID
    public var capacity: Satoshi
    public var policy: ChannelPolicy

    public init(shortChannelID: ShortChannelID, source: NodeID, target: NodeID, capacity: Satoshi, policy: ChannelPolicy) {
        self.shortChannelID = shortChannelID
        self.source = source
        self.target = target
        self.capacity = capacity
        self.policy = policy
    }

    /// The edges of a BOLT 11 route hint: each hop forwards to the next hop's node, the last
    /// one to `payee`. A hint says nothing of capacity: the caller picks one (a large one
    /// makes the hint look certain to the probability model).
    public static func edges(of hint: RouteHint, payee: NodeID, capacity: Satoshi) -> [ExtraEdge] {
        hint.hops.indices.map { index in
            let hop = hint.hops[index]
            let target = index + 1 < hint.hops.count ? NodeID(publicKey: hint.hops[index + 1].nodeID) : payee
            return ExtraEdge(
                shortChannelID: hop.shortChannelID, source: NodeID(publicKey: hop.nodeID), target: target,
                capacity: capacity, policy: hop.policy)
        }
    }
}
