import ChanCore
import ChanCrypto
import ChanLedger
import Testing

private let onion = TwoPartyPump.onion

@Suite struct ChannelLifecycleTests {
    @Test func openPayAndMutualCloseConserveMoney() throws {
        var parties = try TwoPartyPump.open()
        let (aliceWallet, bobWallet) = (parties.wallets[0], parties.wallets[1])
        let preimage = try Preimage(bytes: SHA256.hash(Array("secret".utf8)))
        let height = parties.channels[0].currentHeight

        try parties.command(0, .addHTLC(amount: MilliSatoshi(200_000_000), paymentHash: preimage.hash, cltvExpiry: height + 40, onion: onion))
        try parties.command(0, .sign)
        try parties.deliverAll()
        guard case .incomingCommitted(let htlc, _) = parties.resolutions[1].first else {
            Issue.record("bob did not see a committed HTLC: \(parties.resolutions)"); return
        }
        #expect(htlc.amount == MilliSatoshi(200_000_000))
        try parties.command(1, .fulfillHTLC(id: htlc.id, preimage: preimage))
        try parties.command(1, .sign)
        try parties.deliverAll()
        #expect(parties.resolutions[0] == [.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)])

        let alice = parties.channels[0].commitments!, bob = parties.channels[1].commitments!
        #expect(alice.local.spec.toLocal == MilliSatoshi(800_000_000))
        #expect(alice.local.spec.toRemote == MilliSatoshi(200_000_000))
        #expect(bob.local.spec == alice.local.spec.flipped)
        #expect(alice.local.spec.htlcs.isEmpty && alice.remote.spec.htlcs.isEmpty)

        try parties.command(0, .close)
        try parties.deliverAll()
        #expect(parties.channels.map(\.phase) == [.closing, .closing])
        try parties.mine()
        #expect(parties.channels.map(\.phase) == [.closed, .closed])

        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        let bobFunds = parties.ledger.store.unspentOutputs(paying: [.key(bobWallet.publicKey)]).map(\.output.amount.value).reduce(0, +)
        #expect(bobFunds == 200_000)
        // Alice keeps her change and her balance less the commitment-free closing fee she paid.
        let aliceFunds = parties.ledger.store.unspentOutputs(paying: [.key(aliceWallet.publicKey)]).map(\.output.amount.value).reduce(0, +)
        let closingFee = UInt64(2500) * 672 / 1000
        #expect(aliceFunds == (10_000_000 - 1_000_000 - 1000) + 800_000 - closingFee)
    }

    @Test func forceCloseWithHTLCsInBothDirectionsResolvesOnChain() throws {
        var parties = try TwoPartyPump.open()
        let (aliceWallet, bobWallet) = (parties.wallets[0], parties.wallets[1])
        let paid = try Preimage(bytes: SHA256.hash(Array("paid".utf8)))
        let unpaid = try Preimage(bytes: SHA256.hash(Array("unpaid".utf8)))
        let toAlice = try Preimage(bytes: SHA256.hash(Array("to alice".utf8)))
        let height = parties.channels[0].currentHeight
        // Bob needs a balance before he can offer alice an HTLC.
        try parties.command(0, .addHTLC(amount: MilliSatoshi(300_000_000), paymentHash: paid.hash, cltvExpiry: height + 30, onion: onion))
        try parties.command(0, .sign)
        try parties.deliverAll()
        try parties.command(1, .fulfillHTLC(id: 0, preimage: paid))
        try parties.command(1, .sign)
        try parties.deliverAll()
        // Now one HTLC each way stays pending: alice -> bob (bob never learns the preimage)
        // and bob -> alice (alice knows the preimage and claims it on chain).
        try parties.command(0, .addHTLC(amount: MilliSatoshi(100_000_000), paymentHash: unpaid.hash, cltvExpiry: height + 30, onion: onion))
        try parties.command(1, .addHTLC(amount: MilliSatoshi(50_000_000), paymentHash: toAlice.hash, cltvExpiry: height + 60, onion: onion))
        try parties.command(0, .sign)
        try parties.command(1, .sign)
        try parties.deliverAll()
        #expect(parties.channels[0].commitments!.local.spec.htlcs.count == 2)

        try parties.command(0, .fulfillHTLC(id: 0, preimage: toAlice))
        // Alice closes alone before the fulfil reaches bob: she must claim on chain.
        parties.inbox[1].removeAll()
        try parties.command(0, .forceClose)
        #expect(parties.channels[0].phase == .forceClosing)
        for _ in 0..<200 where parties.channels.contains(where: { $0.phase != .closed }) {
            try parties.mine()
        }
        #expect(parties.channels.map(\.phase) == [.closed, .closed])
        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        // Alice's outgoing HTLC to bob timed out on chain and was reported failed once.
        let aliceFailed = parties.resolutions[0].filter { if case .outgoingFailed = $0 { true } else { false } }
        #expect(aliceFailed.count == 1)
        // Bob learned the preimage of his HTLC to alice from her on-chain claim.
        #expect(parties.resolutions[1].contains(.outgoingFulfilled(id: 0, paymentHash: toAlice.hash, preimage: toAlice)))
        // Every satoshi of the channel ended with a wallet or as fees: nothing left on channel conditions.
        let walletTotal = parties.ledger.store.unspentOutputs(paying: [.key(aliceWallet.publicKey), .key(bobWallet.publicKey)])
            .map(\.output.amount.value).reduce(0, +)
        let leftover = parties.ledger.store.allUnspentOutputs().filter {
            if case .key = $0.output.condition { false } else { true }
        }
        #expect(leftover.isEmpty, "unclaimed: \(leftover.map(\.output.condition.kind))")
        #expect(walletTotal > 9_000_000 && walletTotal < 10_000_000)
    }
}
