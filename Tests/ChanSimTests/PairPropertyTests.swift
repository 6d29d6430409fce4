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

    /// Every run keeps every invariant and did something (HTLCs added, commitments signed,
    /// payments ended); each chunk as a whole clears the floors of a long run
    /// (`PairRunFloors`: fulfils, fails, fee updates, crossed commitments, disconnects and
    /// retransmissions) and saw every ending, force closes by both sides and penalties.
    @Test(arguments: chunks)
    func randomRunsKeepEveryInvariant(chunk: Int) {
        let first = UInt64(chunk) * Self.seedsPerChunk + 1
        var total = PairStatistics()
        var endings: Set<String> = []
        for seed in first..<first + Self.seedsPerChunk {
            let options = PairSimulationOptions(
                seed: seed, operations: Self.operations, disconnectRate: seed % 4 == 0 ? 0 : 0.05,
                forceClose: seed % 3 == 1, breach: seed % 3 == 2)
            let report = PairSimulation.run(options)
            #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.messages)")
            #expect(report.audit?.ok == true, "seed \(seed): audit \(report.audit?.problems ?? ["missing"])")
            #expect(report.finalStates == [.closed, .closed], "seed \(seed): \(report.finalStates ?? [])")
            let statistics = report.statistics
            #expect(statistics.htlcsAdded > 0 && statistics.commitmentsExchanged > 0, "seed \(seed) did nothing: \(statistics)")
            #expect(statistics.htlcsSettled + statistics.htlcsFailed == statistics.htlcsAdded, "seed \(seed): \(statistics)")
            total.add(statistics)
            endings.insert("\(report.ending)")
        }
        #expect(PairRunFloors.problems(total, disconnected: true).isEmpty, "chunk \(chunk): \(PairRunFloors.problems(total, disconnected: true))")
        #expect(total.penalties > 0, "chunk \(chunk): no penalty")
        #expect(endings.contains("mutualClose") && endings.contains("forceClose(by: ChanSim.PairSide.alice)")
                && endings.contains("forceClose(by: ChanSim.PairSide.bob)") && endings.contains { $0.hasPrefix("breach(by: ChanSim.PairSide.alice") }
                && endings.contains { $0.hasPrefix("breach(by: ChanSim.PairSide.bob") }, "chunk \(chunk): \(endings.sorted())")
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
