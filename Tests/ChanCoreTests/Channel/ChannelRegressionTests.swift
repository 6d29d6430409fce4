import ChanCore
import ChanCrypto
import ChanLedger
import Testing

private let alice = TwoPartyPump.alice, bob = TwoPartyPump.bob

/// Bugs found in the channel core by the adversarial tests, one test each.
@Suite struct ChannelRegressionTests {
    /// The cap on dust exposure counted only HTLCs already signed: adds batched before one
    /// `commitment_signed` (the normal way) could exceed it without limit.
    @Test func dustExposureCountsUnsignedAdds() throws {
        var pump = try TwoPartyPump.open()
        // 2,000 sat HTLCs are trimmed (below 354 + 1657 sat): 25 of them reach the 50,000 sat cap.
        for index in 0..<25 {
            try pump.offer(alice, msat: 2_000_000, preimage: try TwoPartyPump.preimage("dust \(index)"))
        }
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(2_000_000), paymentHash: PaymentHash(preimage: try TwoPartyPump.preimage("more")),
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .dustExposureExceeded(limit: 50_000_000))
        // An HTLC with an output of its own adds no dust exposure.
        try pump.offer(alice, msat: 3_000_000, preimage: try TwoPartyPump.preimage("not dust"))
        #expect(pump.channels[alice].snapshot.spendableMsat > 900_000_000)
        expectExactLimits(pump.channels[alice])
        // The same cap once part of the batch is signed.
        try pump.command(alice, .sign)
        try pump.deliverAll()
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(2_000_000), paymentHash: PaymentHash(preimage: try TwoPartyPump.preimage("more")),
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .dustExposureExceeded(limit: 50_000_000))
    }

    /// An `update_add_htlc` the peer sent before it received our `shutdown` was refused as an
    /// add "after shutdown": a warning, a disconnect, and on every reconnect the peer sent the
    /// signed add again: the close could never finish. BOLT 2 only forbids adds after the
    /// *sender's* shutdown; ours asks the node to fail such HTLCs, not the channel to refuse them.
    @Test func anAddCrossingOurShutdownIsAccepted() throws {
        var pump = try TwoPartyPump.open(OpeningOptions(push: MilliSatoshi(300_000_000)))
        let preimage = try TwoPartyPump.preimage("crossing")
        try pump.command(alice, .close)                      // alice's shutdown is on its way...
        try pump.offer(bob, msat: 10_000_000, preimage: preimage)  // ...while bob adds and signs
        try pump.command(bob, .sign)
        let effects = try pump.deliverNext(to: alice)
        #expect(!effects.contains(.disconnect), "\(effects)")
        try pump.deliverAll()
        // Alice's node fails the HTLC (it sent shutdown), then the close goes through.
        guard case .incomingCommitted(let htlc, _)? = pump.resolutions[alice].last else {
            Issue.record("the crossing HTLC was not committed: \(pump.resolutions[alice])"); return
        }
        try pump.command(alice, .failHTLC(id: htlc.id, reason: []))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        #expect(pump.resolutions[bob].contains { if case .outgoingFailed = $0 { true } else { false } })
        #expect(pump.channels.map(\.phase) == [.closing, .closing])
        // Once bob's shutdown arrived, a new add from him is refused.
        var late = try TwoPartyPump.open()
        try late.command(bob, .close)
        try late.deliverNext(to: alice)
        var copy = late.channels[alice]
        Refusal.warning(&copy, .updateAddHTLC(late.crafted(from: bob, msat: 1_000_000)), .protocolViolation("update_add_htlc after shutdown"))
    }

    /// A fulfil asked while the peer was disconnected was refused ("the peer is not
    /// connected"), so the channel never learned the preimage: it would not go on chain before
    /// the HTLC expired, and the peer could take the HTLC back by timeout although we had paid
    /// downstream. The fulfil is now kept and proposed when the peer is back.
    @Test func aFulfilWhileThePeerIsAwayIsKeptAndClaimedOnChainInTime() throws {
        var pump = try TwoPartyPump.open(OpeningOptions(push: MilliSatoshi(300_000_000)))
        let preimage = try TwoPartyPump.preimage("downstream paid")
        try pump.offer(alice, msat: 50_000_000, preimage: preimage, expiresIn: 30)
        try pump.command(alice, .sign)
        try pump.deliverAll()
        for side in [alice, bob] { try pump.perform(try pump.channels[side].handle(.disconnected, now: 7), from: side) }

        // Still checked like any fulfil.
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 0, preimage: try TwoPartyPump.preimage("wrong")), .wrongPreimage(0))
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 1, preimage: preimage), .unknownHTLC(1))
        let effects = try pump.channels[bob].handle(.command(.fulfillHTLC(id: 0, preimage: preimage)), now: 8)
        #expect(effects == [.persist()])
        #expect(pump.channels[bob].snapshot.htlcs.map(\.state) == [.fulfilling])
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 0, preimage: preimage), .htlcAlreadySettled(0))
        // Failing it instead is refused while the peer is away (nothing is at stake).
        Refusal.command(&pump.channels[bob], .failHTLC(id: 0, reason: []), .invalidState("the peer is not connected"))

        // Either the peer comes back, and the fulfil is proposed and settled off chain...
        var back = pump
        for side in [alice, bob] { try back.perform(try back.channels[side].handle(.reconnected, now: 9), from: side) }
        try back.deliverAll()
        #expect(back.resolutions[alice].contains(.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)))
        #expect(back.channels[bob].snapshot.toLocalMsat == 350_000_000)
        #expect(back.channels[bob].snapshot.htlcs.isEmpty)

        // ...or it stays away, and bob closes before the expiry and claims the HTLC on chain.
        try pump.mineUntilClosed()
        #expect(pump.channels.map(\.phase) == [.closed, .closed])
        #expect(pump.histories[bob].contains { $0.cause.contains("fulfilled incoming HTLC 0 nears its expiry") })
        #expect(pump.resolutions[alice].contains(.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)))
        // Bob's 300,000 sat and the 50,000 sat HTLC, less the fees of his claims.
        #expect(pump.walletBalance(bob) > 340_000, "\(pump.walletBalance(bob))")
        let audit = try pump.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
    }

    /// An `error` from the peer while opening closed the channel without the `phaseChanged`
    /// effect every other change of state comes with.
    @Test func anErrorWhileOpeningReportsTheChangeOfState() throws {
        var pump = try TwoPartyPump.open(until: .fundingCreatedSent)
        let error = ErrorMessage(channelID: pump.channels[bob].channelID, data: Array("no".utf8))
        for side in [alice, bob] {
            let effects = try pump.channels[side].handle(.message(.error(error)), now: 7)
            #expect(effects == [.phaseChanged(StateChange(time: 7, old: .opening, new: .closed, cause: "the peer sent an error while opening"))])
            #expect(pump.channels[side].phase == .closed)
        }
        // Nothing was broadcast: alice's coins never left her wallet.
        #expect(pump.ledger.store.mempoolTransactions().isEmpty)
    }
}

@Suite struct ChannelSecrecyTests {
    /// `"\(channel)"`, `dump(channel)` or a failing test's report printed the channel's private
    /// keys and shachain seed, as Swift prints every stored property by default.
    @Test func printingAChannelPrintsNoSecret() throws {
        let pump = try TwoPartyPump.open()
        let channel = pump.channels[alice]
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
        var pump = try TwoPartyPump.open()
        try pump.pay(TwoPartyPump.alice, msat: 100_000_000, preimage: try TwoPartyPump.preimage("first"))
        let staleBob = pump.channels[TwoPartyPump.bob]
        try pump.pay(TwoPartyPump.alice, msat: 150_000_000, preimage: try TwoPartyPump.preimage("second"))
        try pump.pay(TwoPartyPump.alice, msat: 50_000_000, preimage: try TwoPartyPump.preimage("third"))

        // Bob loses his data: he comes back with the state of two payments ago.
        pump.channels[TwoPartyPump.bob] = staleBob
        for side in [TwoPartyPump.alice, TwoPartyPump.bob] {
            try pump.perform(try pump.channels[side].handle(.disconnected, now: pump.now), from: side)
        }
        pump.inbox = [[], []]
        let broadcastsBefore = pump.broadcasts.count
        for side in [TwoPartyPump.alice, TwoPartyPump.bob] {
            try pump.perform(try pump.channels[side].handle(.reconnected, now: pump.now), from: side)
        }
        try pump.deliverAll()

        // Bob broadcast nothing and waits; alice, who holds the newest state, closed with it.
        #expect(pump.channels[TwoPartyPump.bob].phase == .forceClosing)
        #expect(pump.channels[TwoPartyPump.alice].phase == .forceClosing)
        let newBroadcasts = pump.broadcasts[broadcastsBefore...]
        let bobFunding = pump.channels[TwoPartyPump.bob].commitments!.parameters.fundingOutPoint
        let commitmentBroadcasts = newBroadcasts.filter { $0.inputs.contains { $0.previousOutput == bobFunding } }
        #expect(commitmentBroadcasts.count == 1)
        #expect(commitmentBroadcasts.first?.txid == pump.channels[TwoPartyPump.alice].commitments!.local.transaction.txid)

        try pump.mineUntilClosed()
        #expect(pump.channels.map(\.phase) == [.closed, .closed])
        #expect(pump.channels[TwoPartyPump.bob].onChain?.kind == .unknownRemoteCommitment)
        #expect(try pump.ledger.audit().ok)
        // Bob recovers all 300,000 sat he was paid, less the fee of his one-input sweep.
        let sweepFee = CommitmentFees.fee(feeratePerKw: 2500, weight: ClaimWeights.transaction(witnessWeights: [ClaimWeights.keyWitness]))
        #expect(pump.walletBalance(TwoPartyPump.bob) == 300_000 - sweepFee.value)
    }
}

/// Review findings: a peer must not freeze a channel by an unproven data-loss claim, and a
/// force close whose broadcast the ledger refused must still reach the ledger.
@Suite struct ForceCloseRobustnessTests {
    @Test func anUnprovenDataLossClaimFailsTheChannelWithOurCommitment() throws {
        var pump = try TwoPartyPump.open()
        try pump.pay(TwoPartyPump.alice, msat: 100_000_000, preimage: try TwoPartyPump.preimage("paid"))
        let bob = TwoPartyPump.bob
        _ = try pump.channels[bob].handle(.disconnected, now: pump.now)
        _ = try pump.channels[bob].handle(.reconnected, now: pump.now)
        // "You revoked commitment 7" with a made-up secret: no proof that bob lost anything.
        let claim = ChannelReestablish(
            channelID: pump.channels[bob].channelID, nextCommitmentNumber: 9, nextRevocationNumber: 8,
            yourLastPerCommitmentSecret: try Bytes32([UInt8](repeating: 0x55, count: 32)),
            myCurrentPerCommitmentPoint: try SerializedPoint(pump.channels[bob].commitments!.remote.perCommitmentPoint.compressed))
        let effects = try pump.channels[bob].handle(.message(.channelReestablish(claim)), now: pump.now)
        let ownCommitment = pump.channels[bob].commitments!.local.transaction.txid
        #expect(pump.channels[bob].phase == .forceClosing)
        #expect(!pump.channels[bob].awaitingPeerCommitment)
        #expect(effects.contains { if case .broadcast(let tx) = $0 { tx.txid == ownCommitment } else { false } })
    }

    @Test func aRefusedCommitmentBroadcastIsRepeatedUntilItConfirms() throws {
        // The funding is broadcast but not mined when alice errors: bob's commitment spends an
        // unconfirmed output, so the ledger refuses it at first.
        var pump = try TwoPartyPump.open(until: .awaitingFunding)
        let bob = TwoPartyPump.bob
        let error = ErrorMessage(channelID: pump.channels[bob].channelID, text: "alice gives up")
        try pump.perform(try pump.channels[bob].handle(.message(.error(error)), now: pump.now), from: bob)
        #expect(pump.channels[bob].phase == .forceClosing)
        let commitment = pump.channels[bob].commitments!.local.transaction.txid
        #expect(throws: (any Error).self) { try pump.ledger.lookup(commitment) }
        for _ in 0..<3 { try pump.mine() }
        #expect(try pump.ledger.lookup(commitment).confirmations >= 1)
        #expect(pump.channels[bob].onChain?.kind == .localCommitment)
    }
}

/// Our own dust limit below the ledger's would make commitments the ledger refuses.
@Suite struct OwnDustLimitTests {
    @Test func neitherSideOpensWithADustLimitBelowTheLedgers() throws {
        var low = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        low.dustLimit = Satoshi(353)
        let (ledger, _) = try TwoPartyPump.fundedLedger()
        let expected = ChannelError.invalidParameters("our dust_limit is below the ledger's 354 sat")
        #expect(throws: expected) { try TwoPartyPump.aliceOpens(OpeningOptions(aliceConfig: low), ledger: ledger) }
        let (_, open) = try TwoPartyPump.aliceOpens(OpeningOptions(), ledger: ledger)
        #expect(throws: expected) { try TwoPartyPump.bobAccepts(open, config: low, ledger: ledger) }
    }
}
