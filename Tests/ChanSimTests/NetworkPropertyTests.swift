import ChanCore
import ChanLedger
import ChanSim
import Testing

/// Random network runs over a handful of seeds, with links dropping and nodes restarting from
/// their persisted records: every invariant holds, and the runs did what they are meant to.
@Suite struct NetworkPropertyTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func threeNodeTriangleRunsWithRestarts(seed: UInt64) {
        let report = NetworkSimulation.run(NetworkSimulationOptions(
            seed: seed, operations: 300, nodeCount: 3, topology: .triangle, disconnectRate: 0.02, restartRate: 0.02, traceLength: 60))
        #expect(report.violations.messages == [], "\(report.trace.joined(separator: "\n"))")
        #expect(report.audit?.ok == true)
        #expect(report.payments.pendingCount == 0)
        #expect(report.statistics.restarts > 0)
        #expect(report.payments.count(.twoHop, .succeeded) > 0)
        #expect(report.payments.count(.multiPart, .succeeded) > 0)
    }
}
