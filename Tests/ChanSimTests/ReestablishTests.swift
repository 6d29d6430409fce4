import ChanSim
import ChanCore
import Testing

/// Reconnection at every step of a commit cycle: the connection drops after each single
/// message of an add/sign/revoke dance (and of a settle/fee dance), in-flight messages are
/// lost, `channel_reestablish` runs, and the pair must settle to one agreed state with every
/// payment ending exactly once.
@Suite struct ReestablishTests {
    /// Both sides add, alice updates the fee and signs: commitments cross.
    static func addDance(_ harness: inout ChannelPairHarness) {
        harness.mustAdd(from: .alice, sat: 50_000)
        harness.mustAdd(from: .alice, sat: 700)
        harness.mustAdd(from: .bob, sat: 20_000)
        harness.must(.alice, .updateFee(feeratePerKw: 3000))
        harness.must(.alice, .sign)
    }

    /// From a state with HTLCs pending both ways: fulfils and fails from both sides, a fee
    /// update, and both sides sign.
    static func settleDance(_ harness: inout ChannelPairHarness) {
        let bobIncoming = harness.payments.settleableIDs(at: .bob)
        let aliceIncoming = harness.payments.settleableIDs(at: .alice)
        harness.fulfil(at: .bob, id: bobIncoming[0])
        harness.fail(at: .bob, id: bobIncoming[1])
        harness.fail(at: .alice, id: aliceIncoming[0], malformed: true)
        harness.fulfil(at: .alice, id: aliceIncoming[1])
        harness.must(.alice, .updateFee(feeratePerKw: 1500))
        harness.must(.bob, .sign)
        harness.must(.alice, .sign)
    }

    static func withPendingHTLCs() throws -> ChannelPairHarness {
        var harness = try ChannelPairHarness.standard()
        for amount: UInt64 in [40_000, 30_000] { harness.mustAdd(from: .alice, sat: amount) }
        for amount: UInt64 in [9_000, 8_000] { harness.mustAdd(from: .bob, sat: amount) }
        harness.mustSettle()
        return harness
    }

    /// How many messages the dance exchanges when nothing drops.
    static func messageCount(of dance: (inout ChannelPairHarness) -> Void, from start: ChannelPairHarness) -> Int {
        var harness = start
        dance(&harness)
        harness.deliverAll()
        return harness.statistics.messagesDelivered - start.statistics.messagesDelivered
    }

    /// Runs `dance`, drops the connection after `dropAfter` messages (and again after
    /// `secondDropAfter` messages of the reconnection, if given), then settles and pays out.
    static func run(_ dance: (inout ChannelPairHarness) -> Void, from start: ChannelPairHarness,
                    dropAfter: Int, secondDropAfter: Int? = nil) -> ChannelPairHarness {
        var harness = start
        dance(&harness)
        var delivered = 0
        _ = harness.deliver { _, _ in
            defer { delivered += 1 }
            return delivered == dropAfter
        }
        harness.disconnect()
        harness.reconnect()
        if let secondDropAfter {
            delivered = 0
            _ = harness.deliver { _, _ in
                defer { delivered += 1 }
                return delivered == secondDropAfter
            }
            harness.disconnect()
        }
        harness.mustSettle()
        harness.checkSynced()
        harness.fulfilEverything()
        harness.checkSynced()
        return harness
    }

    static func expectSettled(_ harness: ChannelPairHarness, _ context: String) {
        expectNoViolations(harness, context)
        #expect(harness.isFullySynced, "\(context): not synced")
        #expect(harness.payments.pending.isEmpty, "\(context): \(harness.payments.pending.count) payments pending")
    }

    @Test func dropAfterEachMessageOfAnAddDance() throws {
        let start = try ChannelPairHarness.standard()
        let count = Self.messageCount(of: Self.addDance, from: start)
        #expect(count >= 8)
        for dropAfter in 0...count {
            let harness = Self.run(Self.addDance, from: start, dropAfter: dropAfter)
            Self.expectSettled(harness, "drop after \(dropAfter) of \(count)")
            // Whatever was lost, each payment ended once; the ones committed before the drop were paid.
            #expect(harness.payments.endedCount == 3)
        }
    }

    @Test func dropAfterEachMessageOfASettleDance() throws {
        let start = try Self.withPendingHTLCs()
        let count = Self.messageCount(of: Self.settleDance, from: start)
        #expect(count >= 8)
        for dropAfter in 0...count {
            let harness = Self.run(Self.settleDance, from: start, dropAfter: dropAfter)
            Self.expectSettled(harness, "drop after \(dropAfter) of \(count)")
            #expect(harness.statistics.htlcsSettled + harness.statistics.htlcsFailed == 4)
        }
    }

    @Test func dropAgainDuringTheReestablish() throws {
        let start = try ChannelPairHarness.standard()
        let count = Self.messageCount(of: Self.addDance, from: start)
        for dropAfter in 0...count {
            for secondDropAfter in 0...4 {
                let harness = Self.run(Self.addDance, from: start, dropAfter: dropAfter, secondDropAfter: secondDropAfter)
                Self.expectSettled(harness, "drops after \(dropAfter), then \(secondDropAfter)")
            }
        }
    }
}
