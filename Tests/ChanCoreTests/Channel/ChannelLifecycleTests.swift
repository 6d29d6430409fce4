import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

@Suite struct ChannelLifecycleTests {
    @Test func openPayAndMutualCloseConserveMoney() throws {
        var parties = try ChannelPairHarness.open()
        let aliceBefore = parties.walletBalance(.alice).value  // her funding change
        let preimage = try Preimage(label: "secret")
        let height = parties[.alice].currentHeight

        try parties.execute(.alice, .addHTLC(amount: MilliSatoshi(200_000_000), paymentHash: preimage.hash, cltvExpiry: height + 40, onion: .zero))
        try parties.execute(.alice, .sign)
        parties.deliverAll()
        guard case .incomingCommitted(let htlc, _) = parties.history[.bob].resolutions.first else {
            Issue.record("bob did not see a committed HTLC: \(parties.history[.bob].resolutions)"); return
        }
        #expect(htlc.amount == MilliSatoshi(200_000_000))
        try parties.execute(.bob, .fulfillHTLC(id: htlc.id, preimage: preimage))
        try parties.execute(.bob, .sign)
        parties.deliverAll()
        #expect(parties.history[.alice].resolutions == [.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)])

        let alice = parties[.alice].commitments!, bob = parties[.bob].commitments!
        #expect(alice.local.spec.toLocal == MilliSatoshi(800_000_000))
        #expect(alice.local.spec.toRemote == MilliSatoshi(200_000_000))
        #expect(bob.local.spec == alice.local.spec.flipped)
        #expect(alice.local.spec.htlcs.isEmpty && alice.remote.spec.htlcs.isEmpty)

        try parties.execute(.alice, .close)
        parties.deliverAll()
        #expect(parties.channels.map(\.phase) == [.closing, .closing])
        parties.mine()
        #expect(parties.channels.map(\.phase) == [.closed, .closed])

        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        #expect(parties.walletBalance(.bob).value == 200_000)
        // Alice keeps her change and her balance less the commitment-free closing fee she paid.
        let closingFee = UInt64(2500) * 672 / 1000
        #expect(parties.walletBalance(.alice).value == aliceBefore + 800_000 - closingFee)
    }

    @Test func forceCloseWithHTLCsInBothDirectionsResolvesOnChain() throws {
        var parties = try ChannelPairHarness.open()
        let paid = try Preimage(label: "paid")
        let unpaid = try Preimage(label: "unpaid")
        let toAlice = try Preimage(label: "to alice")
        let height = parties[.alice].currentHeight
        // Bob needs a balance before he can offer alice an HTLC.
        try parties.execute(.alice, .addHTLC(amount: MilliSatoshi(300_000_000), paymentHash: paid.hash, cltvExpiry: height + 30, onion: .zero))
        try parties.execute(.alice, .sign)
        parties.deliverAll()
        try parties.execute(.bob, .fulfillHTLC(id: 0, preimage: paid))
        try parties.execute(.bob, .sign)
        parties.deliverAll()
        // Now one HTLC each way stays pending: alice -> bob (bob never learns the preimage)
        // and bob -> alice (alice knows the preimage and claims it on chain).
        try parties.execute(.alice, .addHTLC(amount: MilliSatoshi(100_000_000), paymentHash: unpaid.hash, cltvExpiry: height + 30, onion: .zero))
        try parties.execute(.bob, .addHTLC(amount: MilliSatoshi(50_000_000), paymentHash: toAlice.hash, cltvExpiry: height + 60, onion: .zero))
        try parties.execute(.alice, .sign)
        try parties.execute(.bob, .sign)
        parties.deliverAll()
        #expect(parties[.alice].commitments!.local.spec.htlcs.count == 2)

        try parties.execute(.alice, .fulfillHTLC(id: 0, preimage: toAlice))
        // Alice closes alone before the fulfil reaches bob: she must claim on chain.
        _ = try parties.intercept(to: .bob, "update_fulfill_htlc")
        try parties.execute(.alice, .forceClose)
        #expect(parties[.alice].phase == .forceClosing)
        for _ in 0..<200 where parties.channels.contains(where: { $0.phase != .closed }) {
            parties.mine()
        }
        #expect(parties.channels.map(\.phase) == [.closed, .closed])
        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        // Alice's outgoing HTLC to bob timed out on chain and was reported failed once.
        let aliceFailed = parties.history[.alice].resolutions.filter { if case .outgoingFailed = $0 { true } else { false } }
        #expect(aliceFailed.count == 1)
        // Bob learned the preimage of his HTLC to alice from her on-chain claim.
        #expect(parties.history[.bob].resolutions.contains(.outgoingFulfilled(id: 0, paymentHash: toAlice.hash, preimage: toAlice)))
        // Every satoshi of the channel ended with a wallet or as fees: nothing left on channel conditions.
        let walletTotal = parties.walletBalance(.alice).value + parties.walletBalance(.bob).value
        let leftover = parties.ledger.store.allUnspentOutputs().filter {
            if case .key = $0.output.condition { false } else { true }
        }
        #expect(leftover.isEmpty, "unclaimed: \(leftover.map(\.output.condition.kind))")
        // Fees took less than the capacity from what the faucet gave alice's wallet.
        let minted = parties.aliceWalletBeforeOpen.value
        #expect(walletTotal > minted - parties.configuration.capacity.value && walletTotal < minted)
    }
}
