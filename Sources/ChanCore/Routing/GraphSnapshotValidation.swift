import ChanLedger

/// The invariants `ChannelGraphBuilder` guarantees and the pathfinder relies on (it reads the
/// storage without bounds checks), checked on columns read from a snapshot: an index out of
/// range or a broken cross reference would otherwise be a memory error, not a wrong answer.
enum GraphSnapshotValidation {
    static func check(_ columns: GraphStorage.Columns) throws(GraphSnapshotError) {
        let nodeCount = columns.nodeIDs.count
        let channelCount = columns.channelScid.count
        let edgeCount = columns.edgeSource.count

        // Nodes strictly increasing (the lookups binary-search them).
        for node in columns.nodeIDs.indices.dropFirst() where !(columns.nodeIDs[node - 1] < columns.nodeIDs[node]) {
            throw .invalid("node ids out of order at \(node)")
        }
        guard columns.defaultPayer >= -1, Int(columns.defaultPayer) < nodeCount else { throw .invalid("default payer out of range") }

        // CSR offsets: monotonic from 0 to the edge count, enabled ends inside each range.
        guard columns.incomingStart.first == 0, Int(columns.incomingStart[nodeCount]) == edgeCount else {
            throw .invalid("incoming offsets do not span the edges")
        }
        for node in 0..<nodeCount {
            let start = columns.incomingStart[node], end = columns.incomingStart[node + 1]
            let enabledEnd = columns.incomingEnabledEnd[node]
            guard start <= enabledEnd, enabledEnd <= end else { throw .invalid("incoming offsets of node \(node) out of order") }
        }
        // Only now, with every range inside the edges, read the edges by range.
        for node in 0..<nodeCount {
            let start = columns.incomingStart[node], end = columns.incomingStart[node + 1]
            let enabledEnd = columns.incomingEnabledEnd[node]
            for edge in Int(start)..<Int(end) {
                guard Int(columns.edgeTarget[edge]) == node else { throw .invalid("edge \(edge) is filed under another node") }
                guard columns.edgeDisabled[edge] == (edge >= Int(enabledEnd)) else {
                    throw .invalid("edge \(edge) is on the wrong side of its node's enabled end")
                }
            }
        }

        // Channels: ids strictly increasing, two distinct known ends in order, capacity in range.
        for channel in 0..<channelCount {
            guard channel == 0 || columns.channelScid[channel - 1] < columns.channelScid[channel] else {
                throw .invalid("channel ids out of order at \(channel)")
            }
            let node1 = columns.channelNode1[channel], node2 = columns.channelNode2[channel]
            guard node1 >= 0, node1 < node2, Int(node2) < nodeCount else { throw .invalid("channel \(channel) has bad ends") }
            guard columns.channelCapacitySat[channel] <= Satoshi.maxMoney.value else {
                throw .invalid("channel \(channel) holds more than all bitcoin")
            }
        }

        // Edges and channel sides refer to each other one to one.
        for edge in 0..<edgeCount {
            let channel = Int(columns.edgeChannel[edge])
            let direction = columns.edgeDirection[edge]
            guard channel >= 0, channel < channelCount, direction <= 1 else { throw .invalid("edge \(edge) has a bad channel") }
            guard Int(columns.channelEdge[channel * 2 + Int(direction)]) == edge else {
                throw .invalid("edge \(edge) is not its channel's side")
            }
            let (source, target) = direction == 0
                ? (columns.channelNode1[channel], columns.channelNode2[channel])
                : (columns.channelNode2[channel], columns.channelNode1[channel])
            guard columns.edgeSource[edge] == source, columns.edgeTarget[edge] == target else {
                throw .invalid("edge \(edge) does not join its channel's ends")
            }
            guard columns.edgeCapacityMsat[edge] == columns.channelCapacitySat[channel] * 1000 else {
                throw .invalid("edge \(edge) has another capacity than its channel")
            }
        }
        var sides = 0
        for side in columns.channelEdge {
            guard side >= -1, Int(side) < edgeCount else { throw .invalid("a channel side points outside the edges") }
            if side >= 0 { sides += 1 }
        }
        // Every edge names its side and every side at most one edge: the counts must agree.
        guard sides == edgeCount else { throw .invalid("channel sides and edges disagree") }
    }
}
