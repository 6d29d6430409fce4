import ChanCore
import ChanLedger
@testable import ChanSim
import Testing

/// The network's checks fire: a synced network given a wrong balance, a channel end gone back
/// to an older state, or a forward left waiting is reported.
@Suite struct NetworkInvariantTests {
    static func paidLine() throws -> NetworkHarness {
        var harness = try NetworkHarness(configuration: NetworkConfiguration(keySeed: 2, nodeCount: 3, topology: .line))
        harness.pay(.twoHop, amount: MilliSatoshi(3_000_000), routes: [[0, 1, 2]])
        let settled = harness.settleAll()
        #expect(settled)
        harness.checkSynced()
        #expect(harness.violations.isEmpty, "\(harness.violations.messages)")
        #expect(harness.payments.payments[0].outcome == .succeeded)
        return harness
    }

    @Test func aBalanceOneMsatOffIsReported() throws {
        var harness = try Self.paidLine()
        harness.openingBalances[2] += 1
        harness.checkSynced()
        #expect(harness.violations.messages.contains { $0.hasPrefix("node 2 holds") && $0.contains("-1 msat off") })
    }

    @Test func aChannelEndBackInAnOlderStateIsReported() throws {
        var harness = try NetworkHarness(configuration: NetworkConfiguration(keySeed: 2, nodeCount: 3, topology: .line))
        let before = harness.nodes[2].channels[1]
        harness.pay(.twoHop, amount: MilliSatoshi(3_000_000), routes: [[0, 1, 2]])
        let settled = harness.settleAll()
        #expect(settled)
        harness.nodes[2].channels[1] = before
        harness.checkSynced()
        #expect(harness.violations.messages.contains { $0.hasPrefix("synced channel 1") })
        #expect(harness.violations.messages.contains { $0.hasPrefix("node 2 holds") })
    }

    @Test func aForwardLeftWaitingIsReported() throws {
        var harness = try Self.paidLine()
        harness.nodes[1].forwardsInFlight[NetworkHTLCRef(edge: 1, id: 99)] = NetworkHTLCRef(edge: 0, id: 99)
        harness.checkSynced()
        #expect(harness.violations.messages.contains { $0.contains("node 1 still waits for 1 forwards") })
    }

    @Test func aForwarderPaidOtherThanItsFeeIsReported() throws {
        var harness = try Self.paidLine()
        harness.payments.forwardSettled(at: 1, fee: MilliSatoshi(1))
        harness.checkSynced()
        #expect(harness.violations.messages.contains { $0.contains("node 1 earned") })
    }
}
