import ChanLedger

/// The public channel graph, compact and immutable: node ids interned to dense indices,
/// channels sorted by short channel id, and each node's incoming edges stored contiguously
/// (CSR) for the pathfinder's backward search. Build one with `ChannelGraphBuilder` or the
/// importers in `GraphImporter`.
public struct ChannelGraph: Sendable {
    let storage: GraphStorage

    init(storage: GraphStorage) { self.storage = storage }

    public var nodeCount: Int { storage.nodeIDs.count }
    public var channelCount: Int { storage.channelScid.count }
    /// Channel directions that have a policy, enabled or not.
    public var edgeCount: Int { storage.edgeSource.count }
    public var format: GraphFormat { storage.format }
    /// Entries the importer left out because they contradicted earlier ones.
    public var skippedEntries: Int { storage.skippedEntries }

    // MARK: Nodes

    public func nodeID(_ node: NodeIndex) -> NodeID { storage.nodeIDs[Int(node.rawValue)] }

    /// The node's alias when the file gave one.
    public func alias(_ node: NodeIndex) -> String? {
        let index = Int(node.rawValue)
        guard index < storage.aliases.count, !storage.aliases[index].isEmpty else { return nil }
        return storage.aliases[index]
    }

    /// The index of a node id, found by binary search (nodes are sorted by id).
    public func node(_ id: NodeID) -> NodeIndex? {
        var low = 0
        var high = storage.nodeIDs.count
        while low < high {
            let middle = (low + high) / 2
            if storage.nodeIDs[middle] < id { low = middle + 1 } else { high = middle }
        }
        guard low < storage.nodeIDs.count, storage.nodeIDs[low] == id else { return nil }
        return NodeIndex(Int32(low))
    }

    /// The node a test graph marks as `"source": true`, if any.
    public var defaultPayer: NodeIndex? {
        storage.defaultPayer >= 0 ? NodeIndex(storage.defaultPayer) : nil
    }

    // MARK: Channels

    public func channel(_ channel: ChannelIndex) -> GraphChannel {
        let index = Int(channel.rawValue)
        return GraphChannel(
            shortChannelID: ShortChannelID(rawValue: storage.channelScid[index]),
            node1: NodeIndex(storage.channelNode1[index]),
            node2: NodeIndex(storage.channelNode2[index]),
            capacity: Satoshi(storage.channelCapacitySat[index])
        )
    }

    /// The channel with this short id, found by binary search.
    public func channel(_ id: ShortChannelID) -> ChannelIndex? {
        var low = 0
        var high = storage.channelScid.count
        while low < high {
            let middle = (low + high) / 2
            if storage.channelScid[middle] < id.rawValue { low = middle + 1 } else { high = middle }
        }
        guard low < storage.channelScid.count, storage.channelScid[low] == id.rawValue else { return nil }
        return ChannelIndex(Int32(low))
    }

    /// The edge for one direction of a channel, nil when that end published no policy.
    public func edge(_ channel: ChannelIndex, _ direction: ChannelDirection) -> EdgeIndex? {
        let edge = storage.channelEdge[Int(channel.rawValue) * 2 + Int(direction.rawValue)]
        return edge >= 0 ? EdgeIndex(edge) : nil
    }

    /// The edge for a short channel id and direction, nil when unknown.
    public func edge(_ id: ShortChannelID, _ direction: ChannelDirection) -> EdgeIndex? {
        channel(id).flatMap { edge($0, direction) }
    }

    // MARK: Edges

    public func edge(_ edge: EdgeIndex) -> DirectedChannel {
        let e = Int(edge.rawValue)
        let channel = Int(storage.edgeChannel[e])
        return DirectedChannel(
            edge: edge,
            shortChannelID: ShortChannelID(rawValue: storage.channelScid[channel]),
            direction: storage.edgeDirection[e] == 0 ? .fromNode1 : .fromNode2,
            source: NodeIndex(storage.edgeSource[e]),
            target: NodeIndex(storage.edgeTarget[e]),
            capacity: Satoshi(storage.channelCapacitySat[channel]),
            policy: policy(edge)
        )
    }

    public func policy(_ edge: EdgeIndex) -> ChannelPolicy {
        let e = Int(edge.rawValue)
        return ChannelPolicy(
            feeBase: MilliSatoshi(UInt64(storage.edgeFeeBaseMsat[e])),
            feeProportionalMillionths: storage.edgeFeeProportional[e],
            cltvExpiryDelta: storage.edgeCltvDelta[e],
            htlcMinimum: MilliSatoshi(storage.edgeHtlcMinimumMsat[e]),
            htlcMaximum: MilliSatoshi(storage.edgeHtlcMaximumMsat[e]),
            disabled: storage.edgeDisabled[e]
        )
    }
}

/// A channel between two nodes; `node1` has the smaller id (BOLT 7).
public struct GraphChannel: Hashable, Sendable {
    public let shortChannelID: ShortChannelID
    public let node1: NodeIndex
    public let node2: NodeIndex
    public let capacity: Satoshi
}

/// One direction of a channel with the policy of the node it leaves.
public struct DirectedChannel: Hashable, Sendable {
    public let edge: EdgeIndex
    public let shortChannelID: ShortChannelID
    public let direction: ChannelDirection
    public let source: NodeIndex
    public let target: NodeIndex
    public let capacity: Satoshi
    public let policy: ChannelPolicy
}
