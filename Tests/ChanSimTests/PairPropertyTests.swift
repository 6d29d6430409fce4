import ChanSim
import ChanCore
import Testing

/// Thousands of seeded random runs of a channel pair: random adds (dust to large, both ways),
/// fulfils, fails, fee updates, signatures, blocks and disconnects, each run ending in a mutual
/// close, a force close or a breach. Every invariant of `ChannelPairHarness` must hold in
/// every run. Heavier runs belong to `chan sim pair`, not here.
@Suite struct PairPropertyTests {
    /// 2,000 seeds in 20 chunks (so that they run in parallel) of 60 operations each.
    static let chunks = 0..<20
    static let seedsPerChunk: UInt64 = 100
    static let operations = 60

    /// Every run keeps every invariant and did something (HTLCs added); each chunk as a whole clears the floors of a long run
    /// (`PairRunFloors`: fulfils, fails, fee updates, crossed commitments, disconnects and
    /// retransmissions) and saw every ending, force closes by both sides and penalties.
    @Test(arguments: chunks)
    func randomRunsKeepEveryInvariant(chunk: Int) {
        let first = UInt64(chunk) * Self.seedsPerChunk + 1
        var total = PairStatistics()
        var endings: Set<String> = [] // mutual, force close by a side, breach by a side
        for seed in first..<first + Self.seedsPerChunk {
            let options = PairSimulationOptions(
                seed: seed, operations: Self.operations, disconnectRate: seed % 4 == 0 ? 0 : 0.05,
                forceClose: seed % 3 == 1, breach: seed % 3 == 2)
            let report = PairSimulation.run(options)
            #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.messages)")
            #expect(report.audit?.ok == true, "seed \(seed): audit \(report.audit?.problems ?? ["missing"])")
            #expect(report.finalStates == [.closed, .closed], "seed \(seed): \(report.finalStates ?? [])")
            let statistics = report.statistics
            #expect(statistics.htlcsAdded > 0, "seed \(seed) did nothing: \(statistics)")
            total.add(statistics)
            switch report.ending {
            case .mutualClose: endings.insert("mutual")
            case .forceClose(let closer): endings.insert("force close by \(closer)")
            case .breach(let cheater, _): endings.insert("breach by \(cheater)")
            case .unexpectedClose, .notOpened: endings.insert("\(report.ending)")
            }
        }
        #expect(PairRunFloors.problems(total, disconnected: true).isEmpty, "chunk \(chunk): \(PairRunFloors.problems(total, disconnected: true))")
        #expect(total.penalties > 0, "chunk \(chunk): no penalty")
        #expect(endings == ["mutual", "force close by alice", "force close by bob", "breach by alice", "breach by bob"],
                "chunk \(chunk): \(endings.sorted())")
    }

    /// The same runs with bob opening: he funds the channel, pushes, pays the fees and alone
    /// may update the fee; every check must hold with the roles swapped, and the floors too.
    @Test(arguments: 0..<8)
    func runsWhereBobOpensKeepEveryInvariant(chunk: Int) {
        let first = UInt64(chunk) * 50 + 1
        var total = PairStatistics()
        for seed in first..<first + 50 {
            let options = PairSimulationOptions(
                seed: seed, operations: Self.operations, disconnectRate: seed % 4 == 0 ? 0 : 0.05,
                forceClose: seed % 3 == 1, breach: seed % 3 == 2, opener: .bob)
            let report = PairSimulation.run(options)
            #expect(report.configuration?.opener == .bob)
            #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.messages)")
            #expect(report.audit?.ok == true, "seed \(seed): audit \(report.audit?.problems ?? ["missing"])")
            #expect(report.finalStates == [.closed, .closed], "seed \(seed): \(report.finalStates ?? [])")
            #expect(report.statistics.htlcsAdded > 0, "seed \(seed) did nothing: \(report.statistics)")
            total.add(report.statistics)
        }
        #expect(PairRunFloors.problems(total, disconnected: true).isEmpty, "chunk \(chunk): \(PairRunFloors.problems(total, disconnected: true))")
    }

    /// Bob opens a long run: the floors hold inside the simulation (fee updates come from him).
    @Test func aLongRunWhereBobOpens() {
        let report = PairSimulation.run(PairSimulationOptions(seed: 11, operations: 1500, disconnectRate: 0.05, opener: .bob))
        #expect(report.violations.isEmpty, "\(report.violations.messages)")
        #expect(report.statistics.feeUpdates > 0 && report.statistics.operations == 1500)
    }

    @Test func aSeedReplaysTheSameRun() {
        let options = PairSimulationOptions(seed: 42, operations: 200, disconnectRate: 0.05, forceClose: true)
        let first = PairSimulation.run(options), second = PairSimulation.run(options)
        #expect(first.statistics == second.statistics)
        #expect(first.funds == second.funds)
        #expect(first.statistics.commitmentsExchanged > 0)
    }

    @Test func differentSeedsGiveDifferentRuns() {
        let runs = (1...5).map { PairSimulation.run(PairSimulationOptions(seed: $0, operations: 100)) }
        #expect(Set(runs.map(\.statistics)).count == 5)
        #expect(Set(runs.compactMap { $0.configuration?.capacity }).count == 5)
    }
}

extension PairStatistics {
    /// Adds another run's counts (for floors over many short runs).
    mutating func add(_ other: PairStatistics) {
        operations += other.operations
        htlcsAdded += other.htlcsAdded
        htlcsSettled += other.htlcsSettled
        htlcsFailed += other.htlcsFailed
        commandsRefused += other.commandsRefused
        commitmentsExchanged += other.commitmentsExchanged
        disconnects += other.disconnects
        penalties += other.penalties
        feeUpdates += other.feeUpdates
        retransmissions += other.retransmissions
        crossedCommitments += other.crossedCommitments
    }
}

/// The harness opens with either side as the opener.
@Suite struct PairOpenerTests {
    @Test(arguments: [PairSide.alice, .bob])
    func theOpenerFundsPushesAndSetsTheFee(opener: PairSide) throws {
        var configuration = PairConfiguration.standard()
        configuration.opener = opener
        var harness = try ChannelPairHarness(configuration: configuration)
        #expect(harness.channel(opener).weAreOpener && !harness.channel(opener.other).weAreOpener)
        // The opener's wallet funded the channel and kept the change; the push is the other's.
        #expect(harness.walletBalance(opener) == harness.wallets.aliceChange && harness.walletBalance(opener.other) == .zero)
        let other = try #require(harness.channel(opener.other).commitments?.local.spec.toLocal)
        #expect(other == configuration.pushAmount)
        let refused = !harness.command(opener.other, .updateFee(feeratePerKw: 3000))
        #expect(refused, "only the opener updates the fee")
        harness.must(opener, .updateFee(feeratePerKw: 3000))
        harness.mustAdd(from: .alice, sat: 20_000)
        harness.mustAdd(from: .bob, sat: 10_000)
        harness.mustSettle()
        harness.checkSynced()
        harness.fulfilEverything()
        harness.checkSynced()
        harness.must(opener.other, .close)
        harness.deliverAll()
        harness.mine()
        harness.checkFundsAfterClose()
        expectNoViolations(harness)
        let funds = harness.closedChannelFunds
        // The opener paid the closing fee: the other side got its balance to the sat.
        let otherBalance = UInt64(Int64(configuration.pushAmount.value / 1000) + (opener == .alice ? 10_000 : -10_000))
        #expect(funds.gain(of: opener.other) == otherBalance)
        #expect(funds.gain(of: opener) + funds.fees == 1_000_000 - otherBalance)
    }
}
