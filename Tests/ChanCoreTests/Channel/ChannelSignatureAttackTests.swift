import ChanCore
import ChanCrypto
import ChanLedger
import Testing

private let alice = TwoPartyPump.alice, bob = TwoPartyPump.bob

/// Bad signatures and revocations: the peer cannot be trusted with the channel any more, so
/// the channel fails on chain with the last state both sides signed, and no money is lost.
@Suite struct ChannelSignatureAttackTests {
    /// Alice has paid bob 300,000 sat; then offers four HTLCs (three with outputs of their own,
    /// one trimmed) and signs: her `commitment_signed` waits in bob's inbox.
    private func pendingCommitmentSigned() throws -> (TwoPartyPump, CommitmentSigned) {
        var pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 300_000_000, preimage: try TwoPartyPump.preimage("paid"))
        for (index, msat) in [40_000_000, 30_000_000, 20_000_000, 1_000_000].enumerated() {
            try pump.offer(alice, msat: UInt64(msat), preimage: try TwoPartyPump.preimage("htlc \(index)"))
        }
        try pump.command(alice, .sign)
        for _ in 0..<4 { try pump.deliverNext(to: bob) }  // the four update_add_htlc
        guard case .commitmentSigned(let signed) = try pump.intercept(to: bob, "commitment_signed") else { throw ChannelError.nothingToSign }
        #expect(signed.htlcSignatures.count == 3)
        return (pump, signed)
    }

    @Test func aBadCommitmentSignatureFailsTheChannelAndEveryoneGetsTheirMoneyBack() throws {
        var (pump, signed) = try pendingCommitmentSigned()
        let aliceFunding = try TwoPartyPump.keys("alice").funding
        let number = pump.channels[bob].commitments!.local.number + 1

        var wrongMessage = signed
        wrongMessage.signature = try signatureOverAnotherMessage(by: aliceFunding)
        var copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(wrongMessage), .invalidSignature("commitment \(number)"), ledger: pump.ledger)

        // A flipped bit in the signature on the wire: decoded, then refused.
        let flipped = try rewired(.commitmentSigned(signed)) { bytes in bytes[2 + 32 + 10] ^= 0x01 }
        copy = pump.channels[bob]
        Refusal.failure(&copy, flipped, .invalidSignature("commitment \(number)"), ledger: pump.ledger)

        // Not even a valid signature encoding (r = s = 0xff..ff is beyond the curve order).
        var garbage = signed
        garbage.signature = try CompactSignature([UInt8](repeating: 0xff, count: 64))
        copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(garbage), .invalidSignature("commitment \(number)"), ledger: pump.ledger)

        // Play it to the end: bob's commitment confirms, both sides claim what is theirs.
        try pump.perform(try pump.channels[bob].handle(.message(.commitmentSigned(wrongMessage)), now: pump.now), from: bob)
        pump.inbox[alice].removeAll()  // alice never hears of it: she learns from the ledger
        try pump.mineUntilClosed()
        #expect(pump.channels.map(\.phase) == [.closed, .closed])
        let audit = try pump.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        // Nothing is left on channel conditions: every output went to a wallet or to fees.
        let leftover = pump.ledger.store.allUnspentOutputs().filter { if case .key = $0.output.condition { false } else { true } }
        #expect(leftover.isEmpty)
        // Bob's commitment holds none of the batch's HTLCs: he gets his 300,000 sat and alice her
        // 700,000 sat less the commitment fee (1810 sat, hers as opener), each less the fee of
        // the sweep to the wallet (about 1,300 sat at 2500 per kw).
        #expect((297_000...300_000).contains(pump.walletBalance(bob)))
        let aliceBefore: UInt64 = 10_000_000 - 1_000_000 - 1000
        #expect((aliceBefore + 695_000...aliceBefore + 700_000 - 1810).contains(pump.walletBalance(alice)))
    }

    @Test func eachBadHTLCSignatureFailsTheChannel() throws {
        let (pump, signed) = try pendingCommitmentSigned()
        let number = pump.channels[bob].commitments!.local.number + 1
        // The HTLC of each signature, in the order of bob's next commitment's outputs.
        var honest = pump.channels[bob]
        _ = try honest.handle(.message(.commitmentSigned(signed)), now: 7)
        let ids = honest.commitments!.local.transaction.htlcOutputs.map(\.htlc.id)
        #expect(ids.count == 3)
        let htlcKey = try TwoPartyPump.keys("alice").htlcBasepointSecret

        for index in signed.htlcSignatures.indices {
            var tampered = signed
            tampered.htlcSignatures[index] = try signatureOverAnotherMessage(by: htlcKey)
            var copy = pump.channels[bob]
            Refusal.failure(&copy, .commitmentSigned(tampered), .invalidSignature("HTLC \(ids[index]) of commitment \(number)"), ledger: pump.ledger)

            // The same through the wire: flip a bit inside signature `index`.
            let offset = 2 + 32 + 64 + 2 + 64 * index + 5
            let flipped = try rewired(.commitmentSigned(signed)) { bytes in bytes[offset] ^= 0x80 }
            copy = pump.channels[bob]
            Refusal.failure(&copy, flipped, .invalidSignature("HTLC \(ids[index]) of commitment \(number)"), ledger: pump.ledger)
        }

        // Valid signatures in the wrong order.
        var swapped = signed
        swapped.htlcSignatures.swapAt(0, 1)
        var copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(swapped), .invalidSignature("HTLC \(ids[0]) of commitment \(number)"), ledger: pump.ledger)
    }

    @Test func theWrongNumberOfHTLCSignaturesFailsTheChannel() throws {
        let (pump, signed) = try pendingCommitmentSigned()
        #expect(pump.channels[bob].commitments!.local.number == 2)
        var fewer = signed
        fewer.htlcSignatures.removeLast()
        var copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(fewer), .invalidSignature("2 HTLC signatures for 3 HTLC outputs"), ledger: pump.ledger)

        var more = signed
        more.htlcSignatures.append(signed.htlcSignatures[0])
        copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(more), .invalidSignature("4 HTLC signatures for 3 HTLC outputs"), ledger: pump.ledger)

        var none = signed
        none.htlcSignatures = []
        copy = pump.channels[bob]
        Refusal.failure(&copy, .commitmentSigned(none), .invalidSignature("0 HTLC signatures for 3 HTLC outputs"), ledger: pump.ledger)
    }

    @Test func aRevokeAndAckWithAWrongSecretOrAnInvalidPointFailsTheChannel() throws {
        var pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 300_000_000, preimage: try TwoPartyPump.preimage("paid"))
        try pump.offer(alice, msat: 40_000_000, preimage: try TwoPartyPump.preimage("pending"))
        try pump.command(alice, .sign)
        try pump.deliverAll(until: alice, receives: "revoke_and_ack")
        guard case .revokeAndAck(let revocation) = try pump.intercept(to: alice, "revoke_and_ack") else { return }
        let bobKeys = try TwoPartyPump.keys("bob")
        let revokedNumber = pump.channels[alice].commitments!.remote.number

        // Bob's secret of another commitment, and bytes that are no secret at all.
        for secret in [bobKeys.perCommitmentSecret(commitmentNumber: revokedNumber + 1), [UInt8](repeating: 0x42, count: 32)] {
            var wrong = revocation
            wrong.perCommitmentSecret = try Bytes32(secret)
            var copy = pump.channels[alice]
            Refusal.failure(&copy, .revokeAndAck(wrong), .invalidRevocation("the secret does not match commitment \(revokedNumber)"),
                            ledger: pump.ledger)
        }
        // The right secret with a next point that is no point: x beyond the field, and a bad prefix.
        for point in [[0x02] + [UInt8](repeating: 0xff, count: 32), [0x05] + Array(revocation.nextPerCommitmentPoint.bytes.dropFirst())] {
            let tampered = try rewired(.revokeAndAck(revocation)) { bytes in
                bytes.replaceSubrange((2 + 32 + 32)..<(2 + 32 + 32 + 33), with: point)
            }
            var copy = pump.channels[alice]
            Refusal.failure(&copy, tampered, .invalidRevocation("the next per-commitment point is not a valid key"), ledger: pump.ledger)
        }
        // The honest one is still accepted.
        var copy = pump.channels[alice]
        let effects = try copy.handle(.message(.revokeAndAck(revocation)), now: 7)
        let revoked = RevokedCommitment(txid: pump.channels[alice].commitments!.remote.txid, number: revokedNumber)
        #expect(effects.first == .persist(revoked: revoked))
        #expect(copy.snapshot.revokedStatesHeld == Int(revokedNumber) + 1)
    }

    @Test func aBadFundingCreatedSignatureIsRefusedBeforeBobSignsAnything() throws {
        var pump = try TwoPartyPump.open(until: .fundingCreatedSent)
        guard case .fundingCreated(let created) = try pump.intercept(to: bob, "funding_created") else { return }
        var tampered = created
        tampered.signature = try signatureOverAnotherMessage(by: try TwoPartyPump.keys("alice").funding)
        for message in [WireMessage.fundingCreated(tampered), try rewired(.fundingCreated(created)) { $0[2 + 32 + 32 + 2 + 7] ^= 1 }] {
            var copy = pump.channels[bob]
            let effects = try copy.handle(.message(message), now: 7)
            let error = ChannelError.invalidSignature("the first commitment")
            #expect(effects == [.send(.error(ErrorMessage(channelID: created.temporaryChannelID, data: Array(error.message.utf8)))), .disconnect])
            #expect(copy == pump.channels[bob])
            // The driver drops the connection: the channel is forgotten, nothing was signed.
            #expect(try copy.handle(.disconnected, now: 8) == [.phaseChanged(StateChange(time: 8, old: .opening, new: .closed, cause: "disconnected before the funding was signed"))])
            #expect(copy.commitments == nil)
        }
    }

    @Test func aBadFundingSignedSignatureNeverBroadcastsTheFunding() throws {
        var pump = try TwoPartyPump.open(until: .fundingSignedSent)
        guard case .fundingSigned(let signed) = try pump.intercept(to: alice, "funding_signed") else { return }
        var tampered = signed
        tampered.signature = try signatureOverAnotherMessage(by: try TwoPartyPump.keys("bob").funding)
        for message in [WireMessage.fundingSigned(tampered), try rewired(.fundingSigned(signed)) { $0[2 + 32 + 40] ^= 4 }] {
            var copy = pump.channels[alice]
            let effects = try copy.handle(.message(message), now: 7)
            let error = ChannelError.invalidSignature("the first commitment")
            #expect(effects == [.send(.error(ErrorMessage(channelID: pump.channels[alice].channelID, data: Array(error.message.utf8)))), .disconnect])
            #expect(!effects.contains { if case .broadcast = $0 { true } else { false } })
            #expect(copy == pump.channels[alice])
            #expect(try copy.handle(.disconnected, now: 8) == [.phaseChanged(StateChange(time: 8, old: .opening, new: .closed, cause: "disconnected before the funding was signed"))])
        }
        // The funding was never broadcast: alice's coins are still hers on the ledger.
        #expect(pump.ledger.store.mempoolTransactions().isEmpty)
        #expect(pump.walletBalance(alice) == 10_000_000)
    }

    /// Both sides shut down with nothing pending; alice's first `closing_signed` waits in bob's inbox.
    private func pendingClosingSigned() throws -> (TwoPartyPump, ClosingSigned) {
        var pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 300_000_000, preimage: try TwoPartyPump.preimage("paid"))
        try pump.command(alice, .close)
        try pump.deliverNext(to: bob)    // shutdown: bob answers with his
        try pump.deliverNext(to: alice)  // bob's shutdown: alice proposes a fee
        guard case .closingSigned(let closing) = try pump.intercept(to: bob, "closing_signed") else { throw ChannelError.nothingToSign }
        return (pump, closing)
    }

    @Test func aBadClosingSignatureFailsTheChannel() throws {
        var (pump, closing) = try pendingClosingSigned()
        var tampered = closing
        tampered.signature = try signatureOverAnotherMessage(by: try TwoPartyPump.keys("alice").funding)
        var copy = pump.channels[bob]
        Refusal.failure(&copy, .closingSigned(tampered), .invalidSignature("closing_signed"), ledger: pump.ledger)
        // A valid signature, but for another fee than the one announced.
        var otherFee = closing
        otherFee.fee = Satoshi(closing.fee.value + 1)
        copy = pump.channels[bob]
        Refusal.failure(&copy, .closingSigned(otherFee), .invalidSignature("closing_signed"), ledger: pump.ledger)

        // Bob's answer, tampered on its way back to alice: alice fails the channel too (bob's
        // closing transaction, in the mempool by now, and her commitment race for the funding output).
        let ledgerBeforeClose = pump.ledger
        try pump.perform(try pump.channels[bob].handle(.message(.closingSigned(closing)), now: 7), from: bob)
        guard case .closingSigned(let answer) = try pump.intercept(to: alice, "closing_signed") else { return }
        let flipped = try rewired(.closingSigned(answer)) { $0[2 + 32 + 8 + 20] ^= 2 }
        copy = pump.channels[alice]
        Refusal.failure(&copy, flipped, .invalidSignature("closing_signed"), ledger: ledgerBeforeClose)
        // Untampered, it closes the channel.
        try pump.perform(try pump.channels[alice].handle(.message(.closingSigned(answer)), now: 7), from: alice)
        #expect(pump.channels.map(\.phase) == [.closing, .closing])
    }
}

extension TwoPartyPump {
    /// Delivers messages until the next one for `side` is `name` (left undelivered).
    mutating func deliverAll(until side: Int, receives name: String) throws {
        while let next = [0, 1].first(where: { !inbox[$0].isEmpty }) {
            if next == side, inbox[side].first?.name == name { return }
            try deliverNext(to: next)
        }
        Issue.record("no \(name) came for side \(side)")
    }
}
