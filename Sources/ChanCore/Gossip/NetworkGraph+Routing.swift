extension NetworkGraph {
    /// The pathfinder's graph: every announced channel with the policies of its updated
    /// directions (a direction without an update is not usable), node aliases from node
    /// announcements, then `extraEdges` (our private channels, route hints), whose policy
    /// replaces an announced one for the same channel direction.
    ///
    /// BOLT 7's unknown even features: a channel whose announcement has an even feature bit
    /// outside `understoodChannelFeatures` is left out, and so are the forwarding directions of
    /// a node whose announcement has one outside `understoodNodeFeatures` (such a node may
    /// still be paid, never routed through).
    public func routingGraph(
        extraEdges: [ExtraEdge] = [],
        understoodNodeFeatures: FeatureBits = .node,
        understoodChannelFeatures: FeatureBits = FeatureBits()
    ) -> ChannelGraph {
        var builder = ChannelGraphBuilder()
        var unroutableNodes: Set<NodeID> = []
        for (node, announcement) in nodeAnnouncements {
            builder.addNode(node, alias: announcement.message.alias.text)
            let features = FeatureBits(bytes: announcement.message.features)
            if !understoodNodeFeatures.unknownRequired(in: features).isEmpty { unroutableNodes.insert(node) }
        }
        for channel in channels.values {
            let features = FeatureBits(bytes: channel.announcement.message.features)
            guard understoodChannelFeatures.unknownRequired(in: features).isEmpty else { continue }
            let ends = channel.ends
            builder.addChannel(channel.shortChannelID, between: ends.nodeID1, and: ends.nodeID2, capacity: channel.capacity)
            for update in channel.updates {
                let source = update.message.direction == .fromNode1 ? ends.nodeID1 : ends.nodeID2
                guard !unroutableNodes.contains(source) else { continue }
                builder.addPolicy(update.message.policy, channel: channel.shortChannelID, from: source)
            }
        }
        for edge in extraEdges {
            builder.addDirection(
                edge.shortChannelID, from: edge.source, to: edge.target, capacity: edge.capacity, policy: edge.policy)
        }
        return builder.build()
    }
}
