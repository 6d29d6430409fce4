import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger

/// The pathfinder's view from this node: the gossip graph, plus our own channels the network
/// does not know (private, or not announced yet) and the invoice's route hints as extra edges;
/// and what the node knows of liquidity: mission control's lessons, and our own channels'
/// balances (each can send about what its channel allows now, `Channel.sendEstimate`; exactly
/// once an add was refused; nothing while its peer is away).
extension Node {
    /// A route hint's channels are unknown to us: a capacity this large makes them look certain.
    static let hintCapacity = Satoshi(1_000_000_000)

    /// `now` on mission control's clock.
    var missionClock: Duration { .seconds(Int64(clamping: now)) }

    /// The graph for a payment to `payee` with `hints`; `overrides` are the `channel_update`s
    /// its failures carried, applied to this graph alone (a hint's channel takes its update's
    /// policy). It changes only with a failure's update: a payment's retries share it.
    func routingGraph(hints: [RouteHint] = [], payee: NodeID? = nil, overrides: [ChannelUpdateMessage] = []) -> ChannelGraph {
        let me = NodeID(publicKey: nodeID)
        var extra: [ExtraEdge] = []
        for channel in ownRoutableChannels() where network.channels[channel.scid] == nil {
            extra.append(ExtraEdge(shortChannelID: channel.scid, source: me, target: NodeID(publicKey: channel.channel.peerID),
                                   capacity: channel.capacity, policy: policySetting(channel.channel.keys.index).policy.channelPolicy()))
        }
        if let payee {
            for hint in hints { extra += ExtraEdge.edges(of: hint, payee: payee, capacity: Node.hintCapacity) }
        }
        var graph = network
        for update in overrides where graph.apply(update) == .unknownChannel {
            for position in extra.indices where extra[position].shortChannelID == update.shortChannelID {
                guard let source = try? PublicKey(compressed: extra[position].source.bytes), update.verifySignature(nodeKey: source) else { continue }
                extra[position].policy = update.policy
            }
        }
        return graph.routingGraph(extraEdges: extra)
    }

    /// Mission control with what our own channels can send now; `limits` what those that
    /// refused an add can send, exactly.
    func liquidityKnowledge(limits: [ShortChannelID: MilliSatoshi] = [:]) -> MissionControl {
        var knowledge = missionControl
        for (scid, capacity, channel) in ownRoutableChannels() {
            let sendable = canAddHTLC(channel) ? limits[scid] ?? channel.sendEstimate : .zero
            let side = MissionControl.ChannelSide(scid, ChannelDirection(local: nodeID, remote: channel.peerID))
            knowledge.recordAtLeast(sendable, on: side, capacity: capacity, at: missionClock)
            knowledge.recordBelow((try? sendable.adding(MilliSatoshi(1))) ?? sendable, on: side, capacity: capacity, at: missionClock)
        }
        return knowledge
    }

    /// Our normal channels with a short channel id, by channel index.
    private func ownRoutableChannels() -> [(scid: ShortChannelID, capacity: Satoshi, channel: ChanCore.Channel)] {
        channels.values.sorted(by: { $0.keys.index < $1.keys.index }).compactMap { channel in
            guard let scid = channel.shortChannelID, let parameters = channel.commitments?.parameters, channel.phase == .normal else { return nil }
            return (scid, parameters.capacity, channel)
        }
    }

    /// `route`: the route the node would try first to `params.to`.
    func route(_ params: RouteParams) throws -> any Encodable & Sendable {
        let payee = try parsePeer(params.to)
        let graph = routingGraph()
        guard let payer = graph.node(NodeID(publicKey: nodeID)) else {
            throw APIError(code: "no_route", message: "this node has no usable channel")
        }
        guard let target = graph.node(NodeID(publicKey: payee)) else {
            throw APIError(code: "unknown_node", message: "--to \(payee.hex) is not a node of this node's graph")
        }
        let query = RouteQuery(payer: payer, payee: target, amount: params.amountMsat, options: try params.options.routeOptions(),
                               missionControl: liquidityKnowledge(), now: missionClock)
        return try RouteAnswer.json(Pathfinder(graph: graph), query, multiPart: params.mpp, explain: params.explain)
    }
}
