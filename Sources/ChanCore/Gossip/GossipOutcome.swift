/// What `NetworkGraph.apply` did with a gossip message, so the caller knows whether to relay
/// it (`accepted` only), keep it for later, or warn the peer.
public enum GossipOutcome: Equatable, Sendable {
    /// New: stored, and to be relayed.
    case accepted
    /// The same content is already stored (maybe with another valid signature encoding).
    case duplicate
    /// An update or node announcement no newer (by timestamp) than the one stored.
    case stale
    /// A `channel_update` for a channel not announced (yet). BOLT 7 lets a node ignore it;
    /// the caller may keep it until the announcement arrives, or apply it to its own channel.
    case unknownChannel
    /// A `node_announcement` for a node without an announced channel (yet): likewise.
    case unknownNode
    /// Invalid: not stored. The error says which rule it broke.
    case rejected(GossipError)
}
