import ChanSim
import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// A force close with HTLCs both ways, resolved on the ledger: by preimage, by timeout, and
/// the closer's `to_local` swept only after its delay.
@Suite struct ForceCloseTests {
    @Test(arguments: [PairSide.alice, .bob])
    func htlcsBothWaysResolveByPreimageTimeoutAndDelay(closer: PairSide) throws {
        var harness = try ChannelPairHarness.standard()
        // alice -> bob: A is claimed with its preimage, B times out, E is dust (trimmed);
        // bob -> alice: C is claimed with its preimage, D times out.
        harness.mustAdd(from: .alice, sat: 200_000, expiryDelta: 40)
        harness.mustAdd(from: .alice, sat: 150_000, expiryDelta: 50)
        harness.mustAdd(from: .alice, sat: 1_000, expiryDelta: 45)
        harness.mustAdd(from: .bob, sat: 30_000, expiryDelta: 60)
        harness.mustAdd(from: .bob, sat: 20_000, expiryDelta: 70)
        harness.mustSettle()
        harness.checkSynced()
        let pending = harness.payments.pending.values
        #expect(pending.count == 5 && pending.allSatisfy(\.committedAtReceiver))
        let claimed: Set<UInt64> = [200_000_000, 30_000_000]
        let claimedHashes = Set(pending.filter { claimed.contains($0.amount.value) }.map(\.paymentHash))

        harness.forceClose(closer)
        harness.disconnect()
        harness.mineUntilClosed(maxBlocks: 200) { claimedHashes.contains($0.paymentHash) }
        expectNoViolations(harness)
        harness.checkEveryPaymentEnded()
        harness.checkFundsAfterClose()
        expectNoViolations(harness, "after close")
        let audit = harness.auditLedger()
        #expect(audit?.ok == true)

        for payment in pending {
            let expected: PaymentBook.Outcome = claimedHashes.contains(payment.paymentHash) ? .fulfilled : .failed
            #expect(harness.payments.outcome(of: payment.paymentHash) == expected, "\(payment.amount.value) msat")
        }
        #expect(harness.statistics.htlcsSettled == 2 && harness.statistics.htlcsFailed == 3)

        // The closer's to_local left its commitment only after the delay the peer asked for.
        let commitment = try #require(harness.fundingSpender)
        let delay = UInt32(harness.configuration.config(of: closer.other).toSelfDelay)
        let commitmentHeight = try confirmationHeight(of: commitment.txid, in: harness.ledger)
        let sweeps = try transactions(in: harness.ledger, from: commitmentHeight).filter { transaction in
            transaction.inputs.contains { input in
                guard input.previousOutput.txid == commitment.txid, case .delayed = input.witness else { return false }
                return true
            }
        }
        #expect(sweeps.count == 1)
        for sweep in sweeps {
            #expect(try confirmationHeight(of: sweep.txid, in: harness.ledger) >= commitmentHeight + delay)
        }
        // Nothing is left in channel conditions: every satoshi is in a wallet or paid as fees.
        #expect(harness.closedChannelFunds.unclaimed.isEmpty)
    }

    @Test func anExpiredOutgoingHTLCMakesTheSenderCloseOnChain() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 50_000, expiryDelta: 20)
        harness.mustSettle()
        // Bob never settles it: at its expiry alice must close and time it out on chain.
        harness.mine(blocks: 20)
        #expect(harness.channel(.alice).phase == .forceClosing)
        #expect(harness.violations.messages.contains { $0.contains("alice force closed on its own: outgoing HTLC 0 expired") })
    }

    @Test func aFulfilledIncomingHTLCNearItsExpiryIsClaimedOnChain() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 80_000, expiryDelta: 30)
        harness.mustSettle()
        harness.fulfil(at: .bob, id: harness.payments.settleableIDs(at: .bob)[0])
        harness.disconnect() // the fulfil never reaches alice
        harness.mine(blocks: 30 - Int(Channel.fulfilledHTLCSafetyMargin))
        #expect(harness.channel(.bob).phase == .forceClosing)
        #expect(harness.violations.messages.contains { $0.contains("bob force closed on its own: fulfilled incoming HTLC 0 nears its expiry") })
        harness.mineUntilClosed(maxBlocks: 100)
        // Bob's HTLC-success revealed the preimage on chain: alice's payment is fulfilled, once.
        #expect(harness.statistics.htlcsSettled == 1 && harness.statistics.htlcsFailed == 0)
        harness.checkEveryPaymentEnded()
        harness.checkFundsAfterClose()
        #expect(harness.violations.count == 1, "\(harness.violations.messages)")
        #expect(harness.closedChannelFunds.bobGain > 100_000 + 70_000)
    }

    private func confirmationHeight(of txid: TxID, in ledger: Ledger<InMemoryLedgerStore>) throws -> UInt32 {
        guard case .confirmed(let height) = try ledger.lookup(txid).status else {
            Issue.record("\(txid) is not confirmed")
            return .max
        }
        return height
    }

    private func transactions(in ledger: Ledger<InMemoryLedgerStore>, from height: UInt32) throws -> [Transaction] {
        try (height...ledger.tip().height).flatMap { ledger.store.transactions(atHeight: $0) }
    }
}
