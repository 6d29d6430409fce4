import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

/// Bugs found in the channel core by the adversarial tests, one test each.
@Suite struct ChannelRegressionTests {
    /// The cap on dust exposure counted only HTLCs already signed: adds batched before one
    /// `commitment_signed` (the normal way) could exceed it without limit.
    @Test func dustExposureCountsUnsignedAdds() throws {
        var harness = try ChannelPairHarness.open()
        // 2,000 sat HTLCs are trimmed (below 354 + 1657 sat): 25 of them reach the 50,000 sat cap.
        for index in 0..<25 {
            try harness.offer(.alice, msat: 2_000_000, preimage: try Preimage(label: "dust \(index)"))
        }
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(2_000_000), paymentHash: PaymentHash(preimage: try Preimage(label: "more")),
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .dustExposureExceeded(limit: 50_000_000))
        // An HTLC with an output of its own adds no dust exposure.
        try harness.offer(.alice, msat: 3_000_000, preimage: try Preimage(label: "not dust"))
        #expect(harness[.alice].snapshot.spendableMsat > 900_000_000)
        expectExactLimits(harness[.alice])
        // The same cap once part of the batch is signed.
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(2_000_000), paymentHash: PaymentHash(preimage: try Preimage(label: "more")),
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .dustExposureExceeded(limit: 50_000_000))
    }

    /// An `update_add_htlc` the peer sent before it received our `shutdown` was refused as an
    /// add "after shutdown": a warning, a disconnect, and on every reconnect the peer sent the
    /// signed add again: the close could never finish. BOLT 2 only forbids adds after the
    /// *sender's* shutdown; ours asks the node to fail such HTLCs, not the channel to refuse them.
    @Test func anAddCrossingOurShutdownIsAccepted() throws {
        var harness = try ChannelPairHarness.open(.defaults(pushAmount: MilliSatoshi(300_000_000)))
        let preimage = try Preimage(label: "crossing")
        try harness.execute(.alice, .close)                      // alice's shutdown is on its way...
        try harness.offer(.bob, msat: 10_000_000, preimage: preimage)  // ...while bob adds and signs
        try harness.execute(.bob, .sign)
        let add = try harness.intercept(to: .alice, "update_add_htlc")
        let effects = harness.deliver(add, to: .alice)
        #expect(!effects.contains(.disconnect), "\(effects)")
        harness.deliverAll()
        // Alice's node fails the HTLC (it sent shutdown), then the close goes through.
        guard case .incomingCommitted(let htlc, _)? = harness.history[.alice].resolutions.last else {
            Issue.record("the crossing HTLC was not committed: \(harness.history[.alice].resolutions)"); return
        }
        try harness.execute(.alice, .failHTLC(id: htlc.id, reason: []))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        #expect(harness.history[.bob].resolutions.contains { if case .outgoingFailed = $0 { true } else { false } })
        #expect(harness.channels.map(\.phase) == [.closing, .closing])
        // Once bob's shutdown arrived, a new add from him is refused.
        var late = try ChannelPairHarness.open()
        try late.execute(.bob, .close)
        late.deliverNext(to: .alice)
        var copy = late[.alice]
        Refusal.warning(&copy, .updateAddHTLC(late.crafted(from: .bob, msat: 1_000_000)), .protocolViolation("update_add_htlc after shutdown"))
    }

    /// A fulfil asked while the peer was disconnected was refused ("the peer is not
    /// connected"), so the channel never learned the preimage: it would not go on chain before
    /// the HTLC expired, and the peer could take the HTLC back by timeout although we had paid
    /// downstream. The fulfil is now kept and proposed when the peer is back.
    @Test func aFulfilWhileThePeerIsAwayIsKeptAndClaimedOnChainInTime() throws {
        var harness = try ChannelPairHarness.open(.defaults(pushAmount: MilliSatoshi(300_000_000)))
        let preimage = try Preimage(label: "downstream paid")
        try harness.offer(.alice, msat: 50_000_000, preimage: preimage, expiresIn: 30)
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        harness.disconnect()

        // Still checked like any fulfil.
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 0, preimage: try Preimage(label: "wrong")), .wrongPreimage(0))
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 1, preimage: preimage), .unknownHTLC(1))
        let effects = try harness[.bob].handle(.command(.fulfillHTLC(id: 0, preimage: preimage)), now: 8)
        #expect(effects == [.persist()])
        #expect(harness[.bob].snapshot.htlcs.map(\.state) == [.fulfilling])
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 0, preimage: preimage), .htlcAlreadySettled(0))
        // Failing it instead is refused while the peer is away (nothing is at stake).
        Refusal.command(&harness[.bob], .failHTLC(id: 0, reason: []), .invalidState("the peer is not connected"))

        // Either the peer comes back, and the fulfil is proposed and settled off chain...
        var back = harness
        back.reconnect()
        back.deliverAll()
        #expect(back.history[.alice].resolutions.contains(.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)))
        #expect(back[.bob].snapshot.toLocalMsat == 350_000_000)
        #expect(back[.bob].snapshot.htlcs.isEmpty)

        // ...or it stays away, and bob closes before the expiry and claims the HTLC on chain.
        harness.mineUntilClosed(maxBlocks: 300)
        #expect(harness.channels.map(\.phase) == [.closed, .closed])
        #expect(harness.stateChanges[PairSide.bob.rawValue].contains { $0.cause.contains("fulfilled incoming HTLC 0 nears its expiry") })
        #expect(harness.history[.alice].resolutions.contains(.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)))
        // Bob's 300,000 sat and the 50,000 sat HTLC, less the fees of his claims.
        #expect(harness.walletBalance(.bob).value > 340_000, "\(harness.walletBalance(.bob).value)")
        let audit = try harness.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
    }

    /// An `error` from the peer while opening closed the channel without the `phaseChanged`
    /// effect every other change of state comes with.
    @Test func anErrorWhileOpeningReportsTheChangeOfState() throws {
        var harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        let error = ErrorMessage(channelID: harness[.bob].channelID, data: Array("no".utf8))
        for side in [PairSide.alice, .bob] {
            let effects = try harness[side].handle(.message(.error(error)), now: 7)
            #expect(effects == [.phaseChanged(StateChange(time: 7, old: .opening, new: .closed, cause: "the peer sent an error while opening: no"))])
            #expect(harness[side].phase == .closed)
        }
        // Nothing was broadcast: alice's coins never left her wallet.
        #expect(harness.ledger.store.mempoolTransactions().isEmpty)
    }
}

@Suite struct ChannelSecrecyTests {
    /// `"\(channel)"`, `dump(channel)` or a failing test's report printed the channel's private
    /// keys and shachain seed, as Swift prints every stored property by default.
    @Test func printingAChannelPrintsNoSecret() throws {
        let harness = try ChannelPairHarness.open()
        let channel = harness[.alice]
        var dumped = ""
        dump(channel, to: &dumped)
        let keys = channel.keys
        let secrets = [keys.funding, keys.revocationBasepointSecret, keys.paymentBasepointSecret,
                       keys.delayedPaymentBasepointSecret, keys.htlcBasepointSecret].map(\.secretBytes) + [keys.shachainSeed]
        for text in [String(describing: channel), String(reflecting: channel), dumped, "\(keys)"] {
            for secret in secrets {
                #expect(!text.contains("\(secret)") && !text.contains(Hex.encode(secret)), "a secret is printed")
                // dump() prints arrays one element per line: look for a run of the first bytes.
                #expect(!text.contains(secret.prefix(4).map { "  - \($0)\n" }.joined()), "a secret is dumped")
            }
        }
        #expect("\(keys)".contains(keys.funding.publicKey.hex))
    }
}

/// A side restored from an old backup must not broadcast its stale commitment (it may be
/// revoked: the peer would take everything); it asks the peer to close and sweeps its
/// `to_remote` from the peer's commitment, which it has never seen.
@Suite struct DataLossReconnectTests {
    @Test func staleSideWaitsForThePeerAndRecoversItsBalance() throws {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 100_000_000, preimage: try Preimage(label: "first"))
        let staleBob = harness[.bob]
        try harness.pay(.alice, msat: 150_000_000, preimage: try Preimage(label: "second"))
        try harness.pay(.alice, msat: 50_000_000, preimage: try Preimage(label: "third"))

        // Bob loses his data: he comes back with the state of two payments ago.
        harness[.bob] = staleBob
        harness.disconnect()
        let broadcastsBefore = PairSide.allCases.map { harness.history[$0].broadcasts.count }
        harness.reconnect()
        harness.deliverAll()

        // Bob broadcast nothing and waits; alice, who holds the newest state, closed with it.
        #expect(harness[.bob].phase == .forceClosing)
        #expect(harness[.alice].phase == .forceClosing)
        let newBroadcasts = PairSide.allCases.flatMap { harness.history[$0].broadcasts.dropFirst(broadcastsBefore[$0.rawValue]) }
        let bobFunding = harness[.bob].commitments!.parameters.fundingOutPoint
        let commitmentBroadcasts = newBroadcasts.filter { $0.inputs.contains { $0.previousOutput == bobFunding } }
        #expect(commitmentBroadcasts.count == 1)
        #expect(commitmentBroadcasts.first?.txid == harness[.alice].commitments!.local.transaction.txid)

        harness.mineUntilClosed(maxBlocks: 300)
        #expect(harness.channels.map(\.phase) == [.closed, .closed])
        #expect(harness[.bob].onChain?.kind == .unknownRemoteCommitment)
        #expect(try harness.ledger.audit().ok)
        // Bob recovers all 300,000 sat he was paid, less the fee of his one-input sweep.
        let sweepFee = CommitmentFees.fee(feeratePerKw: 2500, weight: ClaimWeights.transaction(witnessWeights: [ClaimWeights.keyWitness]))
        #expect(harness.walletBalance(.bob).value == 300_000 - sweepFee.value)
    }
}

/// Review findings: a peer must not freeze a channel by an unproven data-loss claim, and a
/// force close whose broadcast the ledger refused must still reach the ledger.
@Suite struct ForceCloseRobustnessTests {
    @Test func anUnprovenDataLossClaimFailsTheChannelWithOurCommitment() throws {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 100_000_000, preimage: try Preimage(label: "paid"))
        _ = try harness[.bob].handle(.disconnected, now: harness.clock.now)
        _ = try harness[.bob].handle(.reconnected, now: harness.clock.now)
        // "You revoked commitment 7" with a made-up secret: no proof that bob lost anything.
        let claim = ChannelReestablish(
            channelID: harness[.bob].channelID, nextCommitmentNumber: 9, nextRevocationNumber: 8,
            yourLastPerCommitmentSecret: try Bytes32([UInt8](repeating: 0x55, count: 32)),
            myCurrentPerCommitmentPoint: try SerializedPoint(harness[.bob].commitments!.remote.perCommitmentPoint.compressed))
        let effects = try harness[.bob].handle(.message(.channelReestablish(claim)), now: harness.clock.now)
        let ownCommitment = harness[.bob].commitments!.local.transaction.txid
        #expect(harness[.bob].phase == .forceClosing)
        #expect(!harness[.bob].awaitingPeerCommitment)
        #expect(effects.contains { if case .broadcast(let tx) = $0 { tx.txid == ownCommitment } else { false } })
    }

    @Test func aRefusedCommitmentBroadcastIsRepeatedUntilItConfirms() throws {
        // The funding is broadcast but not mined when alice errors: bob's commitment spends an
        // unconfirmed output, so the ledger refuses it at first.
        var harness = try ChannelPairHarness.open(until: .awaitingFunding)
        let error = ErrorMessage(channelID: harness[.bob].channelID, text: "alice gives up")
        harness.deliver(.error(error), to: .bob)
        #expect(harness[.bob].phase == .forceClosing)
        let commitment = harness[.bob].commitments!.local.transaction.txid
        #expect(throws: (any Error).self) { try harness.ledger.lookup(commitment) }
        for _ in 0..<3 { harness.mine() }
        #expect(try harness.ledger.lookup(commitment).confirmations >= 1)
        #expect(harness[.bob].onChain?.kind == .localCommitment)
    }
}

/// Our own dust limit below the ledger's would make commitments the ledger refuses.
@Suite struct OwnDustLimitTests {
    @Test func neitherSideOpensWithADustLimitBelowTheLedgers() throws {
        var low = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        low.dustLimit = Satoshi(353)
        let expected = ChannelError.invalidParameters("our dust_limit is below the ledger's 354 sat")
        #expect(throws: expected) { try PairOpening(configuration: .defaults(aliceConfig: low)).aliceOpens() }
        let (_, open) = try PairOpening(configuration: .defaults()).aliceOpens()
        #expect(throws: expected) { try PairOpening(configuration: .defaults(bobConfig: low)).bobAccepts(open) }
    }
}
