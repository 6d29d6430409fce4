import ChanSim
import ChanCore
import Testing

/// How `PairSimulation.run` treats the options around the random operations: disconnect rates
/// up to almost 1, a breach that changes nothing else of the seed's run, and a caller that
/// stops the operations early (Ctrl-C in `chan sim pair`).
@Suite struct PairSimulationRunTests {
    /// Before the fix, a link that drops after nearly every message kept the close from ever
    /// completing: "not closed after N blocks" while the ending said mutual close. Each run
    /// must reach that situation: the link drops during the close.
    @Test(arguments: [0.6, 0.9, 0.99])
    func highDisconnectRatesStillCloseTheChannel(rate: Double) {
        for seed: UInt64 in 1...12 {
            let report = PairSimulation.run(PairSimulationOptions(seed: seed, operations: 15, disconnectRate: rate, traceLength: 100_000))
            let closing = report.trace.drop { $0 != "operations done" }
            #expect(!closing.isEmpty && closing.contains { $0.hasPrefix("disconnect") },
                    "seed \(seed) at \(rate): the link never dropped during the close")
            #expect(report.violations.isEmpty, "seed \(seed) at \(rate): \(report.violations.messages)")
            #expect(report.audit?.ok == true, "seed \(seed) at \(rate): audit \(report.audit?.problems ?? ["missing"])")
            #expect(report.finalStates == [.closed, .closed], "seed \(seed) at \(rate): \(report.finalStates ?? [])")
            #expect(report.ending == .mutualClose)
        }
    }

    /// `--breach` draws from a stream of its own: the same seed opens the same channel and
    /// performs the same operations (event for event) up to the breach.
    @Test func aBreachKeepsTheSeedsChannelAndOperations() {
        var breaches = 0
        for seed: UInt64 in 1...8 {
            let plain = PairSimulation.run(PairSimulationOptions(seed: seed, operations: 60, disconnectRate: 0.05, traceLength: 1_000_000))
            let cheating = PairSimulation.run(PairSimulationOptions(seed: seed, operations: 60, disconnectRate: 0.05, breach: true,
                                                                     traceLength: 1_000_000))
            var shape = cheating.configuration
            #expect(shape?.cheater != nil)
            shape?.cheater = nil
            #expect(shape == plain.configuration, "seed \(seed)")
            let plainOperations = plain.trace.prefix { $0 != "operations done" }
            let cheatingOperations = cheating.trace.prefix { $0 != "operations done" }
            #expect(plainOperations.count < plain.trace.count, "seed \(seed): no end of the operations in the trace")
            #expect(Array(plainOperations) == Array(cheatingOperations), "seed \(seed)")
            if case .breach = cheating.ending { breaches += 1 }
            #expect(cheating.violations.isEmpty && cheating.audit?.ok == true, "seed \(seed): \(cheating.violations.messages)")
        }
        #expect(breaches > 0)
    }

    /// A caller that says stop: the operations end there, the channel is closed and audited,
    /// and the report says it was interrupted.
    @Test func anInterruptedRunClosesWhatItHas() {
        let report = PairSimulation.run(PairSimulationOptions(seed: 3, operations: 1000, disconnectRate: 0.05)) { done in done < 25 }
        #expect(report.interrupted)
        #expect(report.statistics.operations == 25)
        #expect(report.violations.isEmpty, "\(report.violations.messages)")
        #expect(report.audit?.ok == true)
        #expect(report.finalStates == [.closed, .closed])
        let whole = PairSimulation.run(PairSimulationOptions(seed: 3, operations: 25, disconnectRate: 0.05))
        #expect(!whole.interrupted && whole.statistics.operations == 25)
    }
}
