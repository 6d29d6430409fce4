import ChanLedger

/// A channel of the public network as one node knows it: its announcement, what the
/// announcement proves (`ends`), and the latest `channel_update` of each direction.
public struct AnnouncedChannel: Hashable, Sendable {
    public let announcement: GossipRecord<ChannelAnnouncement>
    public let ends: ChannelEnds
    /// From `node_id_1` (channel_flags bit 0 clear).
    public internal(set) var update1: GossipRecord<ChannelUpdateMessage>?
    /// From `node_id_2`.
    public internal(set) var update2: GossipRecord<ChannelUpdateMessage>?

    public var shortChannelID: ShortChannelID { ends.shortChannelID }
    public var capacity: Satoshi { ends.capacity }

    public func update(_ direction: ChannelDirection) -> GossipRecord<ChannelUpdateMessage>? {
        switch direction {
        case .fromNode1: update1
        case .fromNode2: update2
        }
    }

    mutating func setUpdate(_ update: GossipRecord<ChannelUpdateMessage>) {
        switch update.message.direction {
        case .fromNode1: update1 = update
        case .fromNode2: update2 = update
        }
    }

    /// The updates stored, node 1's first.
    public var updates: [GossipRecord<ChannelUpdateMessage>] { [update1, update2].compactMap(\.self) }
}
