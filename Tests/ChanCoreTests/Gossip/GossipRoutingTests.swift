import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `NetworkGraph.routingGraph` feeding the existing `Pathfinder`: routes over announced
/// channels with the fees their updates announce.
@Suite struct GossipRoutingTests {
    typealias F = GossipFixtures

    /// Nodes 1 - 2 - 3 - 4 in a line; each channel's updates come from the node that pays
    /// towards 4, with the fees of the node that forwards.
    private struct Line {
        let channels = [F.Channel("700000x1x0", 1, 2), F.Channel("700001x1x0", 2, 3), F.Channel("700002x1x0", 3, 4)]
        var graph = NetworkGraph(chainHash: F.chain)

        init(node2Features: FeatureBits = .node, channelFeatures: FeatureBits = FeatureBits()) {
            var channels = self.channels
            channels[1] = F.Channel("700001x1x0", 2, 3, features: channelFeatures)
            for channel in channels {
                #expect(graph.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
            }
            // Node 1 pays its own channel: its policy must never be charged.
            #expect(graph.apply(channels[0].update(from: F.key(1), timestamp: 1, policy: F.policy(base: 999_999, ppm: 999_999, delta: 999))) == .accepted)
            #expect(graph.apply(channels[1].update(from: F.key(2), timestamp: 1, policy: F.policy(base: 1000, ppm: 100, delta: 40))) == .accepted)
            #expect(graph.apply(channels[2].update(from: F.key(3), timestamp: 1, policy: F.policy(base: 500, ppm: 10_000, delta: 80))) == .accepted)
            #expect(graph.apply(F.nodeAnnouncement(F.key(2), timestamp: 1, alias: "bob", features: node2Features)) == .accepted)
            #expect(graph.apply(F.nodeAnnouncement(F.key(3), timestamp: 1, alias: "carol")) == .accepted)
        }
    }

    private func route(_ graph: ChannelGraph, from payer: UInt8, to payee: UInt8, msat: UInt64) throws -> Route {
        let payerIndex = try #require(graph.node(F.nodeID(F.key(payer))))
        let payeeIndex = try #require(graph.node(F.nodeID(F.key(payee))))
        var options = RouteOptions()
        options.useProbability = false
        return try Pathfinder(graph: graph).findRoute(
            RouteQuery(payer: payerIndex, payee: payeeIndex, amount: MilliSatoshi(msat), options: options))
    }

    @Test func routeOverFourNodesChargesTheAnnouncedFees() throws {
        let line = Line()
        let graph = line.graph.routingGraph()
        #expect(graph.nodeCount == 4)
        #expect(graph.channelCount == 3)
        #expect(graph.edgeCount == 3)
        let route = try route(graph, from: 1, to: 4, msat: 1_000_000)
        // Node 3: 500 + 1_000_000 * 10_000 / 1e6 = 10_500; node 2: 1000 + floor(1_010_500 * 100 / 1e6) = 1101.
        #expect(route.hops.map(\.nodeID) == [F.nodeID(F.key(2)), F.nodeID(F.key(3)), F.nodeID(F.key(4))])
        #expect(route.hops.map(\.shortChannelID.description) == ["700000x1x0", "700001x1x0", "700002x1x0"])
        #expect(route.hops.map(\.fee.value) == [1101, 10_500, 0])
        #expect(route.hops.map(\.amount.value) == [1_011_601, 1_010_500, 1_000_000])
        #expect(route.fee == MilliSatoshi(11_601))
        #expect(route.hops.map(\.cltvExpiryDelta).prefix(2) == [40, 80])
        #expect(route.hops.map(\.capacity) == [Satoshi(1_000_000), Satoshi(1_000_000), Satoshi(1_000_000)])
        // Aliases come from the node announcements.
        #expect(graph.alias(try #require(graph.node(F.nodeID(F.key(2))))) == "bob")
        #expect(graph.alias(try #require(graph.node(F.nodeID(F.key(3))))) == "carol")
        #expect(graph.alias(try #require(graph.node(F.nodeID(F.key(4))))) == nil)
    }

    @Test func aNewerUpdateChangesTheFee() throws {
        var line = Line()
        let newer = line.channels[2].update(from: F.key(3), timestamp: 2, policy: F.policy(base: 0, ppm: 0, delta: 80))
        #expect(line.graph.apply(newer) == .accepted)
        let route = try route(line.graph.routingGraph(), from: 1, to: 4, msat: 1_000_000)
        #expect(route.hops.map(\.fee.value) == [1100, 0, 0])
    }

    @Test func aDirectionWithoutUpdateIsNotUsable() throws {
        let line = Line()
        // Node 4 never announced its policy: no route from 4 back to 1.
        let graph = line.graph.routingGraph()
        #expect(graph.edge(line.channels[2].shortChannelID, .fromNode1) == nil
            || graph.edge(line.channels[2].shortChannelID, .fromNode2) == nil)
        #expect(throws: RoutingError.self) { try route(graph, from: 4, to: 1, msat: 1000) }
        // Without node 3's update, 1 cannot reach 4 either.
        var withoutThree = NetworkGraph(chainHash: F.chain)
        for channel in line.channels {
            #expect(withoutThree.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
        }
        #expect(withoutThree.apply(line.channels[0].update(from: F.key(1), timestamp: 1, policy: F.policy())) == .accepted)
        #expect(withoutThree.apply(line.channels[1].update(from: F.key(2), timestamp: 1, policy: F.policy())) == .accepted)
        #expect(throws: RoutingError.self) { try route(withoutThree.routingGraph(), from: 1, to: 4, msat: 1000) }
        #expect(try route(withoutThree.routingGraph(), from: 1, to: 3, msat: 1000).hops.count == 2)
    }

    @Test func disabledUpdatesAreNotRoutedThrough() throws {
        var line = Line()
        var disabled = F.policy(base: 1000, ppm: 100, delta: 40)
        disabled.disabled = true
        #expect(line.graph.apply(line.channels[1].update(from: F.key(2), timestamp: 2, policy: disabled)) == .accepted)
        #expect(throws: RoutingError.self) { try route(line.graph.routingGraph(), from: 1, to: 4, msat: 1000) }
    }

    @Test func unknownEvenChannelFeaturesKeepTheChannelOutOfRoutes() throws {
        let line = Line(channelFeatures: FeatureBits([60]))
        let graph = line.graph.routingGraph()
        #expect(graph.channelCount == 2)
        #expect(throws: RoutingError.self) { try route(graph, from: 1, to: 4, msat: 1000) }
        // Understood, it is routable; an unknown odd bit never mattered.
        #expect(try route(line.graph.routingGraph(understoodChannelFeatures: FeatureBits([60])), from: 1, to: 4, msat: 1000).hops.count == 3)
        #expect(try route(Line(channelFeatures: FeatureBits([61])).graph.routingGraph(), from: 1, to: 4, msat: 1000).hops.count == 3)
    }

    @Test func aNodeWithUnknownEvenFeaturesIsPaidButNotRoutedThrough() throws {
        let line = Line(node2Features: FeatureBits([1, 8, 12, 14, 100]))
        let graph = line.graph.routingGraph()
        #expect(throws: RoutingError.self) { try route(graph, from: 1, to: 4, msat: 1000) }
        #expect(try route(graph, from: 1, to: 2, msat: 1000).hops.count == 1)
        #expect(try route(line.graph.routingGraph(understoodNodeFeatures: FeatureBits([1, 8, 12, 14, 100])), from: 1, to: 4, msat: 1000)
            .hops.count == 3)
    }

    @Test func extraEdgesAddPrivateChannelsAndRouteHints() throws {
        let line = Line()
        // A private channel 4 -> 5 that only its ends know, as node 5's invoice hints it.
        let hint = RouteHint(hops: [RouteHintHop(
            nodeID: F.key(4).publicKey, shortChannelID: try ShortChannelID(text: "700003x1x0"),
            feeBase: MilliSatoshi(7), feeProportionalMillionths: 1000, cltvExpiryDelta: 24)])
        let edges = ExtraEdge.edges(of: hint, payee: F.nodeID(F.key(5)), capacity: Satoshi(500_000))
        #expect(edges == [ExtraEdge(
            shortChannelID: try ShortChannelID(text: "700003x1x0"), source: F.nodeID(F.key(4)), target: F.nodeID(F.key(5)),
            capacity: Satoshi(500_000), policy: ChannelPolicy(feeBase: MilliSatoshi(7), feeProportionalMillionths: 1000, cltvExpiryDelta: 24))])
        let graph = line.graph.routingGraph(extraEdges: edges)
        let route = try route(graph, from: 1, to: 5, msat: 1_000_000)
        // Node 4: 7 + 1000 = 1007; node 3: 500 + floor(1_001_007 * 0.01) = 10_510; node 2: 1000 + floor(1_011_517 * 100 / 1e6) = 1101.
        #expect(route.hops.map(\.fee.value) == [1101, 10_510, 1007, 0])
        #expect(route.hops.last?.nodeID == F.nodeID(F.key(5)))
        #expect(route.hops.last?.capacity == Satoshi(500_000))
    }

    @Test func anExtraEdgeReplacesTheAnnouncedPolicyOfItsDirection() throws {
        let line = Line()
        // Our own view of node 3's channel to 4 (say, we are node 3 and changed our fee).
        let own = ExtraEdge(
            shortChannelID: line.channels[2].shortChannelID, source: F.nodeID(F.key(3)), target: F.nodeID(F.key(4)),
            capacity: Satoshi(1_000_000), policy: F.policy(base: 0, ppm: 0, delta: 80))
        let route = try route(line.graph.routingGraph(extraEdges: [own]), from: 1, to: 4, msat: 1_000_000)
        #expect(route.hops.map(\.fee.value) == [1100, 0, 0])
    }

    @Test func routeHintsChainTheirHops() throws {
        let hint = RouteHint(hops: [
            RouteHintHop(nodeID: F.key(6).publicKey, shortChannelID: ShortChannelID(rawValue: 1), feeBase: MilliSatoshi(1),
                         feeProportionalMillionths: 2, cltvExpiryDelta: 3),
            RouteHintHop(nodeID: F.key(7).publicKey, shortChannelID: ShortChannelID(rawValue: 2), feeBase: MilliSatoshi(4),
                         feeProportionalMillionths: 5, cltvExpiryDelta: 6),
        ])
        let edges = ExtraEdge.edges(of: hint, payee: F.nodeID(F.key(8)), capacity: Satoshi(10))
        #expect(edges.map(\.source) == [F.nodeID(F.key(6)), F.nodeID(F.key(7))])
        #expect(edges.map(\.target) == [F.nodeID(F.key(7)), F.nodeID(F.key(8))])
        #expect(edges.map(\.policy.feeBase) == [MilliSatoshi(1), MilliSatoshi(4)])
    }
}
