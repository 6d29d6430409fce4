import ChanSim
import ChanCore
import ChanLedger
import Testing

/// A long-lived channel (30+ commitments, HTLCs pending in many of them), then, for every
/// commitment of the cheater that the honest side holds the revocation of, a breach in its
/// own copy of the world: the honest side's penalty must take everything, and the ledger must
/// accept it.
@Suite struct BreachTests {
    @Test(arguments: [PairSide.alice, .bob])
    func everyRevokedCommitmentIsPunished(cheater: PairSide) throws {
        var harness = try ChannelPairHarness.standard(keySeed: 3, cheater: cheater)
        var round: UInt64 = 0
        while harness.breachableCommitmentNumbers.count < 32 {
            round += 1
            // Payments both ways, a dust one among them; some stay pending for a few rounds.
            harness.mustAdd(from: .alice, sat: 10_000 * round + 123, expiryDelta: 100)
            harness.mustAdd(from: .bob, sat: round % 3 == 0 ? 800 : 2_000 * round, expiryDelta: 120)
            if round % 4 == 0 { harness.must(.alice, .updateFee(feeratePerKw: 2000 + 100 * UInt32(round))) }
            harness.must(round % 2 == 0 ? .alice : .bob, .sign)
            harness.mustSettle()
            if round % 2 == 0 {
                for side in PairSide.allCases {
                    for (index, id) in harness.payments.settleableIDs(at: side).enumerated() {
                        if index % 2 == 0 { harness.fulfil(at: side, id: id) } else { harness.fail(at: side, id: id) }
                    }
                }
                harness.mustSettle()
            }
            harness.checkSynced()
            #expect(round < 40, "too few commitments")
            if round >= 40 { break }
        }
        expectNoViolations(harness, "before the breaches")
        let numbers = harness.breachableCommitmentNumbers
        #expect(numbers == Array(0..<UInt64(numbers.count)), "every revoked commitment, from the first")
        var withHTLCs = 0

        for number in numbers {
            var world = harness
            let revoked = try #require(world.archivedCommitments[number])
            // Outputs the cheater could have kept: its to_local and the HTLC outputs.
            let revocable = revoked.outputs.count { if case .key = $0.condition { false } else { true } }
            if revoked.outputs.contains(where: { if case .offeredHTLC = $0.condition { true } else if case .receivedHTLC = $0.condition { true } else { false } }) {
                withHTLCs += 1
            }
            world.breach(with: number)
            world.mineUntilClosed(maxBlocks: 50)
            world.checkEveryPaymentEnded()
            world.checkFundsAfterClose()
            expectNoViolations(world, "commitment \(number):")
            let honest = world.channel(cheater.other)
            #expect(honest.phase == .closed && honest.onChain?.kind == .revokedCommitment, "commitment \(number)")
            if revocable > 0 { #expect(world.statistics.penalties >= 1, "commitment \(number): no penalty confirmed") }
            let funds = world.closedChannelFunds
            #expect(funds.gain(of: cheater) == 0, "commitment \(number): the cheater kept \(funds.gain(of: cheater)) sat")
            #expect(funds.gain(of: cheater.other) + funds.fees == harness.configuration.capacity.value, "commitment \(number)")
            let audit = world.auditLedger()
            #expect(audit?.ok == true, "commitment \(number): \(audit?.problems ?? [])")
        }
        #expect(withHTLCs >= 10, "only \(withHTLCs) revoked commitments held HTLCs")
    }
}
