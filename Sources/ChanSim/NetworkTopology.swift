import ChanCore
import ChanLedger

/// Which nodes of a simulated network have a channel together. Nodes are numbered 0..<K; the
/// lower-numbered end of each edge opens its channel.
public enum NetworkTopology: String, CaseIterable, Hashable, Sendable {
    /// 0-1-2-..-(K-1): every payment between non-neighbours is forwarded, each pair has one path.
    case line
    /// The line plus the chord 0-2 (for K = 3, a triangle): two paths between some pairs.
    case triangle
    /// The line closed into a ring by (K-1)-0: two paths between every pair.
    case ring

    /// The edges for `nodeCount` nodes (at least 2), each as (opener, acceptor), in channel order.
    public func edges(nodeCount: Int) -> [NetworkEdgeEnds] {
        var edges = (0..<max(nodeCount - 1, 0)).map { NetworkEdgeEnds(opener: $0, acceptor: $0 + 1) }
        switch self {
        case .line:
            break
        case .triangle:
            if nodeCount >= 3 { edges.append(NetworkEdgeEnds(opener: 0, acceptor: 2)) }
        case .ring:
            if nodeCount >= 3 { edges.append(NetworkEdgeEnds(opener: 0, acceptor: nodeCount - 1)) }
        }
        return edges
    }
}

/// The two nodes of one channel of the network: the opener (alice of its link) and the acceptor (bob).
public struct NetworkEdgeEnds: Hashable, Sendable {
    public let opener: Int
    public let acceptor: Int

    public init(opener: Int, acceptor: Int) {
        self.opener = opener
        self.acceptor = acceptor
    }

    /// The side of the link `node` is on (nil if it is not an end).
    public func side(of node: Int) -> PairSide? {
        if node == opener { return .alice }
        if node == acceptor { return .bob }
        return nil
    }

    public func node(at side: PairSide) -> Int { side == .alice ? opener : acceptor }

    public func other(than node: Int) -> Int { node == opener ? acceptor : opener }

    public func contains(_ node: Int) -> Bool { node == opener || node == acceptor }
}

/// How a simulated network is built: its nodes and channels, each channel's size and what each
/// side asks of the other, and each node's forwarding policy.
public struct NetworkConfiguration: Hashable, Sendable {
    public static let nodeCounts: ClosedRange<Int> = 3...5

    /// Derives every key, wallet, preimage and onion session key: a different seed, different txids.
    public var keySeed: UInt64
    public var nodeCount: Int
    public var topology: NetworkTopology
    public var capacity: Satoshi
    /// What the opener gives the acceptor at open (half the capacity: both can pay at once).
    public var pushAmount: MilliSatoshi
    public var feeratePerKw: UInt32
    public var channelConfig: ChannelConfig
    public var minimumDepth: UInt32
    /// Each node's forwarding policy (indexed by node).
    public var policies: [ForwardingPolicy]
    public var startTime: UInt64

    public init(keySeed: UInt64, nodeCount: Int, topology: NetworkTopology, capacity: Satoshi = Satoshi(1_000_000),
                feeratePerKw: UInt32 = 2500, policies: [ForwardingPolicy]? = nil, minimumDepth: UInt32 = 3,
                startTime: UInt64 = 1_700_000_000) {
        self.keySeed = keySeed
        self.nodeCount = nodeCount
        self.topology = topology
        self.capacity = capacity
        self.pushAmount = MilliSatoshi(capacity.value * 500)
        self.feeratePerKw = feeratePerKw
        var config = ChannelConfig.defaults(capacity: capacity)
        config.toSelfDelay = 12
        config.maxAcceptedHTLCs = 30
        self.channelConfig = config
        self.minimumDepth = minimumDepth
        self.policies = policies ?? Array(repeating: ForwardingPolicy(), count: nodeCount)
        self.startTime = startTime
    }

    /// A network of `nodeCount` nodes in `topology`, with a channel size, feerate and
    /// forwarding policies (base fee, proportional fee, CLTV delta) drawn from `random`.
    public static func random(keySeed: UInt64, nodeCount: Int, topology: NetworkTopology,
                              using random: inout SimulationRandom) -> NetworkConfiguration {
        let capacity = Satoshi(random.uint64(in: 200_000...2_000_000))
        let feerate = UInt32(random.uint64(in: 253...5000))
        let policies = (0..<nodeCount).map { _ in
            ForwardingPolicy(feeBase: MilliSatoshi(random.uint64(in: 0...2000)),
                             feeProportionalMillionths: UInt32(random.uint64(in: 0...2000)),
                             cltvExpiryDelta: UInt16(random.uint64(in: 18...80)))
        }
        return NetworkConfiguration(keySeed: keySeed, nodeCount: nodeCount, topology: topology, capacity: capacity,
                                    feeratePerKw: feerate, policies: policies)
    }

    public var edges: [NetworkEdgeEnds] { topology.edges(nodeCount: nodeCount) }
}
