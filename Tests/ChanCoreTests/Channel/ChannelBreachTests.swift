import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

/// The worst a peer can do with a valid channel: publish a state it revoked.
@Suite struct ChannelBreachTests {
    @Test func aRevokedCommitmentOnTheLedgerIsPunishedWithEverything() throws {
        // Bob is the cheater: the harness keeps signed copies of his commitments.
        var harness = try ChannelPairHarness.open(.defaults(cheater: .bob))
        let aliceBefore = harness.walletBalance(.alice).value  // her funding change
        try harness.pay(.alice, msat: 400_000_000, preimage: try Preimage(label: "first"))
        // Bob's state now: 400,000 sat for him and an HTLC of 50,000 sat from alice, pending.
        try harness.offer(.alice, msat: 50_000_000, preimage: try Preimage(label: "pending"))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        let cheatNumber = harness[.bob].commitments!.local.number
        let cheat = try #require(harness.archivedCommitments[cheatNumber])
        // Alice then takes most of it back, so bob's old state is worth more to him.
        try harness.execute(.bob, .failHTLC(id: 1, reason: []))
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        try harness.pay(.bob, msat: 350_000_000, preimage: try Preimage(label: "back"))
        let held = harness[.alice].snapshot.revokedStatesHeld
        #expect(held >= 4)
        #expect(harness.revocationLogs[PairSide.alice.rawValue][cheat.txid] != nil)

        // Bob drops the connection and publishes the revoked state.
        let published = harness.breach(with: cheatNumber)
        #expect(published)
        harness.mine()
        let snapshot = harness[.alice].snapshot
        #expect(snapshot.state == .forceClosing)
        #expect(snapshot.onChainResolution?.kind == .revokedCommitment)
        #expect(snapshot.onChainResolution?.commitmentTxid == cheat.txid.hex)
        harness.mineUntilClosed(maxBlocks: 300)
        #expect(harness[.alice].phase == .closed)
        // Alice takes the whole channel (less the fees of the commitment and of her claims);
        // bob, who owned 50,000 sat, gets nothing.
        #expect(harness.walletBalance(.alice).value > aliceBefore + 990_000, "\(harness.walletBalance(.alice).value - aliceBefore)")
        #expect(harness.walletBalance(.bob).value == 0)
        let leftover = harness.ledger.store.allUnspentOutputs().filter { if case .key = $0.output.condition { false } else { true } }
        #expect(leftover.isEmpty)
        let audit = try harness.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
    }
}
