import ChanSim
import ChanCore
import ChanLedger
import Testing

/// Helpers shared by the scenario tests that drive a `ChannelPairHarness` step by step.
extension ChannelPairHarness {
    /// A harness on `PairConfiguration.standard` (1,000,000 sat, 100,000 sat pushed to bob,
    /// 12-block delay), or fails the test.
    static func standard(keySeed: UInt64 = 1, cheater: PairSide? = nil) throws -> ChannelPairHarness {
        try ChannelPairHarness(configuration: .standard(keySeed: keySeed, cheater: cheater))
    }

    /// Receivers fulfil every committed incoming HTLC, then the pair settles, until no payment
    /// is pending (or nothing moves any more).
    mutating func fulfilEverything() {
        for _ in 0..<20 where !payments.pending.isEmpty {
            for side in PairSide.allCases {
                for id in payments.settleableIDs(at: side) { fulfil(at: side, id: id) }
            }
            settle()
        }
    }

    /// Starts a payment that the channel must accept.
    mutating func mustAdd(from side: PairSide, sat amount: UInt64, expiryDelta: UInt32 = 100,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let accepted = addHTLC(from: side, amount: MilliSatoshi(amount * 1000), expiryDelta: expiryDelta)
        #expect(accepted, "\(side) could not add \(amount) sat", sourceLocation: sourceLocation)
    }

    /// Settles the pair, which must succeed.
    mutating func mustSettle(sourceLocation: SourceLocation = #_sourceLocation) {
        let settled = settle()
        #expect(settled, "the pair did not settle: \(violations.messages)", sourceLocation: sourceLocation)
    }

    /// A command the channel must accept.
    mutating func must(_ side: PairSide, _ command: ChannelCommand, sourceLocation: SourceLocation = #_sourceLocation) {
        let accepted = self.command(side, command)
        #expect(accepted, "\(side) refused \(command)", sourceLocation: sourceLocation)
    }
}

extension WireMessage {
    var isCommitmentSigned: Bool { if case .commitmentSigned = self { true } else { false } }
    var isRevokeAndAck: Bool { if case .revokeAndAck = self { true } else { false } }
    var isClosingSigned: Bool { if case .closingSigned = self { true } else { false } }
    var isShutdown: Bool { if case .shutdown = self { true } else { false } }
    var isUpdateFulfill: Bool { if case .updateFulfillHTLC = self { true } else { false } }
    var isUpdateFail: Bool { if case .updateFailHTLC = self { true } else { false } }
}

/// Records every violation of `harness` as a test issue.
func expectNoViolations(_ harness: ChannelPairHarness, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(harness.violations.isEmpty, "\(context) \(harness.violations.count) violations: \(harness.violations.messages)",
            sourceLocation: sourceLocation)
}
