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

    /// The view for a payment to `payee` with `hints`; `overrides` are the `channel_update`s its
    /// failures carried, applied to this view alone (a hint's channel takes its update's policy);
    /// `limits` what our channels that refused an add can send, exactly.
    func routingView(hints: [RouteHint] = [], payee: PublicKey? = nil, overrides: [ChannelUpdateMessage] = [],
                     limits: [ShortChannelID: MilliSatoshi] = [:]) -> (graph: ChannelGraph, missionControl: MissionControl) {
        let me = NodeID(publicKey: nodeID)
        var extra: [ExtraEdge] = []
        var knowledge = missionControl
        for channel in channels.values.sorted(by: { $0.keys.index < $1.keys.index }) {
            guard let scid = channel.shortChannelID, let parameters = channel.commitments?.parameters, channel.phase == .normal else { continue }
            if network.channels[scid] == nil {
                extra.append(ExtraEdge(shortChannelID: scid, source: me, target: NodeID(publicKey: channel.peerID),
                                       capacity: parameters.capacity, policy: policySetting(channel.keys.index).policy.channelPolicy()))
            }
            let sendable = canAddHTLC(channel) ? limits[scid] ?? channel.sendEstimate : .zero
            let side = MissionControl.ChannelSide(scid, ChannelDirection(local: nodeID, remote: channel.peerID))
            knowledge.recordAtLeast(sendable, on: side, capacity: parameters.capacity, at: missionClock)
            knowledge.recordBelow((try? sendable.adding(MilliSatoshi(1))) ?? sendable, on: side, capacity: parameters.capacity, at: missionClock)
        }
        if let payee {
            for hint in hints { extra += ExtraEdge.edges(of: hint, payee: NodeID(publicKey: payee), capacity: Node.hintCapacity) }
        }
        var graph = network
        for update in overrides where graph.apply(update) == .unknownChannel {
            for position in extra.indices where extra[position].shortChannelID == update.shortChannelID {
                guard let source = try? PublicKey(compressed: extra[position].source.bytes), update.verifySignature(nodeKey: source) else { continue }
                extra[position].policy = update.policy
            }
        }
        return (graph.routingGraph(extraEdges: extra), knowledge)
    }

    /// `route`: the route the node would try first to `params.to`.
    func route(_ params: RouteParams) throws -> any Encodable & Sendable {
        let payee = try parsePeer(params.to)
        let view = routingView()
        guard let payer = view.graph.node(NodeID(publicKey: nodeID)) else {
            throw APIError(code: "no_route", message: "this node has no usable channel")
        }
        guard let target = view.graph.node(NodeID(publicKey: payee)) else {
            throw APIError(code: "unknown_node", message: "--to \(payee.hex) is not a node of this node's graph")
        }
        let query = RouteQuery(payer: payer, payee: target, amount: params.amountMsat, options: try params.options.routeOptions(),
                               missionControl: view.missionControl, now: missionClock)
        return try RouteAnswer.json(Pathfinder(graph: view.graph), query, multiPart: params.mpp, explain: params.explain)
    }
}
