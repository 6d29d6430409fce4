import ChanCore
import ChanLedger

/// One thing a node (or the world) does in a network run. Message deliveries, disconnects and
/// restarts come from the driver between operations (`NetworkSimulation`).
public enum NetworkOperation: Hashable, Sendable {
    /// A payment along `routes` (one per part; each a path of nodes, payer first).
    case pay(NetworkPaymentBook.Kind, amount: MilliSatoshi, routes: [[Int]])
    /// A node signs its channel's pending updates (the daemon signs at the end of its turn).
    case sign(node: Int, edge: Int)
    /// The channel's opener proposes a new commitment feerate (`update_fee`).
    case updateFee(edge: Int, feeratePerKw: UInt32)
    /// A block is found (only when no HTLC expires near it: see `mayMineSafely`).
    case mineBlock

    /// A random operation that makes sense now (it may still be refused: a refusal is fine).
    /// Weights: payments 30 (direct 12, two-hop 10, multi-part 8), signatures 24 (only of
    /// channels with something to sign), fee updates 3, blocks 3.
    public static func random(in harness: NetworkHarness, using random: inout SimulationRandom) -> NetworkOperation {
        let signable = harness.signableChannels
        switch random.weightedIndex([12, 10, 8, signable.isEmpty ? 0 : 24, 3, 3]) ?? 5 {
        case 0:
            let edge = harness.edges[random.element(of: Array(harness.edges.indices))!]
            let payer = random.chance(0.5) ? edge.ends.opener : edge.ends.acceptor
            return .pay(.direct, amount: amount(harness, using: &random), routes: [[payer, edge.ends.other(than: payer)]])
        case 1:
            // A middle node with two neighbours, and a direction.
            let routes = harness.nodes.indices.flatMap { payer in
                harness.nodes.indices.flatMap { payee in harness.paths(from: payer, to: payee, maxHops: 2).filter { $0.count == 3 } }
            }
            guard let route = random.element(of: routes) else { return .mineBlock }
            return .pay(.twoHop, amount: amount(harness, using: &random), routes: [route])
        case 2:
            // Two parts: over two different routes when the topology has them, else the same one twice.
            let payer = random.int(in: 0...harness.nodes.count - 1)
            var payee = random.int(in: 0...harness.nodes.count - 2)
            if payee >= payer { payee += 1 }
            // Sometimes both over the same route: two parts of one payment on the same channels.
            let paths = harness.paths(from: payer, to: payee, maxHops: 4)
            guard let first = paths.first else { return .mineBlock }
            let second = paths.count > 1 && !random.chance(0.2) ? paths[1 + Int(random.below(UInt64(paths.count - 1)))] : first
            return .pay(.multiPart, amount: MilliSatoshi(2 * amount(harness, using: &random).value), routes: [first, second])
        case 3:
            let (node, edge) = random.element(of: signable)!
            return .sign(node: node, edge: edge)
        case 4:
            let edge = random.int(in: 0...harness.edges.count - 1)
            let current = harness.channel(harness.edges[edge].ends.opener, edge)?.commitments?.latestRemote.spec.feeratePerKw ?? 2500
            let feerate = random.chance(0.8)
                ? random.uint64(in: UInt64(max(253, current / 2))...UInt64(max(253, current)) * 3 / 2)
                : random.uint64(in: 253...10_000)
            return .updateFee(edge: edge, feeratePerKw: UInt32(feerate))
        default:
            return .mineBlock
        }
    }

    /// Small (below a typical dust limit), medium and large amounts, with msat remainders.
    static func amount(_ harness: NetworkHarness, using random: inout SimulationRandom) -> MilliSatoshi {
        let capacityMsat = harness.configuration.capacity.value * 1000
        switch random.weightedIndex([25, 55, 20]) ?? 1 {
        case 0: return MilliSatoshi(random.uint64(in: 1000...600_000))
        case 1: return MilliSatoshi(random.uint64(in: 600_000...max(600_000, capacityMsat / 40)))
        default: return MilliSatoshi(random.uint64(in: 1000...capacityMsat / 5))
        }
    }
}

extension NetworkHarness {
    /// Carries out one operation (counted in `statistics.operations`); the clock moves a second.
    public mutating func perform(_ operation: NetworkOperation) {
        statistics.operations += 1
        clock.advance()
        switch operation {
        case .pay(let kind, let amount, let routes):
            pay(kind, amount: amount, routes: routes)
        case .sign(let node, let edge):
            command(node, edge, .sign)
        case .updateFee(let edge, let feerate):
            if command(edges[edge].ends.opener, edge, .updateFee(feeratePerKw: feerate)) { statistics.feeUpdates += 1 }
        case .mineBlock:
            if mayMineSafely { mine() }
        }
        expireParts()
    }

    /// Channels with updates to sign now, as (node, edge).
    public var signableChannels: [(Int, Int)] {
        nodes.indices.flatMap { node in
            nodes[node].channels.keys.sorted().compactMap { edge -> (Int, Int)? in
                guard let channel = channel(node, edge), let commitments = channel.commitments, commitments.localHasChanges,
                      !commitments.isAwaitingRevocation, channel.isConnected, !channel.awaitingReestablish else { return nil }
                return (node, edge)
            }
        }
    }
}
