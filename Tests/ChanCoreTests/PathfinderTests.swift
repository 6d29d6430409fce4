import ChanCore
import ChanLedger
import Testing

@Suite("Pathfinder: fees, CLTV and limits on hand-built graphs")
struct PathfinderTests {
    /// S(1) -> A(2) -> B(3) -> C(4) -> D(5) -> T(6), each node charging its own policy.
    private func chain() -> ChannelGraph {
        var graph = TestGraph()
        // The payer's own policy must never be charged.
        graph.channel("1x1x0", 1, 2, forward: policy(base: 999_999, ppm: 999_999, delta: 999))
        graph.channel("2x1x0", 2, 3, forward: policy(base: 1000, ppm: 100, delta: 40))
        graph.channel("3x1x0", 3, 4, forward: policy(base: 0, ppm: 2500, delta: 144))
        graph.channel("4x1x0", 4, 5, forward: policy(base: 2000, ppm: 1, delta: 18))
        graph.channel("5x1x0", 5, 6, forward: policy(base: 500, ppm: 10_000, delta: 80))
        return graph.build()
    }

    @Test func feesAndCltvAccumulateBackwardsOverFiveHops() throws {
        let graph = chain()
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 6, msat: 1_000_000, options: certain))

        // D: 500 + 1_000_000 * 10_000 / 1e6 = 10_500; C: 2000 + floor(1_010_500 * 1 / 1e6) = 2001;
        // B: floor(1_012_501 * 2500 / 1e6) = 2531; A: 1000 + floor(1_015_032 * 100 / 1e6) = 1101.
        #expect(route.hops.map(\.nodeID) == [node(2), node(3), node(4), node(5), node(6)])
        #expect(route.channels == ["1x1x0", "2x1x0", "3x1x0", "4x1x0", "5x1x0"])
        #expect(route.hops.map(\.amount.value) == [1_016_133, 1_015_032, 1_012_501, 1_010_500, 1_000_000])
        #expect(route.hops.map(\.fee.value) == [1101, 2531, 2001, 10_500, 0])
        #expect(route.hops.map(\.cltvExpiryDelta) == [40, 144, 18, 80, 18])
        #expect(route.totalAmount == MilliSatoshi(1_016_133))
        #expect(route.fee == MilliSatoshi(16_133))
        #expect(route.totalCltv == 300)
        #expect(route.probability == 1)
        #expect(route.cost.fees == 16_133)
        // Risk: sum of amount forwarded x delta x 15 / 1e9 over the forwarding hops.
        let forwarded: [Double] = [1_015_032, 1_012_501, 1_010_500, 1_000_000]
        let deltas: [Double] = [40, 144, 18, 80]
        let risk = zip(forwarded, deltas).reduce(0.0) { $0 + $1.0 * $1.1 * 15 / 1e9 }
        #expect(abs(route.cost.cltvRisk - risk) < 1e-9)
        #expect(route.cost.attemptPenalty == 0)
    }

    @Test func probabilityIsTheProductOfUniformLiquidityEstimates() throws {
        let graph = chain()
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 6, msat: 1_000_000))
        // Uniform liquidity on 1_000_000_000 msat channels: (capacity + 1 - amount) / (capacity + 1).
        func estimate(_ amount: Double) -> Double { (1_000_000_001 - amount) / 1_000_000_001 }
        let amounts: [Double] = [1_016_133, 1_015_032, 1_012_501, 1_010_500, 1_000_000]
        // Multiplied in the search's order: from the payee back to the payer.
        var expected = 1.0
        for amount in amounts.reversed() { expected *= estimate(amount) }
        #expect(route.probability == expected)
        #expect(route.hops.map(\.probability) == amounts.map(estimate))
        // Attempt cost: 100_000 msat + 1000 ppm of 1_000_000 msat, divided by the probability.
        #expect(abs(route.cost.attemptPenalty - 101_000 / expected) < 1e-6)
        #expect(route.fee == MilliSatoshi(16_133))
    }

    @Test func equalCostsPreferTheLowerShortChannelIdOfTheFirstHop() throws {
        for (viaA, viaB, expected) in [("20x0x0", "10x0x0", "10x0x0"), ("10x0x0", "20x0x0", "10x0x0")] {
            var graph = TestGraph()
            graph.channel(viaA, 1, 2)
            graph.channel(viaB, 1, 3)
            graph.channel("30x0x0", 2, 4, forward: policy(base: 10, delta: 40))
            graph.channel("40x0x0", 3, 4, forward: policy(base: 10, delta: 40))
            let built = graph.build()
            let route = try Pathfinder(graph: built).findRoute(query(built, from: 1, to: 4, msat: 50_000))
            #expect(route.channels.first == expected)
            #expect(route.fee == MilliSatoshi(10))
        }
    }

    @Test func equalCostsPreferFewerHops() throws {
        var graph = TestGraph()
        // 1 -> 2 -> 4 costs 10 msat at node 2; 1 -> 3 -> 5 -> 4 costs 5 + 5 with zero risk.
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 4, forward: policy(base: 10, delta: 0))
        graph.channel("3x0x0", 1, 3)
        graph.channel("4x0x0", 3, 5, forward: policy(base: 5, delta: 0))
        graph.channel("5x0x0", 5, 4, forward: policy(base: 5, delta: 0))
        let built = graph.build()
        let route = try Pathfinder(graph: built).findRoute(query(built, from: 1, to: 4, msat: 50_000, options: certain))
        #expect(route.channels == ["1x0x0", "2x0x0"])
        #expect(route.fee == MilliSatoshi(10))
    }

    /// 1 -> 2 by one channel, then 2 -> 3 over two parallel channels.
    private func parallel(cheap: ChannelPolicy, dear: ChannelPolicy) -> ChannelGraph {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 3, forward: dear)
        graph.channel("3x0x0", 2, 3, forward: cheap)
        return graph.build()
    }

    @Test func parallelChannelsTakeTheCheaperOne() throws {
        let graph = parallel(cheap: policy(base: 500, delta: 40), dear: policy(base: 1000, delta: 40))
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 3, msat: 2_000_000, options: certain))
        #expect(route.channels == ["1x0x0", "3x0x0"])
        #expect(route.fee == MilliSatoshi(500))
        #expect(route.totalAmount == MilliSatoshi(2_000_500))
    }

    @Test func htlcMaximumBelowTheAmountSkipsTheChannel() throws {
        let graph = parallel(cheap: policy(base: 500, max: 1_999_999), dear: policy(base: 1000, max: 2_000_000))
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 3, msat: 2_000_000, options: certain))
        #expect(route.channels == ["1x0x0", "2x0x0"])
        #expect(route.fee == MilliSatoshi(1000))
    }

    @Test func htlcMinimumAboveTheAmountSkipsTheChannel() throws {
        let graph = parallel(cheap: policy(base: 500, min: 2_000_001), dear: policy(base: 1000, min: 2_000_000))
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 3, msat: 2_000_000, options: certain))
        #expect(route.channels == ["1x0x0", "2x0x0"])
    }

    @Test func htlcLimitsApplyToTheAmountTheChannelCarriesIncludingDownstreamFees() throws {
        // Node 2 charges 1000 msat, so channel 1x0x0 carries 2_001_000: its maximum must allow that.
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, forward: policy(max: 2_000_999))
        graph.channel("2x0x0", 2, 3, forward: policy(base: 1000))
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)
        #expect(throws: RoutingError.self) { try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 2_000_000, options: certain)) }
        let route = try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 1_999_999, options: certain))
        #expect(route.totalAmount == MilliSatoshi(2_000_999))
    }

    @Test func disabledDirectionsAreSkippedButTheOtherDirectionStillWorks() throws {
        let graph = parallel(cheap: policy(base: 500, disabled: true), dear: policy(base: 1000))
        let pathfinder = Pathfinder(graph: graph)
        let route = try pathfinder.findRoute(query(graph, from: 1, to: 3, msat: 2_000_000, options: certain))
        #expect(route.channels == ["1x0x0", "2x0x0"])

        var reverse = TestGraph()
        reverse.channel("1x0x0", 1, 2, forward: policy(disabled: true), backward: policy(base: 7))
        reverse.channel("2x0x0", 2, 3, forward: policy(base: 1), backward: policy(base: 3))
        let built = reverse.build()
        let back = try Pathfinder(graph: built).findRoute(query(built, from: 3, to: 1, msat: 10_000, options: certain))
        #expect(back.channels == ["2x0x0", "1x0x0"])
        #expect(back.fee == MilliSatoshi(7))
        #expect(throws: RoutingError.self) { try Pathfinder(graph: built).findRoute(query(built, from: 1, to: 3, msat: 10_000)) }
    }

    @Test func capacityBelowTheAmountSkipsTheChannel() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, capacitySat: 100)
        graph.channel("2x0x0", 2, 3, capacitySat: 100, forward: policy(base: 1))
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)
        // 100 sat = 100_000 msat: the first channel must carry the amount plus 1 msat of fee
        // (a route of probability 2e-10: no minimum probability here).
        var anyProbability = RouteOptions()
        anyProbability.minProbability = 0
        #expect(try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 99_999, options: anyProbability)).totalAmount == MilliSatoshi(100_000))
        #expect(throws: RoutingError.self) { try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 100_000)) }
    }

    /// A cheap path with a long CLTV (via 2) and a dearer short one (via 3).
    private func cheapButSlow() -> ChannelGraph {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 4, forward: policy(base: 100, delta: 500))
        graph.channel("3x0x0", 1, 3)
        graph.channel("4x0x0", 3, 4, forward: policy(base: 5000, delta: 20))
        return graph.build()
    }

    @Test func cltvLimitForcesTheShorterLock() throws {
        let graph = cheapButSlow()
        let pathfinder = Pathfinder(graph: graph)
        var options = certain
        let cheap = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options))
        #expect(cheap.channels == ["1x0x0", "2x0x0"])
        #expect(cheap.totalCltv == 518)

        options.cltvLimit = 517
        let short = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options))
        #expect(short.channels == ["3x0x0", "4x0x0"])
        #expect(short.totalCltv == 38)
        #expect(short.fee == MilliSatoshi(5000))

        options.cltvLimit = 37
        let error = try #require(throws: RoutingError.self) {
            try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options))
        }
        #expect(error.code == "no_route")
        #expect(noRouteReasons(error) == [.cltvLimit(needed: 518, limit: 37, via: [scid("1x0x0"), scid("2x0x0")])])
    }

    @Test func maxFeeForcesACheaperRouteOrFails() throws {
        let graph = cheapButSlow()
        let pathfinder = Pathfinder(graph: graph)
        var options = certain
        options.cltvLimit = 100  // only the 5000 msat route fits
        options.maxFee = MilliSatoshi(5000)
        #expect(try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options)).fee == MilliSatoshi(5000))

        options.maxFee = MilliSatoshi(4999)
        let error = try #require(throws: RoutingError.self) {
            try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options))
        }
        // Either limit alone stands in the way: without the CLTV limit the 100 msat route fits.
        #expect(noRouteReasons(error) == [
            .cltvLimit(needed: 518, limit: 100, via: [scid("1x0x0"), scid("2x0x0")]),
            .maxFee(needed: MilliSatoshi(5000), limit: MilliSatoshi(4999), via: [scid("3x0x0"), scid("4x0x0")]),
        ])

        options.cltvLimit = 2016
        options.maxFee = MilliSatoshi(99)
        let cheapest = try #require(throws: RoutingError.self) {
            try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: options))
        }
        #expect(noRouteReasons(cheapest) == [.maxFee(needed: MilliSatoshi(100), limit: MilliSatoshi(99), via: [scid("1x0x0"), scid("2x0x0")])])
    }

    @Test func probabilityPrefersCapacityWhileNoProbabilityPrefersFees() throws {
        var graph = TestGraph()
        // Via 2: 10 msat cheaper, but 100_000 sat channels for a 90_000 sat payment.
        graph.channel("1x0x0", 1, 2, capacitySat: 100_000)
        graph.channel("2x0x0", 2, 4, capacitySat: 100_000, forward: policy(base: 1000))
        graph.channel("3x0x0", 1, 3, capacitySat: 10_000_000)
        graph.channel("4x0x0", 3, 4, capacitySat: 10_000_000, forward: policy(base: 1010))
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)
        let likely = try pathfinder.findRoute(query(built, from: 1, to: 4, msat: 90_000_000))
        #expect(likely.channels == ["3x0x0", "4x0x0"])
        let cheap = try pathfinder.findRoute(query(built, from: 1, to: 4, msat: 90_000_000, options: certain))
        #expect(cheap.channels == ["1x0x0", "2x0x0"])
        #expect(cheap.probability == 1)
    }

    @Test func unreachablePayeesAreExplained() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 3, 4)                                // another island
        graph.channel("3x0x0", 5, 2, forward: policy(), backward: nil)  // 5 can pay 2, nobody can pay 5
        graph.channel("4x0x0", 2, 6, forward: policy(disabled: true))
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)

        let island = try #require(throws: RoutingError.self) { try pathfinder.findRoute(query(built, from: 1, to: 4, msat: 1000)) }
        #expect(noRouteReasons(island) == [.notConnected])

        let noInbound = try #require(throws: RoutingError.self) { try pathfinder.findRoute(query(built, from: 1, to: 5, msat: 1000)) }
        #expect(noRouteReasons(noInbound) == [.payeeHasNoIncomingChannels])

        let disabled = try #require(throws: RoutingError.self) { try pathfinder.findRoute(query(built, from: 1, to: 6, msat: 1000)) }
        guard case .onlyThroughDisabled(let edges)? = noRouteReasons(disabled)?.first else {
            Issue.record("expected a disabled-channel explanation, got \(disabled)")
            return
        }
        #expect(edges.map(\.shortChannelID) == [scid("4x0x0")])
        #expect(disabled.message.contains("4x0x0"))
    }

    @Test func amountsAboveEveryPathAreExplainedWithTheBottleneck() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 3, forward: policy(max: 40_000_000))
        let built = graph.build()
        let error = try #require(throws: RoutingError.self) {
            try Pathfinder(graph: built).findRoute(query(built, from: 1, to: 3, msat: 50_000_000))
        }
        guard case .amountAboveSinglePathLimit(let maximum, let bottleneck, let limit)? = noRouteReasons(error)?.first else {
            Issue.record("expected a single-path limit, got \(error)")
            return
        }
        #expect(maximum == MilliSatoshi(40_000_000))
        #expect(bottleneck?.shortChannelID == scid("2x0x0"))
        #expect(limit == .htlcMaximum)
    }

    @Test func htlcMinimumFailuresNameTheChannel() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 3, forward: policy(min: 5000))
        let built = graph.build()
        let error = try #require(throws: RoutingError.self) {
            try Pathfinder(graph: built).findRoute(query(built, from: 1, to: 3, msat: 4999))
        }
        guard case .htlcMinimum(let edges)? = noRouteReasons(error)?.first else {
            Issue.record("expected an htlc_minimum explanation, got \(error)")
            return
        }
        #expect(edges.map(\.shortChannelID) == [scid("2x0x0")])
    }

    @Test func badQueriesAreRefused() throws {
        let graph = chain()
        let pathfinder = Pathfinder(graph: graph)
        #expect(throws: RoutingError.zeroAmount) { try pathfinder.findRoute(query(graph, from: 1, to: 6, msat: 0)) }
        #expect(throws: RoutingError.samePayerAndPayee(node(1))) { try pathfinder.findRoute(query(graph, from: 1, to: 1, msat: 10)) }
    }

    @Test func hopLimitIsEnforced() throws {
        let graph = chain()
        var options = certain
        options.maxHops = 4
        let error = try #require(throws: RoutingError.self) {
            try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 6, msat: 1000, options: options))
        }
        #expect(noRouteReasons(error) == [.maxHops(needed: 5, limit: 4, via: ["1x1x0", "2x1x0", "3x1x0", "4x1x0", "5x1x0"].map(scid))])
    }

    @Test func explainListsTheBestRouteAvoidingEachHop() throws {
        let graph = cheapButSlow()
        let explanation = try Pathfinder(graph: graph).explainRoute(query(graph, from: 1, to: 4, msat: 1_000_000, options: certain))
        #expect(explanation.route.channels == ["1x0x0", "2x0x0"])
        #expect(explanation.alternatives.map(\.avoiding.shortChannelID) == [scid("1x0x0"), scid("2x0x0")])
        #expect(explanation.alternatives.map { $0.route?.channels } == [["3x0x0", "4x0x0"], ["3x0x0", "4x0x0"]])
        #expect(explanation.alternatives.map { $0.route?.fee } == [MilliSatoshi(5000), MilliSatoshi(5000)])
        // The payee, node 2, then the payer: node 3 (cost 5000) is never settled.
        #expect(explanation.search.settledNodes == 3)
    }

    @Test func searchStateIsReusedWithoutLeakingBetweenQueries() throws {
        let graph = chain()
        let pathfinder = Pathfinder(graph: graph)
        let first = try pathfinder.findRoute(query(graph, from: 1, to: 6, msat: 1_000_000, options: certain))
        _ = try? pathfinder.findRoute(query(graph, from: 6, to: 1, msat: 1_000_000, options: certain))
        _ = try pathfinder.findRoute(query(graph, from: 3, to: 5, msat: 7, options: certain))
        let again = try pathfinder.findRoute(query(graph, from: 1, to: 6, msat: 1_000_000, options: certain))
        #expect(first == again)
    }
}
