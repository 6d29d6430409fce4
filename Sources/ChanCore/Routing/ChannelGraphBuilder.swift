import ChanLedger

/// Collects nodes, channels and policies in any order, then freezes them into a
/// `ChannelGraph`. Importers and tests both use it, so a hand-built graph is laid out exactly
/// like an imported one (nodes sorted by id, channels by short channel id).
public struct ChannelGraphBuilder: Sendable {
    private var nodeIDs: [NodeID] = []
    private var aliases: [String] = []
    private var nodeSlots: [NodeID: Int32] = [:]

    private var channelScids: [UInt64] = []
    private var channelCapacitySat: [UInt64] = []
    private var channelEndA: [Int32] = []
    private var channelEndB: [Int32] = []
    private var channelSlots: [UInt64: Int32] = [:]

    private var directions: [PendingDirection] = []
    private var defaultPayerSlot: Int32 = -1

    public var format: GraphFormat = .built
    /// Entries left out because they contradicted an earlier entry for the same channel.
    public private(set) var skippedEntries = 0

    /// One side's policy, kept until `build()` knows where the channel's edges go.
    private struct PendingDirection {
        var channelSlot: Int32
        var source: Int32
        var target: Int32
        var feeBaseMsat: UInt32
        var feeProportional: UInt32
        var cltvDelta: UInt16
        var disabled: Bool
        var htlcMinimumMsat: UInt64
        var htlcMaximumMsat: UInt64
    }

    public init() {}

    /// Adds a node (or gives an existing one its alias).
    public mutating func addNode(_ id: NodeID, alias: String? = nil) {
        let slot = intern(id)
        if let alias, !alias.isEmpty { aliases[Int(slot)] = alias }
    }

    /// Marks the node that pays by default (LND test graphs' `"source": true`).
    public mutating func setDefaultPayer(_ id: NodeID) {
        defaultPayerSlot = intern(id)
    }

    /// Adds a channel (and its nodes) without policies. False, and no channel added, when the
    /// id is already used by a channel between other nodes or the two ends are the same node.
    @discardableResult
    public mutating func addChannel(_ id: ShortChannelID, between a: NodeID, and b: NodeID, capacity: Satoshi) -> Bool {
        channel(id.rawValue, intern(a), intern(b), capacitySat: capacity.value) != nil
    }

    /// Sets the policy of the side of channel `id` that `source` forwards from. False, and
    /// nothing changed, when the channel is unknown, `source` is not one of its ends, or the
    /// base fee does not fit BOLT 7's 32 bits.
    @discardableResult
    public mutating func addPolicy(_ policy: ChannelPolicy, channel id: ShortChannelID, from source: NodeID) -> Bool {
        guard let slot = channelSlots[id.rawValue], let sourceSlot = nodeSlots[source],
              policy.feeBase.value <= UInt64(UInt32.max)
        else { return false }
        let s = Int(slot)
        let target: Int32
        if channelEndA[s] == sourceSlot {
            target = channelEndB[s]
        } else if channelEndB[s] == sourceSlot {
            target = channelEndA[s]
        } else {
            return false
        }
        directions.append(PendingDirection(
            channelSlot: slot, source: sourceSlot, target: target,
            feeBaseMsat: UInt32(policy.feeBase.value), feeProportional: policy.feeProportionalMillionths,
            cltvDelta: policy.cltvExpiryDelta, disabled: policy.disabled,
            htlcMinimumMsat: policy.htlcMinimum.value, htlcMaximumMsat: policy.htlcMaximum.value))
        return true
    }

    /// Adds a channel (if new) and the policy of its `source` side in one call.
    @discardableResult
    public mutating func addDirection(
        _ id: ShortChannelID, from source: NodeID, to target: NodeID, capacity: Satoshi, policy: ChannelPolicy
    ) -> Bool {
        addChannel(id, between: source, and: target, capacity: capacity)
            && addPolicy(policy, channel: id, from: source)
    }

    // MARK: Fast paths for the importers (raw values, already validated)

    mutating func intern(_ id: NodeID) -> Int32 {
        if let slot = nodeSlots[id] { return slot }
        let slot = Int32(nodeIDs.count)
        nodeIDs.append(id)
        aliases.append("")
        nodeSlots[id] = slot
        return slot
    }

    mutating func setAlias(_ slot: Int32, _ alias: String) {
        aliases[Int(slot)] = alias
    }

    /// The slot of channel `scid` between `a` and `b`, creating it; nil (and counted as
    /// skipped) when the id is taken by another pair of nodes, both ends are one node, or the
    /// capacity exceeds all bitcoin (a corrupt file: larger values would overflow the msat and
    /// probability arithmetic of the search).
    mutating func channel(_ scid: UInt64, _ a: Int32, _ b: Int32, capacitySat: UInt64) -> Int32? {
        guard a != b, capacitySat <= Satoshi.maxMoney.value else {
            skippedEntries += 1
            return nil
        }
        if let slot = channelSlots[scid] {
            let s = Int(slot)
            guard (channelEndA[s] == a && channelEndB[s] == b) || (channelEndA[s] == b && channelEndB[s] == a) else {
                skippedEntries += 1
                return nil
            }
            return slot
        }
        let slot = Int32(channelScids.count)
        channelScids.append(scid)
        channelCapacitySat.append(capacitySat)
        channelEndA.append(a)
        channelEndB.append(b)
        channelSlots[scid] = slot
        return slot
    }

    mutating func addDirection(
        scid: UInt64, source: Int32, target: Int32, capacitySat: UInt64,
        feeBaseMsat: UInt32, feeProportional: UInt32, cltvDelta: UInt16,
        htlcMinimumMsat: UInt64, htlcMaximumMsat: UInt64, disabled: Bool
    ) {
        guard let slot = channel(scid, source, target, capacitySat: capacitySat) else { return }
        directions.append(PendingDirection(
            channelSlot: slot, source: source, target: target,
            feeBaseMsat: feeBaseMsat, feeProportional: feeProportional, cltvDelta: cltvDelta,
            disabled: disabled, htlcMinimumMsat: htlcMinimumMsat, htlcMaximumMsat: htlcMaximumMsat))
    }

    mutating func reserve(nodes: Int, channels: Int) {
        nodeIDs.reserveCapacity(nodes)
        aliases.reserveCapacity(nodes)
        nodeSlots.reserveCapacity(nodes)
        channelScids.reserveCapacity(channels)
        channelCapacitySat.reserveCapacity(channels)
        channelEndA.reserveCapacity(channels)
        channelEndB.reserveCapacity(channels)
        channelSlots.reserveCapacity(channels)
        directions.reserveCapacity(channels * 2)
    }

    // MARK: Freezing

    /// Lays the graph out: nodes by id, channels by short channel id, edges by target node
    /// (enabled first, then by short channel id), so two files of the same network give identical graphs.
    public func build() -> ChannelGraph {
        var columns = GraphStorage.Columns()
        columns.format = format
        columns.skippedEntries = skippedEntries

        // Nodes in id order; `nodeRank[slot]` is a node's final index.
        let nodeOrder = nodeIDs.indices.sorted { nodeIDs[$0] < nodeIDs[$1] }
        var nodeRank = [Int32](repeating: 0, count: nodeIDs.count)
        for (rank, slot) in nodeOrder.enumerated() { nodeRank[slot] = Int32(rank) }
        columns.nodeIDs = nodeOrder.map { nodeIDs[$0] }
        columns.aliases = aliases.contains(where: { !$0.isEmpty }) ? nodeOrder.map { aliases[$0] } : []
        columns.defaultPayer = defaultPayerSlot >= 0 ? nodeRank[Int(defaultPayerSlot)] : -1

        // Channels in short channel id order; node1 is the end with the smaller id.
        let channelOrder = channelScids.indices.sorted { channelScids[$0] < channelScids[$1] }
        var channelRank = [Int32](repeating: 0, count: channelScids.count)
        for (rank, slot) in channelOrder.enumerated() { channelRank[slot] = Int32(rank) }
        columns.channelScid = channelOrder.map { channelScids[$0] }
        columns.channelCapacitySat = channelOrder.map { channelCapacitySat[$0] }
        columns.channelNode1 = channelOrder.map { min(nodeRank[Int(channelEndA[$0])], nodeRank[Int(channelEndB[$0])]) }
        columns.channelNode2 = channelOrder.map { max(nodeRank[Int(channelEndA[$0])], nodeRank[Int(channelEndB[$0])]) }

        // The last policy given for a direction wins.
        var directionOfSide = [Int32](repeating: -1, count: channelScids.count * 2)
        for (index, direction) in directions.enumerated() {
            let channel = Int(channelRank[Int(direction.channelSlot)])
            let bit = nodeRank[Int(direction.source)] == columns.channelNode1[channel] ? 0 : 1
            directionOfSide[channel * 2 + bit] = Int32(index)
        }

        // CSR by target node: count, prefix-sum, then place sides in channel order so each
        // node's incoming edges end up sorted by short channel id, enabled ones first (the
        // search stops at `incomingEnabledEnd` and never reads a disabled side).
        let nodeCount = nodeIDs.count
        var start = [Int32](repeating: 0, count: nodeCount + 1)
        var enabledCount = [Int32](repeating: 0, count: nodeCount)
        for side in directionOfSide where side >= 0 {
            let direction = directions[Int(side)]
            let target = Int(nodeRank[Int(direction.target)])
            start[target + 1] += 1
            if !direction.disabled { enabledCount[target] += 1 }
        }
        for node in 0..<nodeCount { start[node + 1] += start[node] }
        let edgeCount = Int(start[nodeCount])
        var nextEnabled = Array(start.dropLast())
        var nextDisabled = (0..<nodeCount).map { start[$0] + enabledCount[$0] }
        var edgeOfSide = [Int32](repeating: -1, count: directionOfSide.count)
        var placed = [Int32](repeating: -1, count: edgeCount)  // edge -> side
        for (side, direction) in directionOfSide.enumerated() where direction >= 0 {
            let pending = directions[Int(direction)]
            let target = Int(nodeRank[Int(pending.target)])
            let edge: Int32
            if pending.disabled {
                edge = nextDisabled[target]
                nextDisabled[target] += 1
            } else {
                edge = nextEnabled[target]
                nextEnabled[target] += 1
            }
            edgeOfSide[side] = edge
            placed[Int(edge)] = Int32(side)
        }
        columns.incomingEnabledEnd = nextEnabled
        columns.incomingStart = start
        columns.channelEdge = edgeOfSide

        columns.edgeSource.reserveCapacity(edgeCount)
        for side in placed {
            let direction = directions[Int(directionOfSide[Int(side)])]
            let channel = Int(side) / 2
            columns.edgeSource.append(nodeRank[Int(direction.source)])
            columns.edgeTarget.append(nodeRank[Int(direction.target)])
            columns.edgeChannel.append(Int32(channel))
            columns.edgeDirection.append(UInt8(side & 1))
            columns.edgeDisabled.append(direction.disabled)
            columns.edgeFeeBaseMsat.append(direction.feeBaseMsat)
            columns.edgeFeeProportional.append(direction.feeProportional)
            columns.edgeCltvDelta.append(direction.cltvDelta)
            columns.edgeHtlcMinimumMsat.append(direction.htlcMinimumMsat)
            columns.edgeHtlcMaximumMsat.append(direction.htlcMaximumMsat)
            let (capacityMsat, overflow) = columns.channelCapacitySat[channel].multipliedReportingOverflow(by: 1000)
            columns.edgeCapacityMsat.append(overflow ? UInt64.max : capacityMsat)
        }
        return ChannelGraph(storage: GraphStorage(columns))
    }
}
