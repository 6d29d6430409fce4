import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

/// Alice 700,000 sat, bob 300,000 sat (both reserves 10,000 sat, feerate 2500 per kw).
private func channel(aliceConfig: ChannelConfig? = nil, bobConfig: ChannelConfig? = nil) throws -> ChannelPairHarness {
    try ChannelPairHarness.open(.defaults(pushAmount: MilliSatoshi(300_000_000), aliceConfig: aliceConfig, bobConfig: bobConfig))
}

private func defaults() -> ChannelConfig { .defaults(capacity: Satoshi(1_000_000)) }

private let hash = PaymentHash(preimage: try! Preimage(label: "hash"))

/// Out-of-order and badly timed messages and commands: refused with a warning (messages) or a
/// `ChannelError` (commands), nothing changed.
@Suite struct ChannelOrderAttackTests {
    @Test func commitmentSignedWithoutChangesAndRevokeAndAckWithoutSignatureAreRefused() throws {
        var harness = try channel()
        try harness.pay(.alice, msat: 10_000_000, preimage: try Preimage(label: "paid"))
        // Replays of the last round: every update is already signed and revoked.
        guard let replayedCommit = harness.history[.bob].received.last(where: { $0.name == "commitment_signed" }),
              let replayedRevocation = harness.history[.alice].received.last(where: { $0.name == "revoke_and_ack" }) else {
            Issue.record("no round to replay"); return
        }
        Refusal.warning(&harness[.bob], replayedCommit, .protocolViolation("commitment_signed without any update"))
        Refusal.warning(&harness[.alice], replayedRevocation, .protocolViolation("revoke_and_ack without a pending commitment_signed"))

        // A revoke_and_ack for a signature that is still unsigned on our side: alice only proposed.
        harness = try channel()
        try harness.offer(.alice, msat: 10_000_000, preimage: try Preimage(label: "x"))
        let revocation = RevokeAndAck(channelID: harness[.alice].channelID, perCommitmentSecret: .zero,
                                      nextPerCommitmentPoint: try SerializedPoint(harness[.bob].keys.basepoints.htlc.compressed))
        Refusal.warning(&harness[.alice], .revokeAndAck(revocation), .protocolViolation("revoke_and_ack without a pending commitment_signed"))
        // The sign command with nothing to sign.
        harness = try channel()
        Refusal.command(&harness[.alice], .sign, .nothingToSign)
        // And a second signature before the first is revoked.
        try harness.offer(.alice, msat: 10_000_000, preimage: try Preimage(label: "y"))
        try harness.execute(.alice, .sign)
        try harness.offer(.alice, msat: 10_000_000, preimage: try Preimage(label: "z"))
        Refusal.command(&harness[.alice], .sign, .invalidState("a signature already awaits its revocation"))
    }

    @Test func establishmentMessagesInANormalChannelAreRefused() throws {
        var harness = try channel()
        let opening = try ChannelPairHarness.open(until: .fundingSignedSent)
        guard case .fundingSigned(let signed) = opening.link.peek(at: .alice),
              case .fundingCreated(let created) = opening.history[.bob].received.last,
              case .acceptChannel(let accept) = opening.history[.alice].received.first else { Issue.record("no establishment messages"); return }
        func refusedByAlice(_ message: WireMessage, _ error: ChannelError, sourceLocation: SourceLocation = #_sourceLocation) {
            var copy = harness[.alice]
            Refusal.warning(&copy, message, error, sourceLocation: sourceLocation)
        }
        Refusal.warning(&harness[.bob], .fundingCreated(created), .protocolViolation("unexpected funding_created"))
        refusedByAlice(.fundingSigned(signed), .protocolViolation("unexpected funding_signed"))
        refusedByAlice(.acceptChannel(accept), .protocolViolation("unexpected accept_channel"))
        // channel_ready again, with another point than the first time.
        let ready = ChannelReady(channelID: harness[.alice].channelID,
                                 secondPerCommitmentPoint: try SerializedPoint(harness[.bob].keys.basepoints.payment.compressed))
        refusedByAlice(.channelReady(ready), .protocolViolation("channel_ready changed its point"))
        // A shutdown to something that is not a wallet key.
        let shutdown = Shutdown(channelID: harness[.alice].channelID, scriptPubkey: [0x00, 0x14] + [UInt8](repeating: 1, count: 20))
        refusedByAlice(.shutdown(shutdown), .protocolViolation("the shutdown destination is not a key condition"))
    }

    @Test func updatesBeforeChannelReadyAreRefused() throws {
        var harness = try ChannelPairHarness.open(until: .awaitingFunding)
        let channelID = harness[.bob].channelID
        let add = UpdateAddHTLC(channelID: channelID, id: 0, amount: MilliSatoshi(10_000_000), paymentHash: try Hash32(hash.bytes),
                                cltvExpiry: 1000, onionRoutingPacket: .zero)
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: 1000, onion: .zero),
                        .invalidState("awaiting_funding"))
        Refusal.command(&harness[.alice], .updateFee(feeratePerKw: 3000), .invalidState("awaiting_funding"))
        Refusal.command(&harness[.alice], .sign, .invalidState("awaiting_funding"))
        let early = ChannelError.protocolViolation("update in state awaiting_funding")
        for message: WireMessage in [
            .updateAddHTLC(add),
            .updateFulfillHTLC(UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: .zero)),
            .updateFailHTLC(UpdateFailHTLC(channelID: channelID, id: 0, reason: [])),
            .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 3000)),
            .commitmentSigned(CommitmentSigned(channelID: channelID, signature: .zero, htlcSignatures: [])),
            .revokeAndAck(RevokeAndAck(channelID: channelID, perCommitmentSecret: .zero, nextPerCommitmentPoint: .zero)),
        ] {
            var copy = harness[.bob]
            Refusal.warning(&copy, message, early)
        }

        // Before the funding is even signed, bob has no commitment: the update is refused as well
        // (and, the connection dropped, the unfunded channel is forgotten).
        harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        Refusal.warning(&harness[.bob], .updateAddHTLC(add), .protocolViolation("update in state opening"))
        #expect(harness[.bob].phase == .closed)
    }

    @Test func updateAddAfterShutdownIsRefused() throws {
        var harness = try channel()
        try harness.execute(.bob, .close)
        harness.deliverNext(to: .alice)  // bob's shutdown; alice's answer stays undelivered
        #expect(harness.channels.map(\.phase) == [.shuttingDown, .shuttingDown])
        var copy = harness[.alice]
        Refusal.warning(&copy, .updateAddHTLC(harness.crafted(from: .bob, msat: 10_000_000)), .protocolViolation("update_add_htlc after shutdown"))
        for side in [PairSide.alice, .bob] {
            Refusal.command(&harness[side], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash,
                                                     cltvExpiry: harness[side].currentHeight + 40, onion: .zero),
                            .invalidState("the channel is shutting down"))
        }
        // Closing twice is refused too.
        Refusal.command(&harness[.bob], .close, .invalidState("cannot close a channel in state shutting_down"))
    }

    @Test func closingSignedBeforeTheChannelIsSettledIsRefused() throws {
        var harness = try channel()
        let closing = ClosingSigned(channelID: harness[.bob].channelID, fee: Satoshi(1000),
                                    signature: try signatureOverAnotherMessage(by: harness[.alice].keys.funding))
        let early = ChannelError.protocolViolation("closing_signed before the channel is settled")
        var copy = harness[.bob]
        Refusal.warning(&copy, .closingSigned(closing), early)
        // Shutting down with an HTLC still pending.
        try harness.offer(.alice, msat: 10_000_000, preimage: try Preimage(label: "pending"))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.execute(.alice, .close)
        harness.deliverAll()
        #expect(harness.channels.map(\.phase) == [.shuttingDown, .shuttingDown])
        Refusal.warning(&harness[.bob], .closingSigned(closing), early)
        // Only shutdown sent, not received: not settled either.
        harness = try channel()
        try harness.execute(.alice, .close)
        Refusal.warning(&harness[.alice], .closingSigned(closing), early)
    }

    @Test func aRefusedMessageCostsOnlyTheConnection() throws {
        var harness = try channel()
        try harness.offer(.bob, msat: 5_000_000, preimage: try Preimage(label: "unsigned"))
        harness.deliverAll()
        // A bad add from alice: bob warns and drops the connection, and the disconnect drops
        // both sides' unsigned updates (bob's own add fails back to his node).
        // The harness drops the connection as asked: both sides learn it, the warning is lost.
        let effects = harness.deliver(.updateAddHTLC(harness.crafted(from: .alice, id: 5, msat: 1_000_000)), to: .bob)
        #expect(effects.contains(.disconnect))
        #expect(harness.history[.bob].resolutions.count == 1)
        #expect(!harness.link.isUp && harness.channels.allSatisfy { !$0.isConnected })
        harness.reconnect()
        harness.deliverAll()
        // The channel goes on as before.
        try harness.pay(.alice, msat: 20_000_000, preimage: try Preimage(label: "after"))
        try harness.pay(.bob, msat: 5_000_000, preimage: try Preimage(label: "after too"))
        #expect(harness[.alice].snapshot.toLocalMsat == 685_000_000)
        #expect(harness[.bob].snapshot.toLocalMsat == 315_000_000)
        harness.channels.forEach { expectConserved($0) }
    }
}

/// Amounts, limits, ids and expiries: every limit is enforced on our commands and on the peer.
@Suite struct ChannelLimitAttackTests {
    @Test func amountsOverTheCapacityOrTheBalanceAreRefused() throws {
        var harness = try channel()
        let negative = ChannelError.insufficientBalance(AmountError.underflow.message)
        for (side, msat) in [(.alice, 1_000_000_001), (.alice, 700_000_001), (.bob, 300_000_001), (.alice, UInt64.max)] as [(PairSide, UInt64)] {
            Refusal.command(&harness[side], .addHTLC(amount: MilliSatoshi(msat), paymentHash: hash,
                                                     cltvExpiry: harness[side].currentHeight + 40, onion: .zero), negative)
            Refusal.warning(&harness[side.other], .updateAddHTLC(harness.crafted(from: side, msat: msat)), negative)
            harness = try channel()
        }
        // Within the balance, but into the reserve. Alice, the opener, also keeps BOLT 2's fee
        // spike buffer on her own adds (the fee at 5000 per kw with two HTLC outputs: 5340 sat);
        // bob checks only her reserve (her fee is hers to keep: crossing updates must not loop).
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(695_000_000), paymentHash: hash,
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .insufficientBalance("5000000 msat left, 15340000 msat needed for reserve and fee"))
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 695_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        harness = try channel()
        Refusal.command(&harness[.bob], .addHTLC(amount: MilliSatoshi(295_000_000), paymentHash: hash,
                                                 cltvExpiry: harness[.bob].currentHeight + 40, onion: .zero),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        Refusal.warning(&harness[.alice], .updateAddHTLC(harness.crafted(from: .bob, msat: 295_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        // Two adds that fit one at a time but not together.
        harness = try channel()
        try harness.offer(.bob, msat: 200_000_000, preimage: try Preimage(label: "first"))
        harness.deliverAll()
        Refusal.warning(&harness[.alice], .updateAddHTLC(harness.crafted(from: .bob, msat: 95_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
    }

    @Test func htlcsBelowTheMinimumAreRefused() throws {
        var strict = defaults()
        strict.htlcMinimum = MilliSatoshi(10_000)
        var harness = try channel(aliceConfig: strict, bobConfig: strict)
        for side in [PairSide.alice, .bob] {
            for msat: UInt64 in [9_999, 0] {
                Refusal.command(&harness[side], .addHTLC(amount: MilliSatoshi(msat), paymentHash: hash,
                                                         cltvExpiry: harness[side].currentHeight + 40, onion: .zero),
                                .belowHTLCMinimum(minimum: 10_000, amount: msat))
                Refusal.warning(&harness[side.other], .updateAddHTLC(harness.crafted(from: side, msat: msat)),
                                .belowHTLCMinimum(minimum: 10_000, amount: msat))
                harness = try channel(aliceConfig: strict, bobConfig: strict)
            }
        }
        // The minimum itself is fine.
        try harness.offer(.alice, msat: 10_000, preimage: try Preimage(label: "min"))
        harness.deliverAll()
        #expect(harness[.bob].commitments!.remoteNextHTLCID == 1)
        // With the default minimum of 1 msat, zero is still refused.
        harness = try channel()
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 0)), .belowHTLCMinimum(minimum: 1, amount: 0))
    }

    @Test func moreHTLCsThanMaxAcceptedAreRefused() throws {
        var three = defaults()
        three.maxAcceptedHTLCs = 3
        var harness = try channel(bobConfig: three)
        for index in 0..<3 { try harness.offer(.alice, msat: 1_000_000, preimage: try Preimage(label: "h\(index)")) }
        harness.deliverAll()
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(1_000_000), paymentHash: hash,
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .tooManyHTLCs(limit: 3))
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 1_000_000)), .tooManyHTLCs(limit: 3))
        // Bob's own HTLCs to alice do not count against the three he accepts.
        harness = try channel(bobConfig: three)
        for index in 0..<3 { try harness.offer(.alice, msat: 1_000_000, preimage: try Preimage(label: "h\(index)")) }
        try harness.offer(.bob, msat: 1_000_000, preimage: try Preimage(label: "back"))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        // Once one is settled, there is room again.
        try harness.execute(.bob, .failHTLC(id: 0, reason: []))
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        try harness.offer(.alice, msat: 1_000_000, preimage: try Preimage(label: "again"))
        harness.channels.forEach { expectConserved($0) }
    }

    @Test func moreThanMaxInFlightIsRefused() throws {
        var capped = defaults()
        capped.maxHTLCValueInFlight = MilliSatoshi(50_000_000)
        var harness = try channel(bobConfig: capped)
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(50_000_001), paymentHash: hash,
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .maxInFlightExceeded(limit: 50_000_000))
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 50_000_001)), .maxInFlightExceeded(limit: 50_000_000))
        harness = try channel(bobConfig: capped)
        try harness.offer(.alice, msat: 30_000_000, preimage: try Preimage(label: "part"))
        harness.deliverAll()
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(20_000_001), paymentHash: hash,
                                                   cltvExpiry: harness[.alice].currentHeight + 40, onion: .zero),
                        .maxInFlightExceeded(limit: 50_000_000))
        var copy = harness[.bob]
        Refusal.warning(&copy, .updateAddHTLC(harness.crafted(from: .alice, msat: 20_000_001)), .maxInFlightExceeded(limit: 50_000_000))
        try harness.offer(.alice, msat: 20_000_000, preimage: try Preimage(label: "rest"))
        harness.deliverAll()
        #expect(harness[.bob].commitments!.remoteNextHTLCID == 2)
    }

    @Test func reusedAndSkippedHTLCIDsAreRefused() throws {
        var harness = try channel()
        try harness.offer(.alice, msat: 10_000_000, preimage: try Preimage(label: "zero"))
        harness.deliverAll()
        for id: UInt64 in [0, 2, .max] {
            var copy = harness[.bob]
            Refusal.warning(&copy, .updateAddHTLC(harness.crafted(from: .alice, id: id, msat: 1_000_000)), .unexpectedHTLCID(expected: 1, actual: id))
        }
        // Still refused once id 0 is settled and gone.
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.execute(.bob, .fulfillHTLC(id: 0, preimage: try Preimage(label: "zero")))
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(harness[.bob].snapshot.htlcs.isEmpty)
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, id: 0, msat: 1_000_000)), .unexpectedHTLCID(expected: 1, actual: 0))
    }

    @Test func expiriesInThePastOrTooFarAreRefused() throws {
        var harness = try channel()
        let height = harness[.alice].currentHeight
        #expect(height == harness[.bob].currentHeight && height > 3)
        for expiry in [height, height - 1, 0] {
            Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: expiry,
                                                       onion: .zero), .expiryTooSoon(expiry: expiry, height: height))
            Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 10_000_000, expiry: expiry)),
                            .expiryTooSoon(expiry: expiry, height: height))
            harness = try channel()
        }
        Refusal.command(&harness[.alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: height + 2017,
                                                   onion: .zero), .expiryTooFar(expiry: height + 2017, height: height))
        // A block height can never reach 500,000,000: from there on BOLT 2 reads a time.
        Refusal.warning(&harness[.bob], .updateAddHTLC(harness.crafted(from: .alice, msat: 10_000_000, expiry: 500_000_000)),
                        .expiryTooFar(expiry: 500_000_000, height: height))
    }
}

/// Settling HTLCs: only the right preimage, only once, only for an HTLC both sides committed.
@Suite struct ChannelSettlementAttackTests {
    /// Alice's HTLC 0 of 50,000 sat is committed; her HTLC 1 is proposed and delivered, not signed.
    private func committedHTLC() throws -> (ChannelPairHarness, Preimage) {
        var harness = try channel()
        let preimage = try Preimage(label: "right")
        try harness.offer(.alice, msat: 50_000_000, preimage: preimage)
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.offer(.alice, msat: 7_000_000, preimage: try Preimage(label: "unsigned"))
        harness.deliverAll()
        return (harness, preimage)
    }

    @Test func fulfilsWithTheWrongPreimageOrForAnUnknownHTLCAreRefused() throws {
        var (harness, preimage) = try committedHTLC()
        let wrong = try Preimage(label: "wrong")
        let channelID = harness[.alice].channelID
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 0, preimage: wrong), .wrongPreimage(0))
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 9, preimage: preimage), .unknownHTLC(9))
        Refusal.command(&harness[.bob], .failHTLC(id: 9, reason: []), .unknownHTLC(9))
        Refusal.command(&harness[.bob], .failMalformedHTLC(id: 9, sha256OfOnion: .zero, failureCode: 0x8000 | 5), .unknownHTLC(9))
        Refusal.command(&harness[.bob], .failMalformedHTLC(id: 0, sha256OfOnion: .zero, failureCode: 4),
                        .protocolViolation("failure code 4 lacks the BADONION bit"))
        // HTLC 1 is not irrevocably committed yet: it cannot be settled.
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 1, preimage: try Preimage(label: "unsigned")), .unknownHTLC(1))
        Refusal.command(&harness[.bob], .failHTLC(id: 1, reason: []), .unknownHTLC(1))

        // The same from bob's side of the wire, received by alice.
        let wrongFulfil = UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: try Bytes32(wrong.bytes))
        Refusal.warning(&harness[.alice], .updateFulfillHTLC(wrongFulfil), .wrongPreimage(0))
        (harness, _) = try committedHTLC()
        let unknown = UpdateFulfillHTLC(channelID: channelID, id: 9, paymentPreimage: try Bytes32(preimage.bytes))
        Refusal.warning(&harness[.alice], .updateFulfillHTLC(unknown), .unknownHTLC(9))
        (harness, _) = try committedHTLC()
        Refusal.warning(&harness[.alice], .updateFailHTLC(UpdateFailHTLC(channelID: channelID, id: 1, reason: [])), .unknownHTLC(1))
        (harness, _) = try committedHTLC()
        let malformed = UpdateFailMalformedHTLC(channelID: channelID, id: 0, sha256OfOnion: .zero, failureCode: 4)
        Refusal.warning(&harness[.alice], .updateFailMalformedHTLC(malformed), .protocolViolation("update_fail_malformed_htlc without the BADONION bit"))
        // A fulfil whose preimage was tampered with on the wire.
        (harness, _) = try committedHTLC()
        let honest = UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: try Bytes32(preimage.bytes))
        let tampered = try rewired(.updateFulfillHTLC(honest)) { $0[2 + 32 + 8 + 3] ^= 0x10 }
        Refusal.warning(&harness[.alice], tampered, .wrongPreimage(0))
        #expect(harness.history[.alice].resolutions.isEmpty)
    }

    @Test func aSecondFulfilOrFailIsRefused() throws {
        var (harness, preimage) = try committedHTLC()
        try harness.execute(.bob, .fulfillHTLC(id: 0, preimage: preimage))
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 0, preimage: preimage), .htlcAlreadySettled(0))
        Refusal.command(&harness[.bob], .failHTLC(id: 0, reason: []), .htlcAlreadySettled(0))
        harness.deliverNext(to: .alice)
        #expect(harness.history[.alice].resolutions.count == 1)
        let fulfil = UpdateFulfillHTLC(channelID: harness[.alice].channelID, id: 0, paymentPreimage: try Bytes32(preimage.bytes))
        var copy = harness[.alice]
        Refusal.warning(&copy, .updateFulfillHTLC(fulfil), .htlcAlreadySettled(0))
        copy = harness[.alice]
        Refusal.warning(&copy, .updateFailHTLC(UpdateFailHTLC(channelID: fulfil.channelID, id: 0, reason: [])), .htlcAlreadySettled(0))
        // Once settled and gone, it is unknown.
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        Refusal.command(&harness[.bob], .fulfillHTLC(id: 0, preimage: preimage), .unknownHTLC(0))
        Refusal.warning(&harness[.alice], .updateFulfillHTLC(fulfil), .unknownHTLC(0))
        #expect(harness.history[.alice].resolutions.count == 1)
        #expect(harness[.bob].snapshot.toLocalMsat == 350_000_000)
    }

    @Test func feeUpdatesFromTheNonOpenerOrOutOfBoundsAreRefused() throws {
        var harness = try channel()
        let channelID = harness[.alice].channelID
        Refusal.command(&harness[.bob], .updateFee(feeratePerKw: 5000), .feeUpdateNotAllowed("only the opener sets the fee"))
        Refusal.warning(&harness[.alice], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 5000)),
                        .protocolViolation("update_fee from the non-opener"))
        harness = try channel()
        Refusal.command(&harness[.alice], .updateFee(feeratePerKw: 252), .feeUpdateNotAllowed("below 253 per kw"))
        Refusal.warning(&harness[.bob], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 252)), .protocolViolation("feerate 252 too low"))
        harness = try channel()
        // A feerate alice cannot pay: 724 weight at 10,000,000 per kw is 7,240,000 sat.
        Refusal.command(&harness[.alice], .updateFee(feeratePerKw: 10_000_000),
                        .insufficientBalance("700000000 msat left, 7250000000 msat needed for reserve and fee"))
        Refusal.warning(&harness[.bob], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 10_000_000)),
                        .insufficientBalance("a commitment fee of 7240000 sat exceeds the capacity of 1000000 sat"))
    }
}

/// `open_channel` and `accept_channel` whose parameters we must not accept.
@Suite struct ChannelOpeningAttackTests {
    @Test func openChannelWithUnacceptableParametersIsRefused() throws {
        let opening = try PairOpening(configuration: .defaults())
        let (_, open) = try opening.aliceOpens()
        func refused(_ error: ChannelError, bobConfig: ChannelConfig? = nil, _ change: (inout OpenChannel) throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
            var tampered = open
            try change(&tampered)
            let accepting = try PairOpening(configuration: .defaults(bobConfig: bobConfig))
            #expect(throws: error, sourceLocation: sourceLocation) { _ = try accepting.bobAccepts(tampered) }
        }
        try refused(.invalidParameters("max_accepted_htlcs must be 1...483")) { $0.maxAcceptedHTLCs = 484 }
        try refused(.invalidParameters("max_accepted_htlcs must be 1...483")) { $0.maxAcceptedHTLCs = 0 }
        try refused(.invalidParameters("to_self_delay 2017 exceeds 2016")) { $0.toSelfDelay = 2017 }
        try refused(.invalidParameters("channel_reserve exceeds the capacity")) { $0.channelReserve = $0.fundingAmount }
        try refused(.invalidParameters("channel_reserve exceeds the capacity")) { $0.channelReserve = Satoshi(5_000_000) }
        try refused(.invalidParameters("dust_limit exceeds channel_reserve")) { $0.dustLimit = Satoshi(20_000) }
        try refused(.invalidParameters("dust_limit below the ledger's 354 sat")) { $0.dustLimit = Satoshi(353) }
        try refused(.invalidParameters("the channel is for another chain")) { $0.chainHash = try Hash32(SHA256.hash(Array("testnet".utf8))) }
        try refused(.invalidParameters("funding of 19999 sat is below 20000 sat")) { $0.fundingAmount = Satoshi(19_999) }
        try refused(.invalidParameters("push_msat exceeds the funding")) { $0.pushAmount = MilliSatoshi(1_000_000_001) }
        try refused(.invalidParameters("the opener's balance cannot pay the commitment fee of 1810 sat")) { $0.pushAmount = MilliSatoshi(1_000_000_000) }
        try refused(.invalidParameters("feerate below 253 per kw")) { $0.feeratePerKw = 252 }
        try refused(.invalidParameters("funding_pubkey is not a valid point")) { $0.fundingPubkey = try SerializedPoint([0x02] + [UInt8](repeating: 0xff, count: 32)) }
        try refused(.invalidParameters("first_per_commitment_point is not a valid point")) { $0.firstPerCommitmentPoint = .zero }
        // Each side's dust limit must fit in the reserve the other side keeps.
        var bigDust = defaults()
        bigDust.dustLimit = Satoshi(1000)
        try refused(.invalidParameters("our dust_limit exceeds the reserve asked of us"), bobConfig: bigDust) { $0.channelReserve = Satoshi(500) }
        try refused(.invalidParameters("their dust_limit exceeds the reserve we ask of them")) {
            $0.dustLimit = Satoshi(10_001)
            $0.channelReserve = Satoshi(20_000)
        }
        // From the wire: max_accepted_htlcs patched to 484 in the encoded open_channel.
        let patched = try rewired(.openChannel(open)) { bytes in bytes[120] = 0x01; bytes[121] = 0xe4 }
        guard case .openChannel(let decoded) = patched else { Issue.record("not an open_channel"); return }
        #expect(decoded.maxAcceptedHTLCs == 484)
        #expect(throws: ChannelError.invalidParameters("max_accepted_htlcs must be 1...483")) { _ = try opening.bobAccepts(decoded) }
        // The untouched one is accepted.
        #expect(throws: Never.self) { _ = try opening.bobAccepts(open) }
    }

    @Test func acceptChannelWithUnacceptableParametersEndsTheOpening() throws {
        let opening = try PairOpening(configuration: .defaults())
        let (opener, open) = try opening.aliceOpens()
        let (_, accept) = try opening.bobAccepts(open)
        let cases: [(ChannelError, (inout AcceptChannel) throws -> Void)] = [
            (.invalidParameters("max_accepted_htlcs must be 1...483"), { $0.maxAcceptedHTLCs = 484 }),
            (.invalidParameters("to_self_delay 2017 exceeds 2016"), { $0.toSelfDelay = 2017 }),
            (.invalidParameters("channel_reserve exceeds the capacity"), { $0.channelReserve = Satoshi(1_000_000) }),
            (.invalidParameters("dust_limit exceeds channel_reserve"), { $0.dustLimit = Satoshi(10_001) }),
            (.invalidParameters("minimum_depth 145 is unreasonable"), { $0.minimumDepth = 145 }),
            (.invalidParameters("htlc_basepoint is not a valid point"), { $0.htlcBasepoint = .zero }),
            (.protocolViolation("accept_channel for another channel"), { $0.temporaryChannelID = try ChannelID(Array(repeating: 8, count: 32)) }),
        ]
        for (error, change) in cases {
            var tampered = accept
            try change(&tampered)
            var channel = opener
            // Refused with a warning; the dropped connection forgets the unfunded channel.
            Refusal.warning(&channel, .acceptChannel(tampered), error)
            #expect(channel.phase == .closed)
        }
    }
}
