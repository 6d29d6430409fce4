import ChanLedger

/// Counts that describe a graph, as `chan graph stats` prints them.
public struct GraphStatistics: Sendable, Equatable, Encodable {
    public let format: GraphFormat
    public let nodes: Int
    /// Nodes with at least one channel.
    public let nodesWithChannels: Int
    public let channels: Int
    /// Channel directions with a policy.
    public let directions: Int
    public let enabledDirections: Int
    /// Nodes of the largest connected part, counting every channel in both directions.
    public let largestConnectedNodes: Int
    /// Nodes of the enabled core: the largest connected part over enabled directions only
    /// (where the benchmark draws its payers and payees).
    public let enabledCoreNodes: Int
    public let totalCapacity: Satoshi

    public init(_ graph: ChannelGraph) {
        let storage = graph.storage
        format = graph.format
        nodes = graph.nodeCount
        channels = graph.channelCount
        directions = graph.edgeCount
        enabledDirections = storage.edgeDisabled.reduce(0) { $0 + ($1 ? 0 : 1) }

        var capacity: UInt64 = 0
        var touched = [Bool](repeating: false, count: graph.nodeCount)
        var all = DisjointSets(count: graph.nodeCount)
        for channel in 0..<graph.channelCount {
            capacity &+= storage.channelCapacitySat[channel]
            let a = Int(storage.channelNode1[channel])
            let b = Int(storage.channelNode2[channel])
            touched[a] = true
            touched[b] = true
            all.union(a, b)
        }
        totalCapacity = Satoshi(capacity)
        nodesWithChannels = touched.reduce(0) { $0 + ($1 ? 1 : 0) }
        largestConnectedNodes = all.largestSetSize(among: touched)
        enabledCoreNodes = EnabledCore.nodes(of: graph).count
    }

    enum CodingKeys: String, CodingKey {
        case format, nodes, nodesWithChannels, channels, directions, enabledDirections
        case largestConnectedNodes, enabledCoreNodes
        case totalCapacity = "totalCapacitySat"
    }
}

/// The nodes of the largest connected part of the graph formed by enabled directions,
/// taken as undirected. Random payments between these nodes are the benchmark's workload.
public enum EnabledCore {
    public static func nodes(of graph: ChannelGraph) -> [NodeIndex] {
        let storage = graph.storage
        var sets = DisjointSets(count: graph.nodeCount)
        var touched = [Bool](repeating: false, count: graph.nodeCount)
        for edge in 0..<graph.edgeCount where !storage.edgeDisabled[edge] {
            let a = Int(storage.edgeSource[edge])
            let b = Int(storage.edgeTarget[edge])
            touched[a] = true
            touched[b] = true
            sets.union(a, b)
        }
        guard let root = sets.largestSetRoot(among: touched) else { return [] }
        return (0..<graph.nodeCount).filter { touched[$0] && sets.find($0) == root }.map { NodeIndex(Int32($0)) }
    }
}

/// Union-find with path halving and union by size.
struct DisjointSets {
    private var parent: [Int32]
    private var size: [Int32]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var x = element
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var rootA = find(a)
        var rootB = find(b)
        guard rootA != rootB else { return }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] += size[rootB]
    }

    /// The root of the largest set containing a flagged element (ties: the lowest root).
    mutating func largestSetRoot(among flagged: [Bool]) -> Int? {
        var best: Int?
        for element in flagged.indices where flagged[element] {
            let root = find(element)
            if let current = best {
                if size[root] > size[current] || (size[root] == size[current] && root < current) { best = root }
            } else {
                best = root
            }
        }
        return best
    }

    mutating func largestSetSize(among flagged: [Bool]) -> Int {
        largestSetRoot(among: flagged).map { Int(size[$0]) } ?? 0
    }
}
