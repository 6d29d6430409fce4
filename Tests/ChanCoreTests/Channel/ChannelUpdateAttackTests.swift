import ChanCore
import ChanCrypto
import ChanLedger
import Testing

private let alice = TwoPartyPump.alice, bob = TwoPartyPump.bob

/// Alice 700,000 sat, bob 300,000 sat (both reserves 10,000 sat, feerate 2500 per kw).
private func channel(aliceConfig: ChannelConfig? = nil, bobConfig: ChannelConfig? = nil) throws -> TwoPartyPump {
    try TwoPartyPump.open(OpeningOptions(push: MilliSatoshi(300_000_000), aliceConfig: aliceConfig, bobConfig: bobConfig))
}

private func defaults() -> ChannelConfig { .defaults(capacity: Satoshi(1_000_000)) }

private let hash = PaymentHash(preimage: try! TwoPartyPump.preimage("hash"))

/// Out-of-order and badly timed messages and commands: refused with a warning (messages) or a
/// `ChannelError` (commands), nothing changed.
@Suite struct ChannelOrderAttackTests {
    @Test func commitmentSignedWithoutChangesAndRevokeAndAckWithoutSignatureAreRefused() throws {
        var pump = try channel()
        try pump.pay(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("paid"))
        // Replays of the last round: every update is already signed and revoked.
        guard let replayedCommit = pump.delivered[bob].last(where: { $0.name == "commitment_signed" }),
              let replayedRevocation = pump.delivered[alice].last(where: { $0.name == "revoke_and_ack" }) else {
            Issue.record("no round to replay"); return
        }
        Refusal.warning(&pump.channels[bob], replayedCommit, .protocolViolation("commitment_signed without any update"))
        Refusal.warning(&pump.channels[alice], replayedRevocation, .protocolViolation("revoke_and_ack without a pending commitment_signed"))

        // A revoke_and_ack for a signature that is still unsigned on our side: alice only proposed.
        pump = try channel()
        try pump.offer(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("x"))
        let revocation = RevokeAndAck(channelID: pump.channels[alice].channelID, perCommitmentSecret: .zero,
                                      nextPerCommitmentPoint: try SerializedPoint(try TwoPartyPump.keys("bob").basepoints.htlc.compressed))
        Refusal.warning(&pump.channels[alice], .revokeAndAck(revocation), .protocolViolation("revoke_and_ack without a pending commitment_signed"))
        // The sign command with nothing to sign.
        pump = try channel()
        Refusal.command(&pump.channels[alice], .sign, .nothingToSign)
        // And a second signature before the first is revoked.
        try pump.offer(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("y"))
        try pump.command(alice, .sign)
        try pump.offer(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("z"))
        Refusal.command(&pump.channels[alice], .sign, .invalidState("a signature already awaits its revocation"))
    }

    @Test func establishmentMessagesInANormalChannelAreRefused() throws {
        var pump = try channel()
        let opening = try TwoPartyPump.open(until: .fundingSignedSent)
        guard case .fundingSigned(let signed) = opening.inbox[alice].first,
              case .fundingCreated(let created) = opening.delivered[bob].last,
              case .acceptChannel(let accept) = opening.delivered[alice].first else { Issue.record("no establishment messages"); return }
        func refusedByAlice(_ message: WireMessage, _ error: ChannelError, sourceLocation: SourceLocation = #_sourceLocation) {
            var copy = pump.channels[alice]
            Refusal.warning(&copy, message, error, sourceLocation: sourceLocation)
        }
        Refusal.warning(&pump.channels[bob], .fundingCreated(created), .protocolViolation("unexpected funding_created"))
        refusedByAlice(.fundingSigned(signed), .protocolViolation("unexpected funding_signed"))
        refusedByAlice(.acceptChannel(accept), .protocolViolation("unexpected accept_channel"))
        // channel_ready again, with another point than the first time.
        let ready = ChannelReady(channelID: pump.channels[alice].channelID,
                                 secondPerCommitmentPoint: try SerializedPoint(try TwoPartyPump.keys("bob").basepoints.payment.compressed))
        refusedByAlice(.channelReady(ready), .protocolViolation("channel_ready changed its point"))
        // A shutdown to something that is not a wallet key.
        let shutdown = Shutdown(channelID: pump.channels[alice].channelID, scriptPubkey: [0x00, 0x14] + [UInt8](repeating: 1, count: 20))
        refusedByAlice(.shutdown(shutdown), .protocolViolation("the shutdown destination is not a key condition"))
    }

    @Test func updatesBeforeChannelReadyAreRefused() throws {
        var pump = try TwoPartyPump.open(until: .awaitingFunding)
        let channelID = pump.channels[bob].channelID
        let add = UpdateAddHTLC(channelID: channelID, id: 0, amount: MilliSatoshi(10_000_000), paymentHash: try Hash32(hash.bytes),
                                cltvExpiry: 1000, onionRoutingPacket: TwoPartyPump.onion)
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: 1000, onion: TwoPartyPump.onion),
                        .invalidState("awaiting_funding"))
        Refusal.command(&pump.channels[alice], .updateFee(feeratePerKw: 3000), .invalidState("awaiting_funding"))
        Refusal.command(&pump.channels[alice], .sign, .invalidState("awaiting_funding"))
        let early = ChannelError.protocolViolation("update in state awaiting_funding")
        for message: WireMessage in [
            .updateAddHTLC(add),
            .updateFulfillHTLC(UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: .zero)),
            .updateFailHTLC(UpdateFailHTLC(channelID: channelID, id: 0, reason: [])),
            .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 3000)),
            .commitmentSigned(CommitmentSigned(channelID: channelID, signature: .zero, htlcSignatures: [])),
            .revokeAndAck(RevokeAndAck(channelID: channelID, perCommitmentSecret: .zero, nextPerCommitmentPoint: .zero)),
        ] {
            var copy = pump.channels[bob]
            Refusal.warning(&copy, message, early)
        }

        // Before the funding is even signed, bob has no commitment: the update is refused as well
        // (and, the connection dropped, the unfunded channel is forgotten).
        pump = try TwoPartyPump.open(until: .fundingCreatedSent)
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(add), .protocolViolation("update in state opening"))
        #expect(pump.channels[bob].phase == .closed)
    }

    @Test func updateAddAfterShutdownIsRefused() throws {
        var pump = try channel()
        try pump.command(bob, .close)
        try pump.deliverNext(to: alice)  // bob's shutdown; alice's answer stays undelivered
        #expect(pump.channels.map(\.phase) == [.shuttingDown, .shuttingDown])
        var copy = pump.channels[alice]
        Refusal.warning(&copy, .updateAddHTLC(pump.crafted(from: bob, msat: 10_000_000)), .protocolViolation("update_add_htlc after shutdown"))
        for side in [alice, bob] {
            Refusal.command(&pump.channels[side], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash,
                                                            cltvExpiry: pump.channels[side].currentHeight + 40, onion: TwoPartyPump.onion),
                            .invalidState("the channel is shutting down"))
        }
        // Closing twice is refused too.
        Refusal.command(&pump.channels[bob], .close, .invalidState("cannot close a channel in state shutting_down"))
    }

    @Test func closingSignedBeforeTheChannelIsSettledIsRefused() throws {
        var pump = try channel()
        let closing = ClosingSigned(channelID: pump.channels[bob].channelID, fee: Satoshi(1000),
                                    signature: try signatureOverAnotherMessage(by: try TwoPartyPump.keys("alice").funding))
        let early = ChannelError.protocolViolation("closing_signed before the channel is settled")
        var copy = pump.channels[bob]
        Refusal.warning(&copy, .closingSigned(closing), early)
        // Shutting down with an HTLC still pending.
        try pump.offer(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("pending"))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.command(alice, .close)
        try pump.deliverAll()
        #expect(pump.channels.map(\.phase) == [.shuttingDown, .shuttingDown])
        Refusal.warning(&pump.channels[bob], .closingSigned(closing), early)
        // Only shutdown sent, not received: not settled either.
        pump = try channel()
        try pump.command(alice, .close)
        Refusal.warning(&pump.channels[alice], .closingSigned(closing), early)
    }

    @Test func aRefusedMessageCostsOnlyTheConnection() throws {
        var pump = try channel()
        try pump.offer(bob, msat: 5_000_000, preimage: try TwoPartyPump.preimage("unsigned"))
        try pump.deliverAll()
        // A bad add from alice: bob warns and drops the connection, and the disconnect drops
        // both sides' unsigned updates (bob's own add fails back to his node).
        pump.inbox[bob].append(.updateAddHTLC(pump.crafted(from: alice, id: 5, msat: 1_000_000)))
        let effects = try pump.deliverNext(to: bob)
        #expect(effects.contains(.disconnect))
        #expect(pump.resolutions[bob].count == 1)
        try pump.perform(try pump.channels[alice].handle(.disconnected, now: 7), from: alice)
        pump.inbox = [[], []]
        for side in [alice, bob] { try pump.perform(try pump.channels[side].handle(.reconnected, now: 8), from: side) }
        try pump.deliverAll()
        // The channel goes on as before.
        try pump.pay(alice, msat: 20_000_000, preimage: try TwoPartyPump.preimage("after"))
        try pump.pay(bob, msat: 5_000_000, preimage: try TwoPartyPump.preimage("after too"))
        #expect(pump.channels[alice].snapshot.toLocalMsat == 685_000_000)
        #expect(pump.channels[bob].snapshot.toLocalMsat == 315_000_000)
        pump.channels.forEach { expectConserved($0) }
    }
}

/// Amounts, limits, ids and expiries: every limit is enforced on our commands and on the peer.
@Suite struct ChannelLimitAttackTests {
    @Test func amountsOverTheCapacityOrTheBalanceAreRefused() throws {
        var pump = try channel()
        let negative = ChannelError.insufficientBalance(AmountError.underflow.message)
        for (side, msat) in [(alice, 1_000_000_001), (alice, 700_000_001), (bob, 300_000_001), (alice, UInt64.max)] as [(Int, UInt64)] {
            Refusal.command(&pump.channels[side], .addHTLC(amount: MilliSatoshi(msat), paymentHash: hash,
                                                            cltvExpiry: pump.channels[side].currentHeight + 40, onion: TwoPartyPump.onion), negative)
            Refusal.warning(&pump.channels[1 - side], .updateAddHTLC(pump.crafted(from: side, msat: msat)), negative)
            pump = try channel()
        }
        // Within the balance, but into the reserve. Alice, the opener, also keeps BOLT 2's fee
        // spike buffer on her own adds (the fee at 5000 per kw with two HTLC outputs: 5340 sat);
        // bob checks only her reserve (her fee is hers to keep: crossing updates must not loop).
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(695_000_000), paymentHash: hash,
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .insufficientBalance("5000000 msat left, 15340000 msat needed for reserve and fee"))
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 695_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        pump = try channel()
        Refusal.command(&pump.channels[bob], .addHTLC(amount: MilliSatoshi(295_000_000), paymentHash: hash,
                                                       cltvExpiry: pump.channels[bob].currentHeight + 40, onion: TwoPartyPump.onion),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        Refusal.warning(&pump.channels[alice], .updateAddHTLC(pump.crafted(from: bob, msat: 295_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
        // Two adds that fit one at a time but not together.
        pump = try channel()
        try pump.offer(bob, msat: 200_000_000, preimage: try TwoPartyPump.preimage("first"))
        try pump.deliverAll()
        Refusal.warning(&pump.channels[alice], .updateAddHTLC(pump.crafted(from: bob, msat: 95_000_000)),
                        .insufficientBalance("5000000 msat left, 10000000 msat needed for reserve and fee"))
    }

    @Test func htlcsBelowTheMinimumAreRefused() throws {
        var strict = defaults()
        strict.htlcMinimum = MilliSatoshi(10_000)
        var pump = try channel(aliceConfig: strict, bobConfig: strict)
        for side in [alice, bob] {
            for msat: UInt64 in [9_999, 0] {
                Refusal.command(&pump.channels[side], .addHTLC(amount: MilliSatoshi(msat), paymentHash: hash,
                                                                cltvExpiry: pump.channels[side].currentHeight + 40, onion: TwoPartyPump.onion),
                                .belowHTLCMinimum(minimum: 10_000, amount: msat))
                Refusal.warning(&pump.channels[1 - side], .updateAddHTLC(pump.crafted(from: side, msat: msat)),
                                .belowHTLCMinimum(minimum: 10_000, amount: msat))
                pump = try channel(aliceConfig: strict, bobConfig: strict)
            }
        }
        // The minimum itself is fine.
        try pump.offer(alice, msat: 10_000, preimage: try TwoPartyPump.preimage("min"))
        try pump.deliverAll()
        #expect(pump.channels[bob].commitments!.remoteNextHTLCID == 1)
        // With the default minimum of 1 msat, zero is still refused.
        pump = try channel()
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 0)), .belowHTLCMinimum(minimum: 1, amount: 0))
    }

    @Test func moreHTLCsThanMaxAcceptedAreRefused() throws {
        var three = defaults()
        three.maxAcceptedHTLCs = 3
        var pump = try channel(bobConfig: three)
        for index in 0..<3 { try pump.offer(alice, msat: 1_000_000, preimage: try TwoPartyPump.preimage("h\(index)")) }
        try pump.deliverAll()
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(1_000_000), paymentHash: hash,
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .tooManyHTLCs(limit: 3))
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 1_000_000)), .tooManyHTLCs(limit: 3))
        // Bob's own HTLCs to alice do not count against the three he accepts.
        pump = try channel(bobConfig: three)
        for index in 0..<3 { try pump.offer(alice, msat: 1_000_000, preimage: try TwoPartyPump.preimage("h\(index)")) }
        try pump.offer(bob, msat: 1_000_000, preimage: try TwoPartyPump.preimage("back"))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        // Once one is settled, there is room again.
        try pump.command(bob, .failHTLC(id: 0, reason: []))
        try pump.command(bob, .sign)
        try pump.deliverAll()
        try pump.offer(alice, msat: 1_000_000, preimage: try TwoPartyPump.preimage("again"))
        pump.channels.forEach { expectConserved($0) }
    }

    @Test func moreThanMaxInFlightIsRefused() throws {
        var capped = defaults()
        capped.maxHTLCValueInFlight = MilliSatoshi(50_000_000)
        var pump = try channel(bobConfig: capped)
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(50_000_001), paymentHash: hash,
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .maxInFlightExceeded(limit: 50_000_000))
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 50_000_001)), .maxInFlightExceeded(limit: 50_000_000))
        pump = try channel(bobConfig: capped)
        try pump.offer(alice, msat: 30_000_000, preimage: try TwoPartyPump.preimage("part"))
        try pump.deliverAll()
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(20_000_001), paymentHash: hash,
                                                         cltvExpiry: pump.channels[alice].currentHeight + 40, onion: TwoPartyPump.onion),
                        .maxInFlightExceeded(limit: 50_000_000))
        var copy = pump.channels[bob]
        Refusal.warning(&copy, .updateAddHTLC(pump.crafted(from: alice, msat: 20_000_001)), .maxInFlightExceeded(limit: 50_000_000))
        try pump.offer(alice, msat: 20_000_000, preimage: try TwoPartyPump.preimage("rest"))
        try pump.deliverAll()
        #expect(pump.channels[bob].commitments!.remoteNextHTLCID == 2)
    }

    @Test func reusedAndSkippedHTLCIDsAreRefused() throws {
        var pump = try channel()
        try pump.offer(alice, msat: 10_000_000, preimage: try TwoPartyPump.preimage("zero"))
        try pump.deliverAll()
        for id: UInt64 in [0, 2, .max] {
            var copy = pump.channels[bob]
            Refusal.warning(&copy, .updateAddHTLC(pump.crafted(from: alice, id: id, msat: 1_000_000)), .unexpectedHTLCID(expected: 1, actual: id))
        }
        // Still refused once id 0 is settled and gone.
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.command(bob, .fulfillHTLC(id: 0, preimage: try TwoPartyPump.preimage("zero")))
        try pump.command(bob, .sign)
        try pump.deliverAll()
        #expect(pump.channels[bob].snapshot.htlcs.isEmpty)
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, id: 0, msat: 1_000_000)), .unexpectedHTLCID(expected: 1, actual: 0))
    }

    @Test func expiriesInThePastOrTooFarAreRefused() throws {
        var pump = try channel()
        let height = pump.channels[alice].currentHeight
        #expect(height == pump.channels[bob].currentHeight && height > 3)
        for expiry in [height, height - 1, 0] {
            Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: expiry,
                                                             onion: TwoPartyPump.onion), .expiryTooSoon(expiry: expiry, height: height))
            Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 10_000_000, expiry: expiry)),
                            .expiryTooSoon(expiry: expiry, height: height))
            pump = try channel()
        }
        Refusal.command(&pump.channels[alice], .addHTLC(amount: MilliSatoshi(10_000_000), paymentHash: hash, cltvExpiry: height + 2017,
                                                         onion: TwoPartyPump.onion), .expiryTooFar(expiry: height + 2017, height: height))
        // A block height can never reach 500,000,000: from there on BOLT 2 reads a time.
        Refusal.warning(&pump.channels[bob], .updateAddHTLC(pump.crafted(from: alice, msat: 10_000_000, expiry: 500_000_000)),
                        .expiryTooFar(expiry: 500_000_000, height: height))
    }
}

/// Settling HTLCs: only the right preimage, only once, only for an HTLC both sides committed.
@Suite struct ChannelSettlementAttackTests {
    /// Alice's HTLC 0 of 50,000 sat is committed; her HTLC 1 is proposed and delivered, not signed.
    private func committedHTLC() throws -> (TwoPartyPump, Preimage) {
        var pump = try channel()
        let preimage = try TwoPartyPump.preimage("right")
        try pump.offer(alice, msat: 50_000_000, preimage: preimage)
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.offer(alice, msat: 7_000_000, preimage: try TwoPartyPump.preimage("unsigned"))
        try pump.deliverAll()
        return (pump, preimage)
    }

    @Test func fulfilsWithTheWrongPreimageOrForAnUnknownHTLCAreRefused() throws {
        var (pump, preimage) = try committedHTLC()
        let wrong = try TwoPartyPump.preimage("wrong")
        let channelID = pump.channels[alice].channelID
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 0, preimage: wrong), .wrongPreimage(0))
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 9, preimage: preimage), .unknownHTLC(9))
        Refusal.command(&pump.channels[bob], .failHTLC(id: 9, reason: []), .unknownHTLC(9))
        Refusal.command(&pump.channels[bob], .failMalformedHTLC(id: 9, sha256OfOnion: .zero, failureCode: 0x8000 | 5), .unknownHTLC(9))
        Refusal.command(&pump.channels[bob], .failMalformedHTLC(id: 0, sha256OfOnion: .zero, failureCode: 4),
                        .protocolViolation("failure code 4 lacks the BADONION bit"))
        // HTLC 1 is not irrevocably committed yet: it cannot be settled.
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 1, preimage: try TwoPartyPump.preimage("unsigned")), .unknownHTLC(1))
        Refusal.command(&pump.channels[bob], .failHTLC(id: 1, reason: []), .unknownHTLC(1))

        // The same from bob's side of the wire, received by alice.
        let wrongFulfil = UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: try Bytes32(wrong.bytes))
        Refusal.warning(&pump.channels[alice], .updateFulfillHTLC(wrongFulfil), .wrongPreimage(0))
        (pump, _) = try committedHTLC()
        let unknown = UpdateFulfillHTLC(channelID: channelID, id: 9, paymentPreimage: try Bytes32(preimage.bytes))
        Refusal.warning(&pump.channels[alice], .updateFulfillHTLC(unknown), .unknownHTLC(9))
        (pump, _) = try committedHTLC()
        Refusal.warning(&pump.channels[alice], .updateFailHTLC(UpdateFailHTLC(channelID: channelID, id: 1, reason: [])), .unknownHTLC(1))
        (pump, _) = try committedHTLC()
        let malformed = UpdateFailMalformedHTLC(channelID: channelID, id: 0, sha256OfOnion: .zero, failureCode: 4)
        Refusal.warning(&pump.channels[alice], .updateFailMalformedHTLC(malformed), .protocolViolation("update_fail_malformed_htlc without the BADONION bit"))
        // A fulfil whose preimage was tampered with on the wire.
        (pump, _) = try committedHTLC()
        let honest = UpdateFulfillHTLC(channelID: channelID, id: 0, paymentPreimage: try Bytes32(preimage.bytes))
        let tampered = try rewired(.updateFulfillHTLC(honest)) { $0[2 + 32 + 8 + 3] ^= 0x10 }
        Refusal.warning(&pump.channels[alice], tampered, .wrongPreimage(0))
        #expect(pump.resolutions[alice].isEmpty)
    }

    @Test func aSecondFulfilOrFailIsRefused() throws {
        var (pump, preimage) = try committedHTLC()
        try pump.command(bob, .fulfillHTLC(id: 0, preimage: preimage))
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 0, preimage: preimage), .htlcAlreadySettled(0))
        Refusal.command(&pump.channels[bob], .failHTLC(id: 0, reason: []), .htlcAlreadySettled(0))
        try pump.deliverNext(to: alice)
        #expect(pump.resolutions[alice].count == 1)
        let fulfil = UpdateFulfillHTLC(channelID: pump.channels[alice].channelID, id: 0, paymentPreimage: try Bytes32(preimage.bytes))
        var copy = pump.channels[alice]
        Refusal.warning(&copy, .updateFulfillHTLC(fulfil), .htlcAlreadySettled(0))
        copy = pump.channels[alice]
        Refusal.warning(&copy, .updateFailHTLC(UpdateFailHTLC(channelID: fulfil.channelID, id: 0, reason: [])), .htlcAlreadySettled(0))
        // Once settled and gone, it is unknown.
        try pump.command(bob, .sign)
        try pump.deliverAll()
        Refusal.command(&pump.channels[bob], .fulfillHTLC(id: 0, preimage: preimage), .unknownHTLC(0))
        Refusal.warning(&pump.channels[alice], .updateFulfillHTLC(fulfil), .unknownHTLC(0))
        #expect(pump.resolutions[alice].count == 1)
        #expect(pump.channels[bob].snapshot.toLocalMsat == 350_000_000)
    }

    @Test func feeUpdatesFromTheNonOpenerOrOutOfBoundsAreRefused() throws {
        var pump = try channel()
        let channelID = pump.channels[alice].channelID
        Refusal.command(&pump.channels[bob], .updateFee(feeratePerKw: 5000), .feeUpdateNotAllowed("only the opener sets the fee"))
        Refusal.warning(&pump.channels[alice], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 5000)),
                        .protocolViolation("update_fee from the non-opener"))
        pump = try channel()
        Refusal.command(&pump.channels[alice], .updateFee(feeratePerKw: 252), .feeUpdateNotAllowed("below 253 per kw"))
        Refusal.warning(&pump.channels[bob], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 252)), .protocolViolation("feerate 252 too low"))
        pump = try channel()
        // A feerate alice cannot pay: 724 weight at 10,000,000 per kw is 7,240,000 sat.
        Refusal.command(&pump.channels[alice], .updateFee(feeratePerKw: 10_000_000),
                        .insufficientBalance("700000000 msat left, 7250000000 msat needed for reserve and fee"))
        Refusal.warning(&pump.channels[bob], .updateFee(UpdateFee(channelID: channelID, feeratePerKw: 10_000_000)),
                        .insufficientBalance("a commitment fee of 7240000 sat exceeds the capacity of 1000000 sat"))
    }
}

/// `open_channel` and `accept_channel` whose parameters we must not accept.
@Suite struct ChannelOpeningAttackTests {
    @Test func openChannelWithUnacceptableParametersIsRefused() throws {
        let (ledger, _) = try TwoPartyPump.fundedLedger()
        let (_, open) = try TwoPartyPump.aliceOpens(OpeningOptions(), ledger: ledger)
        func refused(_ error: ChannelError, bobConfig: ChannelConfig? = nil, _ change: (inout OpenChannel) throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
            var tampered = open
            try change(&tampered)
            #expect(throws: error, sourceLocation: sourceLocation) { _ = try TwoPartyPump.bobAccepts(tampered, config: bobConfig, ledger: ledger) }
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
        #expect(throws: ChannelError.invalidParameters("max_accepted_htlcs must be 1...483")) { _ = try TwoPartyPump.bobAccepts(decoded, ledger: ledger) }
        // The untouched one is accepted.
        #expect(throws: Never.self) { _ = try TwoPartyPump.bobAccepts(open, ledger: ledger) }
    }

    @Test func acceptChannelWithUnacceptableParametersEndsTheOpening() throws {
        let (ledger, _) = try TwoPartyPump.fundedLedger()
        let (opener, open) = try TwoPartyPump.aliceOpens(OpeningOptions(), ledger: ledger)
        let (_, effects) = try TwoPartyPump.bobAccepts(open, ledger: ledger)
        guard case .send(.acceptChannel(let accept)) = effects.first else { Issue.record("no accept_channel"); return }
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
