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

    @Test(arguments: chunks)
    func randomRunsKeepEveryInvariant(chunk: Int) {
        let first = UInt64(chunk) * Self.seedsPerChunk + 1
        for seed in first..<first + Self.seedsPerChunk {
            let options = PairSimulationOptions(
                seed: seed, operations: Self.operations, disconnectRate: seed % 4 == 0 ? 0 : 0.05,
                forceClose: seed % 3 == 1, breach: seed % 3 == 2)
            let report = PairSimulation.run(options)
            #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.messages)")
            #expect(report.audit?.ok == true, "seed \(seed): audit \(report.audit?.problems ?? ["missing"])")
            #expect(report.finalStates == [.closed, .closed], "seed \(seed): \(report.finalStates ?? [])")
        }
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
