import ChanCore
import ChanLedger
import Testing

@Suite("Multi-part payments")
struct MultiPartTests {
    /// Total msat each channel side carries over all parts.
    private func loads(_ payment: MultiPartRoute) -> [String: UInt64] {
        var loads: [String: UInt64] = [:]
        for part in payment.parts {
            for hop in part.hops { loads["\(hop.shortChannelID)/\(hop.direction.rawValue)", default: 0] += hop.amount.value }
        }
        return loads
    }

    /// 1 -> 2 -> 4 (node 2 charges 1000) and 1 -> 3 -> 4 (node 3 charges 2000), 60k sat each.
    private func twoPaths() -> ChannelGraph {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, capacitySat: 60_000)
        graph.channel("2x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000))
        graph.channel("3x0x0", 1, 3, capacitySat: 60_000)
        graph.channel("4x0x0", 3, 4, capacitySat: 60_000, forward: policy(base: 2000))
        return graph.build()
    }

    @Test func splitsWhenNoSinglePathCanCarryTheAmount() throws {
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        #expect(throws: RoutingError.self) { try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: certain)) }

        let payment = try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: certain))
        #expect(payment.parts.map(\.channels) == [["1x0x0", "2x0x0"], ["3x0x0", "4x0x0"]])
        #expect(payment.parts.map(\.amount.value) == [50_000_000, 50_000_000])
        #expect(payment.parts.map(\.fee.value) == [1000, 2000])
        #expect(payment.amount == MilliSatoshi(100_000_000))
        #expect(payment.totalAmount == MilliSatoshi(100_003_000))
        #expect(payment.fee == MilliSatoshi(3000))
        #expect(payment.totalCltv == 58)
        #expect(payment.probability == 1)
    }

    @Test func splitWithProbabilitiesKeepsEveryChannelWithinCapacity() throws {
        let graph = twoPaths()
        var options = RouteOptions()
        options.minProbability = 0  // the plan is unlikely (0.08%): this test is about capacities
        let payment = try Pathfinder(graph: graph).findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
        #expect(payment.parts.count >= 2 && payment.parts.count <= 16)
        #expect(payment.amount == MilliSatoshi(100_000_000))
        #expect(payment.parts.allSatisfy { $0.amount >= MilliSatoshi(10_000_000) })
        #expect(loads(payment).values.allSatisfy { $0 <= 60_000_000 })
        #expect(payment.probability == payment.parts.reduce(1.0) { $0 * $1.probability })
        #expect(payment.probability > 0)
    }

    @Test func partsSharingAChannelMustFitItTogether() throws {
        var graph = TestGraph()
        // Node 1's only way out holds 150k sat but takes at most 60k sat per HTLC; node 2 reaches
        // node 4 over two parallel 60k sat channels.
        graph.channel("1x0x0", 1, 2, capacitySat: 150_000, forward: policy(max: 60_000_000))
        graph.channel("2x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000))
        graph.channel("3x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000))
        let built = graph.build()
        let payment = try Pathfinder(graph: built).findMultiPartRoute(query(built, from: 1, to: 4, msat: 100_000_000, options: certain))
        #expect(payment.parts.map(\.channels) == [["1x0x0", "2x0x0"], ["1x0x0", "3x0x0"]])
        #expect(loads(payment)["1x0x0/0"] == 100_002_000)
        #expect(payment.fee == MilliSatoshi(2000))
    }

    @Test func aSharedChannelTooSmallForBothPartsSendsOneElsewhere() throws {
        var graph = TestGraph()
        // Via node 2 is cheap, but 1 -> 2 holds 80k sat: two 50k sat parts cannot both use it.
        graph.channel("1x0x0", 1, 2, capacitySat: 80_000, forward: policy(max: 60_000_000))
        graph.channel("2x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000))
        graph.channel("3x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000))
        graph.channel("4x0x0", 1, 3, capacitySat: 60_000)
        graph.channel("5x0x0", 3, 4, capacitySat: 60_000, forward: policy(base: 5000))
        let built = graph.build()
        let payment = try Pathfinder(graph: built).findMultiPartRoute(query(built, from: 1, to: 4, msat: 100_000_000, options: certain))
        #expect(payment.parts.map(\.channels) == [["1x0x0", "2x0x0"], ["4x0x0", "5x0x0"]])
        #expect(payment.fee == MilliSatoshi(6000))
        #expect(loads(payment)["1x0x0/0"] == 50_001_000)
    }

    @Test func aLikelySinglePathIsNotSplit() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, capacitySat: 100_000_000)
        graph.channel("2x0x0", 2, 3, capacitySat: 100_000_000, forward: policy(base: 10))
        let built = graph.build()
        let payment = try Pathfinder(graph: built).findMultiPartRoute(query(built, from: 1, to: 3, msat: 100_000_000))
        #expect(payment.parts.count == 1)
        #expect(payment.parts[0].channels == ["1x0x0", "2x0x0"])
        #expect(payment.fee == MilliSatoshi(10))
    }

    @Test func impossibleSplitsAreExplained() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, capacitySat: 1_000_000)
        graph.channel("2x0x0", 2, 4, capacitySat: 20_000)
        graph.channel("3x0x0", 2, 4, capacitySat: 20_000)
        graph.channel("4x0x0", 5, 6)
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)
        let tooMuch = try #require(throws: RoutingError.self) {
            try pathfinder.findMultiPartRoute(query(built, from: 1, to: 4, msat: 100_000_000))
        }
        #expect(noRouteReasons(tooMuch) == [
            .amountAbovePayeeInbound(maximum: MilliSatoshi(40_000_000)),
            .splitFailed(maxParts: 16, minPart: MilliSatoshi(10_000_000)),
        ])

        let island = try #require(throws: RoutingError.self) {
            try pathfinder.findMultiPartRoute(query(built, from: 1, to: 6, msat: 100_000_000))
        }
        #expect(noRouteReasons(island) == [.splitFailed(maxParts: 16, minPart: MilliSatoshi(10_000_000)), .notConnected])
    }

    @Test func partsNeverExceedTheLimitOrGoBelowTheMinimum() throws {
        var graph = TestGraph()
        // Twenty 10k sat channels from 2 to 3: 150k sat would need 15 parts of 10k sat, but
        // parts are at least 20k sat here, so none fits.
        graph.channel("1x0x0", 1, 2, capacitySat: 10_000_000)
        for index in 0..<20 { graph.channel("2x\(index)x0", 2, 3, capacitySat: 10_000) }
        let built = graph.build()
        var options = certain
        options.minPartAmount = MilliSatoshi(20_000_000)
        #expect(throws: RoutingError.self) {
            try Pathfinder(graph: built).findMultiPartRoute(query(built, from: 1, to: 3, msat: 150_000_000, options: options))
        }
        options.minPartAmount = MilliSatoshi(10_000_000)
        let payment = try Pathfinder(graph: built).findMultiPartRoute(query(built, from: 1, to: 3, msat: 150_000_000, options: options))
        #expect(payment.parts.count == 15)
        #expect(payment.parts.allSatisfy { $0.amount == MilliSatoshi(10_000_000) })
        #expect(Set(payment.parts.map { $0.channels[1] }).count == 15)
    }

    @Test func amountsInFlightTakeRoomOnTheirChannels() throws {
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        // 50k sat of this payment are in flight on 1 -> 2 -> 4: 30k sat more go the dearer way.
        let side12 = MissionControl.ChannelSide(scid("1x0x0"), .fromNode1)
        let side24 = MissionControl.ChannelSide(scid("2x0x0"), .fromNode1)
        var more = query(graph, from: 1, to: 4, msat: 30_000_000, options: certain)
        #expect(try pathfinder.findRoute(more).channels == ["1x0x0", "2x0x0"])
        more.inFlight = [side12: MilliSatoshi(50_001_000), side24: MilliSatoshi(50_000_000)]
        #expect(try pathfinder.findRoute(more).channels == ["3x0x0", "4x0x0"])
        // The planner keeps them counted from one plan to the next: about 70k sat fit no more.
        more.options.minPartAmount = MilliSatoshi(1_000_000)
        more.amount = MilliSatoshi(70_000_000)
        #expect(throws: RoutingError.self) { try pathfinder.findMultiPartRoute(more) }
        more.amount = MilliSatoshi(65_000_000)
        let payment = try pathfinder.findMultiPartRoute(more)
        #expect(payment.amount == MilliSatoshi(65_000_000) && payment.parts.count > 1)
        #expect(try #require(loads(payment)["1x0x0/0"]) + 50_001_000 <= 60_000_000)
        #expect(try #require(loads(payment)["3x0x0/0"]) <= 60_000_000)
        // With probabilities, a side known to carry what is in flight is conditioned on it.
        var likely = query(graph, from: 1, to: 4, msat: 5_000_000)
        let alone = try pathfinder.findRoute(likely)
        likely.inFlight = [side12: MilliSatoshi(50_001_000), side24: MilliSatoshi(50_000_000)]
        let after = try pathfinder.findRoute(likely)
        #expect(alone.channels == ["1x0x0", "2x0x0"] && after.probability < alone.probability)
    }

    // MARK: Limits of the whole plan

    @Test func theFeeLimitBoundsThePlansTotalFeeNotEachPart() throws {
        // The plan pays 1000 (via 2) + 2000 (via 3) msat: each part is within 2500, the total is not.
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        var options = certain
        options.maxFee = MilliSatoshi(2500)
        do {
            let payment = try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
            Issue.record("a plan over the fee limit: \(payment.fee)")
        } catch {
            let reasons = try #require(noRouteReasons(error))
            #expect(reasons.contains(.planFeeAboveLimit(needed: MilliSatoshi(3000), limit: MilliSatoshi(2500), partCount: 2)))
            #expect(error.message.contains("the cheapest plan found without the fee limit (2 parts) costs 3000 msat in fees in total, above the maximum of 2500 msat"))
        }
        #expect(pathfinder.multiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options)) == nil)

        options.maxFee = MilliSatoshi(3000)
        let payment = try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
        #expect(payment.fee == MilliSatoshi(3000))
    }

    @Test func aPlanBelowTheMinimumProbabilityIsNoRoute() throws {
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        // Two 50k sat parts over 60k sat channels: about 0.08% likely, below the default 1%.
        #expect(RouteOptions().minProbability == 0.01)
        do {
            let payment = try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000))
            Issue.record("an unlikely plan was the answer: \(payment.probability)")
        } catch {
            let reasons = try #require(noRouteReasons(error))
            guard case .probabilityBelowMinimum(let probability, let minimum, let partCount) = reasons.first else {
                Issue.record("reasons: \(reasons)")
                return
            }
            #expect(probability > 0 && probability < 0.01)
            #expect(minimum == 0.01)
            #expect(partCount >= 2)
            #expect(error.message.contains("below the minimum of 0.01"))
        }

        var options = RouteOptions()
        options.minProbability = 0.0001
        let payment = try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
        #expect(payment.probability >= 0.0001)
        // Without probabilities there is nothing to compare with the minimum.
        #expect(try pathfinder.findMultiPartRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: certain)).parts.count == 2)
    }

    @Test func aSingleRouteBelowTheMinimumIsNoRouteAndNamesTheMultiPartPlan() throws {
        // 1 -> 2 -> 4 of 60k sat plus 1 -> 3 -> 4 of 60k sat: 50k sat in one part is about 17% likely;
        // 100k sat fits no single path, but two parts do.
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        var options = RouteOptions()
        options.minProbability = 0.5
        do {
            _ = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 50_000_000, options: options))
            Issue.record("an unlikely route was the answer")
        } catch {
            let reasons = try #require(noRouteReasons(error))
            guard case .probabilityBelowMinimum(_, 0.5, 1) = reasons.first else { Issue.record("reasons: \(reasons)"); return }
        }
        options.minProbability = 0
        do {
            _ = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
            Issue.record("no single path can carry 100k sat")
        } catch {
            let reasons = try #require(noRouteReasons(error))
            #expect(reasons.contains { reason in
                if case .multiPartPossible(2, let fee, let probability) = reason { fee == MilliSatoshi(3000) && probability > 0 } else { false }
            })
            #expect(error.message.hasSuffix("try --mpp"))
        }
        // Not when the parts cannot make it either: too few parts, or more than the payee's
        // channels can receive together (120k sat).
        options.maxParts = 1
        do {
            _ = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, options: options))
        } catch {
            #expect(!error.message.contains("--mpp"))
        }
        options.maxParts = 16
        do {
            _ = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 130_000_000, options: options))
            Issue.record("130k sat cannot reach a payee that receives 120k sat at most")
        } catch {
            let reasons = try #require(noRouteReasons(error))
            #expect(reasons.contains { if case .amountAbovePayeeInbound = $0 { true } else { false } })
            #expect(!error.message.contains("--mpp"))
        }
    }

    @Test func exactlyOneConsideredPlanIsChosenEvenWhenTwoAreEqual() throws {
        // Both paths take at most 30k sat per HTLC: the 2-part plan halves into the 4-part plan.
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2, capacitySat: 60_000, forward: policy(max: 30_000_000))
        graph.channel("2x0x0", 2, 4, capacitySat: 60_000, forward: policy(base: 1000, max: 30_000_000))
        graph.channel("3x0x0", 1, 3, capacitySat: 60_000, forward: policy(max: 30_000_000))
        graph.channel("4x0x0", 3, 4, capacitySat: 60_000, forward: policy(base: 2000, max: 30_000_000))
        let built = graph.build()
        let explanation = try Pathfinder(graph: built).explainMultiPartRoute(query(built, from: 1, to: 4, msat: 100_000_000, options: certain))
        let found = explanation.plans.compactMap(\.payment)
        #expect(found.count == 2 && found[0] == found[1])
        let chosen = explanation.plans.filter(\.chosen)
        #expect(chosen.count == 1)
        #expect(chosen.first?.payment == explanation.payment)
        #expect(chosen.first?.targetParts == 2)
    }
}
