import ChanCore
import ChanLedger
import ChanSim
import Testing

/// Random network runs over a handful of seeds, with links dropping and nodes restarting from
/// their persisted records: every invariant holds, and the runs did what they are meant to
/// (payments of every kind succeeded, forwards settled, restarts and retransmissions happened).
@Suite struct NetworkPropertyTests {
    static func expectClean(_ report: NetworkSimulationReport, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.violations.messages == [], "\(report.trace.suffix(40).joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(report.audit?.ok == true, sourceLocation: sourceLocation)
        #expect(report.payments.pendingCount == 0, sourceLocation: sourceLocation)
        #expect(report.finalStates?.allSatisfy { $0 == [.closed, .closed] } == true, sourceLocation: sourceLocation)
        #expect(report.statistics.mutualCloses == report.configuration?.edges.count, sourceLocation: sourceLocation)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func threeNodeTriangleRunsWithRestarts(seed: UInt64) {
        let report = NetworkSimulation.run(NetworkSimulationOptions(
            seed: seed, operations: 300, nodeCount: 3, topology: .triangle, disconnectRate: 0.02, restartRate: 0.02, traceLength: 60))
        Self.expectClean(report)
        #expect(report.statistics.restarts > 0 && report.statistics.disconnects > 0)
        #expect(report.payments.count(.direct, .succeeded) > 0)
        #expect(report.payments.count(.twoHop, .succeeded) > 0)
        #expect(report.payments.count(.multiPart, .succeeded) > 0)
        #expect(report.statistics.forwardsSettled > 0 && report.statistics.retransmissions > 0)
    }

    @Test(arguments: [(4, NetworkTopology.line), (5, .ring), (5, .triangle)] as [(UInt64, NetworkTopology)])
    func fiveNodeRunsWithRestarts(seed: UInt64, topology: NetworkTopology) {
        let report = NetworkSimulation.run(NetworkSimulationOptions(
            seed: seed, operations: 250, nodeCount: 5, topology: topology, disconnectRate: 0.02, restartRate: 0.02, traceLength: 60))
        Self.expectClean(report)
        #expect(report.configuration?.edges.count == (topology == .line ? 4 : 5))
        #expect(report.statistics.restarts > 0)
        #expect(report.payments.count(.twoHop, .succeeded) > 0 && report.payments.count(.multiPart, .succeeded) > 0)
    }

    /// The same seed gives the same run.
    @Test func aSeedReplaysTheSameRun() {
        let options = NetworkSimulationOptions(seed: 9, operations: 120, nodeCount: 4, topology: .ring, restartRate: 0.03)
        let first = NetworkSimulation.run(options), second = NetworkSimulation.run(options)
        #expect(first.statistics == second.statistics)
        #expect(first.payments.payments.map(\.outcome) == second.payments.payments.map(\.outcome))
    }

    /// A script of bytes (a fuzzer's input) decides the draws: its bytes are the first draws,
    /// the same script gives the same run and another script another run.
    @Test func aScriptOfBytesDecidesTheRun() {
        var random = SimulationRandom(script: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(random.next() == 0x0102_0304_0506_0708)
        #expect(random.next() == 0x0900_0000_0000_0000)
        let options = NetworkSimulationOptions(seed: 1, operations: 60, nodeCount: 3, topology: .triangle, restartRate: 0.05)
        let script = (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let first = NetworkSimulation.run(options, script: script), second = NetworkSimulation.run(options, script: script)
        let other = NetworkSimulation.run(options, script: script.reversed())
        #expect(first.statistics == second.statistics)
        #expect(first.statistics != other.statistics)
        #expect(first.statistics != NetworkSimulation.run(options).statistics)
        Self.expectClean(first)
        Self.expectClean(other)
    }
}
