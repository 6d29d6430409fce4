/// The BOLT 7 messages that concern the whole network rather than one channel: what a peer
/// session hands to the gossip layer.
public enum GossipMessage: Hashable, Sendable {
    case channelAnnouncement(ChannelAnnouncement)
    case nodeAnnouncement(NodeAnnouncement)
    case channelUpdate(ChannelUpdateMessage)
    case gossipTimestampFilter(GossipTimestampFilter)

    public var wireMessage: WireMessage {
        switch self {
        case .channelAnnouncement(let body): .channelAnnouncement(body)
        case .nodeAnnouncement(let body): .nodeAnnouncement(body)
        case .channelUpdate(let body): .channelUpdate(body)
        case .gossipTimestampFilter(let body): .gossipTimestampFilter(body)
        }
    }
}
