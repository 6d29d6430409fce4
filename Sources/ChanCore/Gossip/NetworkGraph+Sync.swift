extension NetworkGraph {
    /// Everything to send a peer for a full sync, in the order BOLT 7 requires: each
    /// `channel_announcement` (by short channel id) before its `channel_update`s, and each
    /// `node_announcement` right after the first channel of its node that is sent.
    ///
    /// A channel without any update is not sent (BOLT 7: MUST NOT). With a `filter`, an update
    /// or node announcement is sent when the filter admits its timestamp, and an announcement
    /// when one of its channel's updates is admitted (BOLT 7 dates it by its updates); a node
    /// announcement whose channels are all filtered out is not sent, so none arrives before a
    /// channel of its node.
    public func fullSync(filter: GossipTimestampFilter? = nil) -> [GossipMessage] {
        func admits(_ timestamp: UInt32) -> Bool { filter?.admits(timestamp: timestamp) ?? true }
        var messages: [GossipMessage] = []
        var nodesSent: Set<NodeID> = []
        for id in channels.keys.sorted() {
            let channel = channels[id]!
            let updates = channel.updates.filter { admits($0.message.timestamp) }
            guard !updates.isEmpty else { continue }
            messages.append(.channelAnnouncement(channel.announcement.message))
            messages += updates.map { .channelUpdate($0.message) }
            for node in [channel.ends.nodeID1, channel.ends.nodeID2] where !nodesSent.contains(node) {
                guard let announcement = nodeAnnouncements[node], admits(announcement.message.timestamp) else { continue }
                nodesSent.insert(node)
                messages.append(.nodeAnnouncement(announcement.message))
            }
        }
        return messages
    }
}
