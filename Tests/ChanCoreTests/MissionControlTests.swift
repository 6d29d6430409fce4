import ChanCore
import ChanLedger
import Testing

@Suite("Mission control")
struct MissionControlTests {
    /// 1 -> 2 -> 4 (node 2 charges 1000 msat) and 1 -> 3 -> 4 (node 3 charges 1100), 1M sat each.
    private func twoPaths() -> ChannelGraph {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 4, forward: policy(base: 1000))
        graph.channel("3x0x0", 1, 3)
        graph.channel("4x0x0", 3, 4, forward: policy(base: 1100))
        return graph.build()
    }

    private let hour = Duration.seconds(3600)

    @Test func aFailureMovesTheRouteAndDecayBringsItBack() throws {
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        var missionControl = MissionControl(halfLife: hour)
        let start = Duration.seconds(1_700_000_000)

        let first = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, missionControl: missionControl, now: start))
        #expect(first.channels == ["1x0x0", "2x0x0"])

        // The payment failed at node 2: it could not forward over 2x0x0.
        missionControl.recordFailure(of: first, failedHop: 1, at: start)
        let afterFailure = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, missionControl: missionControl, now: start))
        #expect(afterFailure.channels == ["3x0x0", "4x0x0"])

        let anHourLater = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, missionControl: missionControl, now: start + hour))
        #expect(anHourLater.channels == ["3x0x0", "4x0x0"])

        let muchLater = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, missionControl: missionControl, now: start + hour * 20))
        #expect(muchLater.channels == ["1x0x0", "2x0x0"])
    }

    @Test func boundsDecayByHalfEveryHalfLife() throws {
        let graph = twoPaths()
        let route = try Pathfinder(graph: graph).findRoute(query(graph, from: 1, to: 4, msat: 100_000_000))
        var missionControl = MissionControl(halfLife: hour)
        missionControl.recordFailure(of: route, failedHop: 1, at: .zero)

        let failed = MissionControl.ChannelSide(scid("2x0x0"), .fromNode1)
        let succeeded = MissionControl.ChannelSide(scid("1x0x0"), .fromNode1)
        // Failure at 100_000_000 msat: at most 99_999_999. Success carrying 100_001_000: at least that.
        #expect(missionControl.bounds(failed, at: .zero) == .init(lower: .zero, upper: MilliSatoshi(99_999_999)))
        #expect(missionControl.bounds(succeeded, at: .zero) == .init(lower: MilliSatoshi(100_001_000), upper: MilliSatoshi(1_000_000_000)))
        // One half-life: halfway back to "anything up to the capacity" of 1_000_000_000 msat.
        #expect(missionControl.bounds(failed, at: hour) == .init(lower: .zero, upper: MilliSatoshi(550_000_000)))
        #expect(missionControl.bounds(succeeded, at: hour) == .init(lower: MilliSatoshi(50_000_500), upper: MilliSatoshi(1_000_000_000)))
        #expect(missionControl.bounds(MissionControl.ChannelSide(scid("4x0x0"), .fromNode1), at: hour) == nil)
    }

    @Test func aSuccessMakesItsRouteCertain() throws {
        let graph = twoPaths()
        let pathfinder = Pathfinder(graph: graph)
        let route = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000))
        #expect(route.probability < 1)
        var missionControl = MissionControl()
        missionControl.recordSuccess(of: route, at: .zero)
        let again = try pathfinder.findRoute(query(graph, from: 1, to: 4, msat: 100_000_000, missionControl: missionControl))
        #expect(again.channels == route.channels)
        #expect(again.probability == 1)
        // 100_000 msat + 1000 ppm of 100_000_000 msat, divided by a probability of 1.
        #expect(abs(again.cost.attemptPenalty - 200_000) < 1e-6)
    }

    @Test func contradictingObservationsKeepTheNewest() throws {
        var missionControl = MissionControl()
        let side = MissionControl.ChannelSide(scid("9x9x9"), .fromNode2)
        missionControl.recordAtLeast(MilliSatoshi(700), on: side, capacity: Satoshi(1), at: .zero)
        missionControl.recordBelow(MilliSatoshi(500), on: side, capacity: Satoshi(1), at: .zero)
        #expect(missionControl.bounds(side, at: .zero) == .init(lower: .zero, upper: MilliSatoshi(499)))
        missionControl.recordAtLeast(MilliSatoshi(600), on: side, capacity: Satoshi(1), at: .zero)
        #expect(missionControl.bounds(side, at: .zero) == .init(lower: MilliSatoshi(600), upper: MilliSatoshi(1000)))
    }

    @Test func learnedLiquidityIsNamedWhenItBlocksEveryPath() throws {
        var graph = TestGraph()
        graph.channel("1x0x0", 1, 2)
        graph.channel("2x0x0", 2, 3)
        let built = graph.build()
        let pathfinder = Pathfinder(graph: built)
        let route = try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 5_000_000))
        var missionControl = MissionControl()
        missionControl.recordFailure(of: route, failedHop: 1, at: .zero)
        let error = try #require(throws: RoutingError.self) {
            try pathfinder.findRoute(query(built, from: 1, to: 3, msat: 5_000_000, missionControl: missionControl))
        }
        guard case .amountAboveSinglePathLimit(let maximum, let bottleneck, let limit)? = noRouteReasons(error)?.first else {
            Issue.record("expected the learned limit, got \(error)")
            return
        }
        #expect(maximum == MilliSatoshi(4_999_999))
        #expect(bottleneck?.shortChannelID == scid("2x0x0"))
        #expect(limit == .liquidity)
    }
}
