import ChanCore
import ChanCrypto
import ChanLedger
import Testing

private let alice = TwoPartyPump.alice, bob = TwoPartyPump.bob

/// The worst a peer can do with a valid channel: publish a state it revoked.
@Suite struct ChannelBreachTests {
    @Test func aRevokedCommitmentOnTheLedgerIsPunishedWithEverything() throws {
        var pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 400_000_000, preimage: try TwoPartyPump.preimage("first"))
        // Bob's state now: 400,000 sat for him and an HTLC of 50,000 sat from alice, pending.
        try pump.offer(alice, msat: 50_000_000, preimage: try TwoPartyPump.preimage("pending"))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        let cheat = pump.channels[bob].signedLocalCommitment(pump.channels[bob].commitments!)
        // Alice then takes most of it back, so bob's old state is worth more to him.
        try pump.command(bob, .failHTLC(id: 1, reason: []))
        try pump.command(bob, .sign)
        try pump.deliverAll()
        try pump.pay(bob, msat: 350_000_000, preimage: try TwoPartyPump.preimage("back"))
        let held = pump.channels[alice].snapshot.revokedStatesHeld
        #expect(held >= 4)
        #expect(pump.revocationLogs[alice][cheat.txid] != nil)

        // Bob publishes the revoked state.
        _ = try pump.ledger.submit(cheat)
        try pump.mine()
        let snapshot = pump.channels[alice].snapshot
        #expect(snapshot.state == .forceClosing)
        #expect(snapshot.onChainResolution?.kind == .revokedCommitment)
        #expect(snapshot.onChainResolution?.commitmentTxid == cheat.txid.hex)
        try pump.mineUntilClosed()
        #expect(pump.channels[alice].phase == .closed)
        // Alice takes the whole channel (less the fees of the commitment and of her claims);
        // bob, who owned 50,000 sat, gets nothing.
        let aliceBefore: UInt64 = 10_000_000 - 1_000_000 - 1000
        #expect(pump.walletBalance(alice) > aliceBefore + 990_000, "\(pump.walletBalance(alice) - aliceBefore)")
        #expect(pump.walletBalance(bob) == 0)
        let leftover = pump.ledger.store.allUnspentOutputs().filter { if case .key = $0.output.condition { false } else { true } }
        #expect(leftover.isEmpty)
        let audit = try pump.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
    }
}
