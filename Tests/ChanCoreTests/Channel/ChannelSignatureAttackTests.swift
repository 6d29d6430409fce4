import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

/// Bad signatures and revocations: the peer cannot be trusted with the channel any more, so
/// the channel fails on chain with the last state both sides signed, and no money is lost.
@Suite struct ChannelSignatureAttackTests {
    /// Alice has paid bob 300,000 sat; then offers four HTLCs (three with outputs of their own,
    /// one trimmed) and signs: her `commitment_signed` is taken off the link, undelivered.
    private func pendingCommitmentSigned() throws -> (ChannelPairHarness, CommitmentSigned) {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 300_000_000, preimage: try Preimage(label: "paid"))
        for (index, msat) in [40_000_000, 30_000_000, 20_000_000, 1_000_000].enumerated() {
            try harness.offer(.alice, msat: UInt64(msat), preimage: try Preimage(label: "htlc \(index)"))
        }
        try harness.execute(.alice, .sign)
        for _ in 0..<4 { harness.deliverNext(to: .bob) }  // the four update_add_htlc
        guard case .commitmentSigned(let signed) = try harness.intercept(to: .bob, "commitment_signed") else { throw ChannelError.nothingToSign }
        #expect(signed.htlcSignatures.count == 3)
        return (harness, signed)
    }

    @Test func aBadCommitmentSignatureFailsTheChannelAndEveryoneGetsTheirMoneyBack() throws {
        var (harness, signed) = try pendingCommitmentSigned()
        let aliceFunding = harness[.alice].keys.funding
        let number = harness[.bob].commitments!.local.number + 1

        var wrongMessage = signed
        wrongMessage.signature = try signatureOverAnotherMessage(by: aliceFunding)
        var copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(wrongMessage), .invalidSignature("commitment \(number)"), ledger: harness.ledger)

        // A flipped bit in the signature on the wire: decoded, then refused.
        let flipped = try rewired(.commitmentSigned(signed)) { bytes in bytes[2 + 32 + 10] ^= 0x01 }
        copy = harness[.bob]
        Refusal.failure(&copy, flipped, .invalidSignature("commitment \(number)"), ledger: harness.ledger)

        // Not even a valid signature encoding (r = s = 0xff..ff is beyond the curve order).
        var garbage = signed
        garbage.signature = try CompactSignature([UInt8](repeating: 0xff, count: 64))
        copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(garbage), .invalidSignature("commitment \(number)"), ledger: harness.ledger)

        // Play it to the end: bob's commitment confirms, both sides claim what is theirs.
        let aliceBefore = harness.walletBalance(.alice).value  // her funding change
        harness.deliver(.commitmentSigned(wrongMessage), to: .bob)
        _ = try harness.intercept(to: .alice, "error")  // alice never hears of it: she learns from the ledger
        harness.mineUntilClosed(maxBlocks: 300)
        #expect(harness.channels.map(\.phase) == [.closed, .closed])
        let audit = try harness.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        // Nothing is left on channel conditions: every output went to a wallet or to fees.
        let leftover = harness.ledger.store.allUnspentOutputs().filter { if case .key = $0.output.condition { false } else { true } }
        #expect(leftover.isEmpty)
        // Bob's commitment holds none of the batch's HTLCs: he gets his 300,000 sat and alice her
        // 700,000 sat less the commitment fee (1810 sat, hers as opener), each less the fee of
        // the sweep to the wallet (about 1,300 sat at 2500 per kw).
        #expect((297_000...300_000).contains(harness.walletBalance(.bob).value))
        #expect((aliceBefore + 695_000...aliceBefore + 700_000 - 1810).contains(harness.walletBalance(.alice).value))
    }

    @Test func eachBadHTLCSignatureFailsTheChannel() throws {
        let (harness, signed) = try pendingCommitmentSigned()
        let number = harness[.bob].commitments!.local.number + 1
        // The HTLC of each signature, in the order of bob's next commitment's outputs.
        var honest = harness[.bob]
        _ = try honest.handle(.message(.commitmentSigned(signed)), now: 7)
        let ids = honest.commitments!.local.transaction.htlcOutputs.map(\.htlc.id)
        #expect(ids.count == 3)
        let htlcKey = harness[.alice].keys.htlcBasepointSecret

        for index in signed.htlcSignatures.indices {
            var tampered = signed
            tampered.htlcSignatures[index] = try signatureOverAnotherMessage(by: htlcKey)
            var copy = harness[.bob]
            Refusal.failure(&copy, .commitmentSigned(tampered), .invalidSignature("HTLC \(ids[index]) of commitment \(number)"), ledger: harness.ledger)

            // The same through the wire: flip a bit inside signature `index`.
            let offset = 2 + 32 + 64 + 2 + 64 * index + 5
            let flipped = try rewired(.commitmentSigned(signed)) { bytes in bytes[offset] ^= 0x80 }
            copy = harness[.bob]
            Refusal.failure(&copy, flipped, .invalidSignature("HTLC \(ids[index]) of commitment \(number)"), ledger: harness.ledger)
        }

        // Valid signatures in the wrong order.
        var swapped = signed
        swapped.htlcSignatures.swapAt(0, 1)
        var copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(swapped), .invalidSignature("HTLC \(ids[0]) of commitment \(number)"), ledger: harness.ledger)
    }

    /// With many HTLCs the signatures are checked on several cores (ParallelMap): the refusal
    /// still names the first bad one in the commitment's order, as with few.
    @Test func aBadHTLCSignatureAmongManyIsNamedInOrder() throws {
        var harness = try ChannelPairHarness.open()
        for index in 0..<12 {
            try harness.offer(.alice, msat: UInt64(10_000_000 + index * 1_000), preimage: try Preimage(label: "many \(index)"))
        }
        try harness.execute(.alice, .sign)
        for _ in 0..<12 { harness.deliverNext(to: .bob) }
        guard case .commitmentSigned(let signed) = try harness.intercept(to: .bob, "commitment_signed") else { throw ChannelError.nothingToSign }
        #expect(signed.htlcSignatures.count == 12)
        let number = harness[.bob].commitments!.local.number + 1
        var honest = harness[.bob]
        _ = try honest.handle(.message(.commitmentSigned(signed)), now: 7)
        let ids = honest.commitments!.local.transaction.htlcOutputs.map(\.htlc.id)
        let htlcKey = harness[.alice].keys.htlcBasepointSecret
        var tampered = signed
        tampered.htlcSignatures[9] = try signatureOverAnotherMessage(by: htlcKey)
        tampered.htlcSignatures[4] = try signatureOverAnotherMessage(by: htlcKey)
        var copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(tampered), .invalidSignature("HTLC \(ids[4]) of commitment \(number)"), ledger: harness.ledger)
    }

    @Test func theWrongNumberOfHTLCSignaturesFailsTheChannel() throws {
        let (harness, signed) = try pendingCommitmentSigned()
        #expect(harness[.bob].commitments!.local.number == 2)
        var fewer = signed
        fewer.htlcSignatures.removeLast()
        var copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(fewer), .invalidSignature("2 HTLC signatures for 3 HTLC outputs"), ledger: harness.ledger)

        var more = signed
        more.htlcSignatures.append(signed.htlcSignatures[0])
        copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(more), .invalidSignature("4 HTLC signatures for 3 HTLC outputs"), ledger: harness.ledger)

        var none = signed
        none.htlcSignatures = []
        copy = harness[.bob]
        Refusal.failure(&copy, .commitmentSigned(none), .invalidSignature("0 HTLC signatures for 3 HTLC outputs"), ledger: harness.ledger)
    }

    @Test func aRevokeAndAckWithAWrongSecretOrAnInvalidPointFailsTheChannel() throws {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 300_000_000, preimage: try Preimage(label: "paid"))
        try harness.offer(.alice, msat: 40_000_000, preimage: try Preimage(label: "pending"))
        try harness.execute(.alice, .sign)
        let next = harness.deliver { side, message in side == .alice && message.name == "revoke_and_ack" }
        try #require(next != nil, "no revoke_and_ack came for alice")
        guard case .revokeAndAck(let revocation) = try harness.intercept(to: .alice, "revoke_and_ack") else { return }
        let bobKeys = harness[.bob].keys
        let revokedNumber = harness[.alice].commitments!.remote.number

        // Bob's secret of another commitment, and bytes that are no secret at all.
        for secret in [bobKeys.perCommitmentSecret(commitmentNumber: revokedNumber + 1), [UInt8](repeating: 0x42, count: 32)] {
            var wrong = revocation
            wrong.perCommitmentSecret = try Bytes32(secret)
            var copy = harness[.alice]
            Refusal.failure(&copy, .revokeAndAck(wrong), .invalidRevocation("the secret does not match commitment \(revokedNumber)"),
                            ledger: harness.ledger)
        }
        // The right secret with a next point that is no point: x beyond the field, and a bad prefix.
        for point in [[0x02] + [UInt8](repeating: 0xff, count: 32), [0x05] + Array(revocation.nextPerCommitmentPoint.bytes.dropFirst())] {
            let tampered = try rewired(.revokeAndAck(revocation)) { bytes in
                bytes.replaceSubrange((2 + 32 + 32)..<(2 + 32 + 32 + 33), with: point)
            }
            var copy = harness[.alice]
            Refusal.failure(&copy, tampered, .invalidRevocation("the next per-commitment point is not a valid key"), ledger: harness.ledger)
        }
        // The honest one is still accepted.
        var copy = harness[.alice]
        let effects = try copy.handle(.message(.revokeAndAck(revocation)), now: 7)
        let revoked = RevokedCommitment(txid: harness[.alice].commitments!.remote.txid, number: revokedNumber)
        #expect(effects.first == .persist(revoked: revoked))
        #expect(copy.snapshot.revokedStatesHeld == Int(revokedNumber) + 1)
    }

    @Test func aBadFundingCreatedSignatureIsRefusedBeforeBobSignsAnything() throws {
        var harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        guard case .fundingCreated(let created) = try harness.intercept(to: .bob, "funding_created") else { return }
        var tampered = created
        tampered.signature = try signatureOverAnotherMessage(by: harness[.alice].keys.funding)
        for message in [WireMessage.fundingCreated(tampered), try rewired(.fundingCreated(created)) { $0[2 + 32 + 32 + 2 + 7] ^= 1 }] {
            var copy = harness[.bob]
            let effects = try copy.handle(.message(message), now: 7)
            let error = ChannelError.invalidSignature("the first commitment")
            #expect(effects == [.send(.error(ErrorMessage(channelID: created.temporaryChannelID, data: Array(error.message.utf8)))), .disconnect])
            #expect(copy == harness[.bob])
            // The driver drops the connection: the channel is forgotten, nothing was signed.
            #expect(try copy.handle(.disconnected, now: 8) == [.phaseChanged(StateChange(time: 8, old: .opening, new: .closed, cause: "disconnected before the funding was signed"))])
            #expect(copy.commitments == nil)
        }
    }

    @Test func aBadFundingSignedSignatureNeverBroadcastsTheFunding() throws {
        var harness = try ChannelPairHarness.open(until: .fundingSignedSent)
        guard case .fundingSigned(let signed) = try harness.intercept(to: .alice, "funding_signed") else { return }
        var tampered = signed
        tampered.signature = try signatureOverAnotherMessage(by: harness[.bob].keys.funding)
        for message in [WireMessage.fundingSigned(tampered), try rewired(.fundingSigned(signed)) { $0[2 + 32 + 40] ^= 4 }] {
            var copy = harness[.alice]
            let effects = try copy.handle(.message(message), now: 7)
            let error = ChannelError.invalidSignature("the first commitment")
            #expect(effects == [.send(.error(ErrorMessage(channelID: harness[.alice].channelID, data: Array(error.message.utf8)))), .disconnect])
            #expect(!effects.contains { if case .broadcast = $0 { true } else { false } })
            #expect(copy == harness[.alice])
            #expect(try copy.handle(.disconnected, now: 8) == [.phaseChanged(StateChange(time: 8, old: .opening, new: .closed, cause: "disconnected before the funding was signed"))])
        }
        // The funding was never broadcast: alice's coins are still hers on the ledger.
        #expect(harness.ledger.store.mempoolTransactions().isEmpty)
        #expect(harness.walletBalance(.alice) == harness.aliceWalletBeforeOpen)
    }

    /// Both sides shut down with nothing pending; alice's first `closing_signed` is taken off
    /// the link, undelivered.
    private func pendingClosingSigned() throws -> (ChannelPairHarness, ClosingSigned) {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 300_000_000, preimage: try Preimage(label: "paid"))
        try harness.execute(.alice, .close)
        harness.deliverNext(to: .bob)    // shutdown: bob answers with his
        harness.deliverNext(to: .alice)  // bob's shutdown: alice proposes a fee
        guard case .closingSigned(let closing) = try harness.intercept(to: .bob, "closing_signed") else { throw ChannelError.nothingToSign }
        return (harness, closing)
    }

    @Test func aBadClosingSignatureFailsTheChannel() throws {
        var (harness, closing) = try pendingClosingSigned()
        var tampered = closing
        tampered.signature = try signatureOverAnotherMessage(by: harness[.alice].keys.funding)
        var copy = harness[.bob]
        Refusal.failure(&copy, .closingSigned(tampered), .invalidSignature("closing_signed"), ledger: harness.ledger)
        // A valid signature, but for another fee than the one announced.
        var otherFee = closing
        otherFee.fee = Satoshi(closing.fee.value + 1)
        copy = harness[.bob]
        Refusal.failure(&copy, .closingSigned(otherFee), .invalidSignature("closing_signed"), ledger: harness.ledger)

        // Bob's answer, tampered on its way back to alice: alice fails the channel too (bob's
        // closing transaction, in the mempool by now, and her commitment race for the funding output).
        let ledgerBeforeClose = harness.ledger
        harness.deliver(.closingSigned(closing), to: .bob)
        guard case .closingSigned(let answer) = try harness.intercept(to: .alice, "closing_signed") else { return }
        let flipped = try rewired(.closingSigned(answer)) { $0[2 + 32 + 8 + 20] ^= 2 }
        copy = harness[.alice]
        Refusal.failure(&copy, flipped, .invalidSignature("closing_signed"), ledger: ledgerBeforeClose)
        // Untampered, it closes the channel.
        harness.deliver(.closingSigned(answer), to: .alice)
        #expect(harness.channels.map(\.phase) == [.closing, .closing])
    }
}
