import ChanCore
import ChanLedger
import ChanSim
import Testing

/// Scripted network scenarios: the situation is built step by step, not left to a seed.
@Suite struct NetworkScenarioTests {
    static func line() throws -> NetworkHarness {
        try NetworkHarness(configuration: NetworkConfiguration(keySeed: 1, nodeCount: 3, topology: .line))
    }

    /// One step of an honest network: the next message in flight is delivered, else a channel
    /// with updates signs them. False once nothing is left to do.
    static func step(_ harness: inout NetworkHarness) -> Bool {
        if let (edge, side) = harness.deliverable.first {
            harness.deliverNext(on: edge, to: side)
            return true
        }
        guard let (node, edge) = harness.signableChannels.first else { return false }
        harness.perform(.sign(node: node, edge: edge))
        return true
    }

    /// A two-hop payment 0 -> 1 -> 2, the middle node crashing after each step of its flight
    /// in turn (before it forwards, with the outgoing HTLC unsigned, signed, fulfilled back...):
    /// every time the payment ends exactly once, and everyone holds what its outcome says.
    @Test func aTwoHopPaymentSurvivesARestartOfTheMiddleNodeAtEveryStep() throws {
        var steps = 0
        var reference = try Self.line()
        reference.pay(.twoHop, amount: MilliSatoshi(5_000_000), routes: [[0, 1, 2]])
        while Self.step(&reference) { steps += 1 }
        #expect(reference.payments.payments[0].outcome == .succeeded)
        #expect(steps > 10, "the flight has steps to crash in: \(steps)")

        var outcomes: [NetworkPaymentBook.Outcome] = []
        for crashAfter in 0...steps {
            var harness = try Self.line()
            harness.pay(.twoHop, amount: MilliSatoshi(5_000_000), routes: [[0, 1, 2]])
            for _ in 0..<crashAfter { _ = Self.step(&harness) }
            harness.restart(1)
            let settled = harness.settleAll()
            #expect(settled, "crash after \(crashAfter) steps: \(harness.violations.messages)")
            harness.checkSynced()
            #expect(harness.violations.messages == [], "crash after \(crashAfter) steps")
            let payment = harness.payments.payments[0]
            #expect(payment.outcome != .pending, "crash after \(crashAfter) steps")
            outcomes.append(payment.outcome)
            // Exactly once: the payee took it once (the book refuses a second time as a violation) or not at all.
            #expect((payment.outcome == .succeeded) == (harness.nodes[2].offChainBalance > harness.openingBalances[2]))
            harness.finish()
            #expect(harness.violations.messages == [] && harness.lastAudit?.ok == true, "crash after \(crashAfter) steps")
        }
        // Early crashes lose the unsigned forward (failed back), later ones must still settle it.
        #expect(outcomes.contains(.failed) && outcomes.contains(.succeeded), "\(outcomes)")
        #expect(outcomes.last == .succeeded)
    }

    /// Two parts of one payment over the same two channels (one hash twice on each channel):
    /// both are fulfilled off chain, no channel closes at their expiry.
    @Test func twoPartsOverTheSameRouteAreBothFulfilled() throws {
        var harness = try Self.line()
        harness.pay(.multiPart, amount: MilliSatoshi(8_000_001), routes: [[0, 1, 2], [0, 1, 2]])
        let settled = harness.settleAll()
        #expect(settled)
        harness.checkSynced()
        #expect(harness.payments.payments[0].outcome == .succeeded)
        harness.mine(blocks: 60)
        harness.finish()
        #expect(harness.violations.messages == [])
        #expect(harness.statistics.mutualCloses == 2)
    }

    /// The payment book reports a part settled twice, a payee paid twice, and a payee paid
    /// what it was not owed: the checks can fire.
    @Test func thePaymentBookReportsWhatWentWrong() throws {
        var harness = try Self.line()
        harness.pay(.direct, amount: MilliSatoshi(1_000_000), routes: [[0, 1]])
        let settled = harness.settleAll()
        #expect(settled)
        var book = harness.payments
        let hash = book.payments[0].paymentHash
        #expect(book.payments[0].outcome == .succeeded)
        #expect(!book.received(hash, by: 1, amount: MilliSatoshi(1_000_000)).isEmpty, "paid twice")
        #expect(!book.partFailed(0, part: 0).isEmpty, "failed after it succeeded")
        #expect(book.endProblems().isEmpty)
        let other = harness.payments.payments[0].paymentHash
        var fresh = NetworkPaymentBook()
        #expect(!fresh.received(other, by: 1, amount: MilliSatoshi(1)).isEmpty, "paid for an unknown payment")
        #expect(book.expectedBalance(of: 1, opening: 0) == 1_000_000)
        #expect(book.expectedBalance(of: 0, opening: 0) == -1_000_000)
    }
}
