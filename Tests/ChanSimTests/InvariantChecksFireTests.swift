@testable import ChanCore // to break a channel's commitments on purpose
import ChanCrypto
import ChanLedger
@testable import ChanSim  // the payment book's events and the harness's effects
import Testing

/// Each invariant the pair simulation checks, fed a state broken in one small way (a balance
/// off by 1 msat, an HTLC lost or duplicated, a wallet short by 1 sat, a payment ended twice),
/// must report that breakage in its own words. A check that cannot fire proves nothing when
/// the simulator reports no violation.
@Suite struct InvariantChecksFireTests {
    /// The standard pair with HTLCs pending both ways (one of them trimmed), fully synced.
    static func synced() throws -> ChannelPairHarness {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustAdd(from: .alice, sat: 700)
        harness.mustAdd(from: .bob, sat: 9_000)
        harness.mustSettle()
        harness.checkSynced()
        expectNoViolations(harness)
        #expect(harness.isFullySynced)
        return harness
    }

    static func commitCycle(_ harness: ChannelPairHarness) -> [String] {
        PairInvariants.commitCycleProblems(alice: harness[.alice], bob: harness[.bob])
    }

    static func synced(_ harness: ChannelPairHarness) -> [String] {
        PairInvariants.syncedProblems(alice: harness[.alice], bob: harness[.bob], payments: harness.payments,
                                      configuration: harness.configuration)
    }

    /// `problems` holds one that contains every fragment.
    static func expectReported(_ problems: [String], _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        let found = problems.contains { problem in fragments.allSatisfy { problem.contains($0) } }
        #expect(found, "no problem with \(fragments) in \(problems)", sourceLocation: sourceLocation)
    }

    // MARK: Commit-cycle agreement

    @Test func theUnbrokenStatePassesEveryCheck() throws {
        let harness = try Self.synced()
        #expect(Self.commitCycle(harness).isEmpty)
        #expect(Self.synced(harness).isEmpty)
    }

    /// A balance 1 msat too high: the commitment no longer holds the capacity, and the peer
    /// signed something else.
    @Test func aBalanceOffBy1Msat() throws {
        var harness = try Self.synced()
        harness[.alice].commitments?.local.spec.toLocal.move(by: 1)
        let problems = Self.commitCycle(harness)
        Self.expectReported(problems, "alice's local commitment holds 1000000001 msat of 1000000 sat")
        Self.expectReported(problems, "alice's commitment", "bob signed")
    }

    /// One HTLC gone from bob's commitment (its amount back with its sender, so the total holds).
    @Test func anHTLCLostFromOneCommitment() throws {
        var harness = try Self.synced()
        var local = try #require(harness[.bob].commitments?.local)
        let lost = try #require(local.spec.htlcs.first { $0.amount.value == 40_000_000 })
        local.spec.htlcs.removeAll { $0 == lost }
        local.spec.toRemote.move(by: Int64(lost.amount.value))
        harness[.bob].commitments?.local = local
        let problems = Self.commitCycle(harness)
        Self.expectReported(problems, "bob's commitment", "2 HTLCs", "alice signed", "3 HTLCs")
        Self.expectReported(problems, "bob's commitment \(local.number): outputs")
        Self.expectReported(problems, "alice's commitment", "and bob's", "disagree")
    }

    /// The same HTLC twice in what alice signed for bob (paid for from her balance).
    @Test func anHTLCDuplicatedInTheSignedCommitment() throws {
        var harness = try Self.synced()
        var remote = try #require(harness[.alice].commitments?.remote)
        let twice = try #require(remote.spec.htlcs.first { $0.amount.value == 9_000_000 })
        remote.spec.htlcs.append(twice)
        remote.spec.toRemote.move(by: -Int64(twice.amount.value))
        harness[.alice].commitments?.remote = remote
        let problems = Self.commitCycle(harness)
        Self.expectReported(problems, "bob's commitment \(remote.number) is", "3 HTLCs", "alice signed", "4 HTLCs")
    }

    @Test func aCommitmentNumberTheOtherSideNeverSigned() throws {
        var harness = try Self.synced()
        let number = try #require(harness[.bob].commitments?.remote.number)
        harness[.bob].commitments?.remote.number = number + 1
        Self.expectReported(Self.commitCycle(harness), "alice is at commitment \(number), bob signed \(number + 1)")
    }

    @Test func aTransactionTheOtherSideDidNotSign() throws {
        var harness = try Self.synced()
        let other = try #require(harness[.alice].commitments?.remote)
        harness[.bob].commitments?.remote.txid = try TxID(bytes: [UInt8](repeating: 7, count: 32))
        Self.expectReported(Self.commitCycle(harness), "alice's commitment \(other.number) has another txid than the one bob signed")
    }

    @Test func aMissingHTLCSignature() throws {
        var harness = try Self.synced()
        _ = harness[.alice].commitments?.local.remoteHTLCSignatures.removeLast()
        let outputs = try #require(harness[.alice].commitments?.local.transaction.htlcOutputs.count)
        Self.expectReported(Self.commitCycle(harness), "alice holds \(outputs - 1) HTLC signatures for \(outputs) HTLC outputs")
    }

    // MARK: Synced: balances against the payment book

    /// The payments say bob was pushed 1 msat more than his balance shows.
    @Test func aBalanceThePaymentsDoNotExplain() throws {
        let harness = try Self.synced()
        var configuration = harness.configuration
        configuration.pushAmount.move(by: Int64(1))
        let problems = PairInvariants.syncedProblems(alice: harness[.alice], bob: harness[.bob], payments: harness.payments,
                                                     configuration: configuration)
        Self.expectReported(problems, "balances alice", "the payments say")
    }

    /// A payment the book holds pending that no commitment carries: a lost HTLC.
    @Test func aPendingPaymentWithoutItsHTLC() throws {
        let harness = try Self.synced()
        var started = harness
        started.mustAdd(from: .bob, sat: 5_000)
        let problems = PairInvariants.syncedProblems(alice: harness[.alice], bob: harness[.bob], payments: started.payments,
                                                     configuration: harness.configuration)
        Self.expectReported(problems, "4 payments pending but 3 HTLCs in the commitment (1 differ)")
    }

    /// Alice's two commitments of a synced pair hold different things.
    @Test func syncedCommitmentsThatDiffer() throws {
        var harness = try Self.synced()
        harness[.alice].commitments?.remote.spec.feeratePerKw += 1
        Self.expectReported(Self.synced(harness), "the commitments differ when synced")
    }

    // MARK: Commitment accounting (BOLT 3 by hand)

    static func aliceLocal() throws -> (LocalCommitment, Satoshi, Satoshi) {
        let harness = try Self.synced()
        let commitments = try #require(harness[.alice].commitments)
        return (commitments.local, commitments.parameters.capacity, commitments.parameters.localConfig.dustLimit)
    }

    @Test func accountingOfTheRealCommitmentIsClean() throws {
        let (local, capacity, dust) = try Self.aliceLocal()
        #expect(CommitmentAccounting.problems(of: local.transaction, spec: local.spec, capacity: capacity,
                                              ownerIsOpener: true, ownerDustLimit: dust).isEmpty)
    }

    /// 1 sat moved from alice to bob in the spec: the outputs no longer match it.
    @Test func accountingSeesOutputsThatDoNotMatchTheSpec() throws {
        let (local, capacity, dust) = try Self.aliceLocal()
        var spec = local.spec
        spec.toLocal.move(by: -Int64(1000))
        spec.toRemote.move(by: Int64(1000))
        let problems = CommitmentAccounting.problems(of: local.transaction, spec: spec, capacity: capacity,
                                                     ownerIsOpener: true, ownerDustLimit: dust)
        Self.expectReported(problems, "to_local output", "expected")
        Self.expectReported(problems, "to_remote output", "expected")
    }

    @Test func accountingSeesASpecThatMissesAMsat() throws {
        let (local, capacity, dust) = try Self.aliceLocal()
        var spec = local.spec
        spec.toRemote.move(by: -Int64(1))
        Self.expectReported(CommitmentAccounting.problems(of: local.transaction, spec: spec, capacity: capacity,
                                                          ownerIsOpener: true, ownerDustLimit: dust),
                            "spec holds 999999999 msat, capacity is 1000000000 msat")
    }

    /// The fee belongs to the opener: built as if bob paid it, the transaction is wrong.
    @Test func accountingSeesTheFeeOnTheWrongSide() throws {
        let (local, capacity, dust) = try Self.aliceLocal()
        Self.expectReported(CommitmentAccounting.problems(of: local.transaction, spec: local.spec, capacity: capacity,
                                                          ownerIsOpener: false, ownerDustLimit: dust),
                            "to_local output", "expected")
    }

    @Test func accountingSeesAWrongFeerate() throws {
        let (local, capacity, dust) = try Self.aliceLocal()
        var spec = local.spec
        spec.feeratePerKw += 1000
        Self.expectReported(CommitmentAccounting.problems(of: local.transaction, spec: spec, capacity: capacity,
                                                          ownerIsOpener: true, ownerDustLimit: dust), "base fee")
    }

    /// With a dust limit of 20,000 sat, the 9,000-sat HTLC must be trimmed: trimming is checked.
    @Test func accountingSeesAWronglyTrimmedHTLC() throws {
        let (local, capacity, _) = try Self.aliceLocal()
        Self.expectReported(CommitmentAccounting.problems(of: local.transaction, spec: local.spec, capacity: capacity,
                                                          ownerIsOpener: true, ownerDustLimit: Satoshi(20_000)), "trimmed [", "], expected [")
    }

    /// The harness checks each new commitment as it is accepted: broken before the next
    /// signature arrives, it is reported in the run.
    @Test func theHarnessReportsABrokenNewCommitment() throws {
        var harness = try Self.synced()
        harness[.bob].commitments?.local.spec.toLocal.move(by: 1)
        harness.checkNewCommitment(of: .bob)
        #expect(harness.violations.messages.contains { $0.hasPrefix("new commitment: bob's local commitment holds 1000000001 msat") },
                "\(harness.violations.messages)")
    }

    // MARK: The payment book

    /// The pair after alice's 40,000-sat payment was fulfilled and settled.
    static func withFulfilledPayment() throws -> (ChannelPairHarness, PaymentBook.Payment) {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        let payment = try #require(harness.payments.pending.values.first)
        let fulfilled = harness.fulfil(at: .bob, id: payment.htlcID)
        #expect(fulfilled)
        harness.mustSettle()
        #expect(harness.payments.outcome(of: payment.paymentHash) == .fulfilled)
        expectNoViolations(harness)
        return (harness, payment)
    }

    @Test func aPaymentSettledTwiceIsReported() throws {
        var (harness, payment) = try Self.withFulfilledPayment()
        harness.perform([.htlc(.outgoingFulfilled(id: payment.htlcID, paymentHash: payment.paymentHash, preimage: payment.preimage))],
                        from: .alice)
        #expect(harness.violations.messages == ["payments: alice's HTLC \(payment.htlcID) resolved twice: fulfilled, then fulfilled"])
    }

    @Test func aFulfilledPaymentFailedLaterIsReported() throws {
        var (harness, payment) = try Self.withFulfilledPayment()
        harness.perform([.htlc(.outgoingFailed(id: payment.htlcID, paymentHash: payment.paymentHash, failure: .local("late")))],
                        from: .alice)
        #expect(harness.violations.messages == ["payments: alice's HTLC \(payment.htlcID) resolved twice: fulfilled, then failed"])
    }

    /// The receiver revealed the preimage, and the sender's channel reports a failure off chain:
    /// the receiver is paid while the sender gets its money back.
    @Test func aFailureAfterTheReceiverRevealedThePreimageIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        let payment = try #require(harness.payments.pending.values.first)
        let fulfilled = harness.fulfil(at: .bob, id: payment.htlcID)
        #expect(fulfilled)
        harness.perform([.htlc(.outgoingFailed(id: payment.htlcID, paymentHash: payment.paymentHash, failure: .local("lost")))],
                        from: .alice)
        #expect(harness.violations.messages == ["payments: alice's HTLC \(payment.htlcID) failed although bob revealed its preimage"])
    }

    @Test func aWrongPreimageIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        let payment = try #require(harness.payments.pending.values.first)
        let wrong = try Preimage(bytes: [UInt8](repeating: 9, count: 32))
        harness.perform([.htlc(.outgoingFulfilled(id: payment.htlcID, paymentHash: payment.paymentHash, preimage: wrong))], from: .alice)
        #expect(harness.violations.messages == ["payments: alice got a wrong preimage for HTLC \(payment.htlcID)"])
    }

    @Test func anUnknownPaymentResolvedIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        let stranger = try Preimage(bytes: [UInt8](repeating: 3, count: 32))
        harness.perform([.htlc(.outgoingFulfilled(id: 5, paymentHash: stranger.hash, preimage: stranger))], from: .bob)
        #expect(harness.violations.messages == ["payments: bob resolved unknown HTLC 5 as fulfilled"])
    }

    /// The receiver is told of a committed HTLC twice, of one nobody sent, and of one with
    /// another amount than the sender's.
    @Test func incomingHTLCsThatDoNotMatchAPaymentAreReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        let payment = try #require(harness.payments.pending.values.first)
        let htlc = CommitmentHTLC(id: payment.htlcID, direction: .received, amount: payment.amount,
                                  paymentHash: payment.paymentHash, cltvExpiry: 500)
        harness.perform([.htlc(.incomingCommitted(htlc, onion: .zero))], from: .bob)
        var changed = htlc
        changed.amount.move(by: -Int64(1))
        harness.perform([.htlc(.incomingCommitted(changed, onion: .zero))], from: .bob)
        let stranger = try Preimage(bytes: [UInt8](repeating: 4, count: 32))
        harness.perform([.htlc(.incomingCommitted(CommitmentHTLC(id: 9, direction: .received, amount: MilliSatoshi(1000),
                                                                   paymentHash: stranger.hash, cltvExpiry: 500), onion: .zero))],
                        from: .alice)
        #expect(harness.violations.messages == [
            "payments: bob was told twice that HTLC \(payment.htlcID) is committed",
            "payments: bob got HTLC \(payment.htlcID) of 39999999 msat, but alice sent id \(payment.htlcID) of 40000000 msat",
            "payments: bob was told twice that HTLC \(payment.htlcID) is committed",
            "payments: alice got unknown HTLC 9",
        ])
    }

    @Test func aPaymentStartedTwiceIsReported() throws {
        var book = PaymentBook(seed: 1)
        let preimage = book.freshPreimage()
        let add = UpdateAddHTLC(channelID: try ChannelID([UInt8](repeating: 1, count: 32)), id: 0, amount: MilliSatoshi(5000),
                                paymentHash: try Hash32(preimage.hash.bytes), cltvExpiry: 500, onionRoutingPacket: .zero)
        #expect(book.started(add, by: .alice, preimage: preimage).isEmpty)
        #expect(book.started(add, by: .alice, preimage: preimage) == ["payment \(preimage.hash.hex.prefix(16)) started twice"])
    }

    /// A payment still pending when the run ends: lost.
    @Test func aPaymentThatNeverEndedIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .bob, sat: 7_000)
        harness.checkEveryPaymentEnded()
        #expect(harness.violations.messages == ["bob's HTLC 0 of 7000000 msat never ended"])
    }

    // MARK: Closed-channel funds and the ledger audit

    static func mutuallyClosed() throws -> ChannelPairHarness {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        harness.fulfilEverything()
        harness.must(.bob, .close)
        harness.deliverAll()
        harness.mine()
        harness.checkFundsAfterClose()
        expectNoViolations(harness)
        #expect(harness.channels.map(\.phase) == [.closed, .closed])
        return harness
    }

    @Test func aWalletShortBy1SatIsReported() throws {
        let funds = try Self.mutuallyClosed().closedChannelFunds
        #expect(funds.problems(cheater: nil).isEmpty)
        let short = ClosedChannelFunds(capacity: funds.capacity, aliceGain: funds.aliceGain, bobGain: funds.bobGain - 1,
                                       fees: funds.fees, unclaimed: [])
        #expect(short.problems(cheater: nil) == [
            "wallets \(funds.aliceGain) + \(funds.bobGain - 1) sat, fees \(funds.fees) sat, unclaimed 0 sat: 999999 sat for a capacity of 1000000 sat",
        ])
    }

    @Test func aCheaterWhoKeptASatIsReported() throws {
        let funds = ClosedChannelFunds(capacity: Satoshi(1000), aliceGain: 1, bobGain: 989, fees: 10, unclaimed: [])
        #expect(funds.problems(cheater: .alice) == ["the cheater alice kept 1 sat"])
        #expect(funds.problems(cheater: .bob) == ["the cheater bob kept 989 sat"])
    }

    @Test func channelMoneyLeftUnclaimedIsReported() throws {
        let stray = UnspentOutput(outPoint: OutPoint(txid: try TxID(bytes: [UInt8](repeating: 5, count: 32)), index: 1),
                                  output: TxOutput(amount: Satoshi(600), condition: .toLocal(
                                    revocationKey: try PrivateKey(secretBytes: [UInt8](repeating: 1, count: 32)).publicKey,
                                    delayedKey: try PrivateKey(secretBytes: [UInt8](repeating: 2, count: 32)).publicKey, toSelfDelay: 6)),
                                  height: 9)
        let funds = ClosedChannelFunds(capacity: Satoshi(1000), aliceGain: 300, bobGain: 90, fees: 10, unclaimed: [stray])
        #expect(funds.problems(cheater: nil) == ["600 sat left unclaimed in channel outputs: 600 sat to_local"])
    }

    /// Bob's wallet output replaced by one of 1 sat less, on the ledger itself: the funds
    /// check sees a sat missing and the ledger audit sees the UTXO set disagree with what was
    /// minted.
    @Test func aLedgerWalletShortBy1SatFailsTheFundsCheckAndTheAudit() throws {
        var harness = try Self.mutuallyClosed()
        let bobs = try #require(harness.ledger.store.unspentOutputs(paying: [harness.wallets.bob]).first)
        try harness.ledger.store.removeUnspentOutput(bobs.outPoint)
        try harness.ledger.store.insertUnspentOutput(UnspentOutput(
            outPoint: bobs.outPoint, output: TxOutput(amount: Satoshi(bobs.amount.value - 1), condition: bobs.condition), height: bobs.height))
        harness.ledgerChanges += 1
        harness.checkFundsAfterClose()
        harness.auditLedger()
        let messages = harness.violations.messages
        #expect(messages.contains { $0.hasPrefix("funds: wallets") && $0.hasSuffix("999999 sat for a capacity of 1000000 sat") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("ledger audit: unspent outputs add up to") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("ledger audit: unspent output \(bobs.outPoint) does not match") }, "\(messages)")
    }

    /// The commit-cycle check runs the audit too.
    @Test func aCommitCycleCheckRunsTheLedgerAudit() throws {
        var harness = try Self.synced()
        let utxo = try #require(harness.ledger.store.unspentOutputs(paying: [harness.wallets.alice]).first)
        try harness.ledger.store.removeUnspentOutput(utxo.outPoint)
        harness.ledgerChanges += 1
        harness.checkCommitCycle()
        #expect(harness.violations.messages.contains { $0.hasPrefix("ledger audit: unspent outputs add up to") },
                "\(harness.violations.messages)")
    }

    /// The channels not closed when the run ends.
    @Test func aRunThatEndsWithOpenChannelsIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.checkFundsAfterClose()
        #expect(harness.violations.messages == ["the run ended with the channels [\"normal\", \"normal\"]"])
    }

    // MARK: What the harness watches on the link

    /// An honest peer never warns: a crafted update that bob refuses makes him warn, and that
    /// is a violation.
    @Test func aWarningBetweenHonestPeersIsReported() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 10_000)
        let intercepted = harness.intercept(to: .bob)
        guard case .updateAddHTLC(var add) = intercepted else {
            Issue.record("no update_add_htlc")
            return
        }
        add.id += 5 // ids must follow one another
        harness.deliver(.updateAddHTLC(add), to: .bob)
        #expect(harness.violations.messages.contains { $0.hasPrefix("bob sent a") }, "\(harness.violations.messages)")
    }
}

extension MilliSatoshi {
    /// Shifted by `delta` msat: a balance broken on purpose.
    mutating func move(by delta: Int64) { self = MilliSatoshi(UInt64(Int64(value) + delta)) }
}
