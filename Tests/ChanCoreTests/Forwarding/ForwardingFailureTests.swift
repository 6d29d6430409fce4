import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Each of BOLT 4's forwarding failures, triggered at C (A -> B -> C -> D) by C's channel to D
/// or policy no longer being what the route assumed, then carried back: B wraps it, and the
/// payer reads it as C's, with its code and C's `channel_update`.
@Suite struct ForwardingFailureTests {
    typealias F = ForwardingFixture

    /// The payment as far as C, with C's channel to D as `channel` and C at `height`.
    static func atC(_ channel: OutgoingChannel?, height: UInt32 = F.height) throws -> (attempt: PaymentAttempt, b: F.Hop, c: F.Hop) {
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        return (attempt, b, try F.atC(b, height: height, channel: channel))
    }

    /// C failed with `expected`; back through B, the payer reads it as C's (hop 1).
    static func expectFailureAtC(_ channel: OutgoingChannel?, height: UInt32 = F.height, _ expected: OnionFailure,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (attempt, b, c) = try atC(channel, height: height)
        guard case .fail(let reason, let failure) = c.decision else {
            Issue.record("C did not fail: \(c.decision)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure == expected, sourceLocation: sourceLocation)
        let read = attempt.failure(from: .onion(HTLCForwarder.relayFailure(reason, sharedSecret: b.sharedSecret)))
        #expect(read.code == expected.name, sourceLocation: sourceLocation)
        #expect(read.hopIndex == 1 && read.failingNode == F.cKey.publicKey, sourceLocation: sourceLocation)
        #expect(read.failure == expected, sourceLocation: sourceLocation)
        #expect(read.channelUpdate == expected.channelUpdate.flatMap { $0.isEmpty ? nil : $0 }, sourceLocation: sourceLocation)
        #expect(read.unreadableOnionHopIndex == nil, sourceLocation: sourceLocation)
        // B's layer is needed: C's packet alone does not read as C's.
        #expect(attempt.failure(from: .onion(reason)).hopIndex != 1, sourceLocation: sourceLocation)
    }

    static func cPolicy(_ change: (inout ForwardingPolicy) -> Void) -> ForwardingPolicy {
        var policy = F.cPolicy
        change(&policy)
        return policy
    }

    // MARK: The channel

    @Test func anUnknownChannelIsAnUnknownNextPeer() throws {
        try Self.expectFailureAtC(nil, .unknownNextPeer)
    }

    @Test func anOfflineChannelIsATemporaryFailure() throws {
        try Self.expectFailureAtC(F.cOutgoing(status: .offline), .temporaryChannelFailure(channelUpdate: F.cUpdate))
    }

    @Test func aDisabledChannelIsDisabled() throws {
        try Self.expectFailureAtC(F.cOutgoing(status: .disabled), .channelDisabled(disabledFlags: 0, channelUpdate: F.cUpdate))
    }

    // MARK: The policy

    @Test func anAmountBelowTheMinimum() throws {
        // The outgoing amount is reported.
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.htlcMinimum = MilliSatoshi(50_000_001) }),
                                  .amountBelowMinimum(htlcAmount: F.amount, channelUpdate: F.cUpdate))
        // Exactly the minimum goes.
        let (_, _, c) = try Self.atC(F.cOutgoing(policy: Self.cPolicy { $0.htlcMinimum = F.amount }))
        #expect(c.outgoing?.amount == F.amount)
    }

    @Test func anAmountAboveTheMaximum() throws {
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.htlcMaximum = MilliSatoshi(49_999_999) }),
                                  .temporaryChannelFailure(channelUpdate: F.cUpdate))
        let (_, _, c) = try Self.atC(F.cOutgoing(policy: Self.cPolicy { $0.htlcMaximum = F.amount }))
        #expect(c.outgoing?.amount == F.amount)
    }

    @Test func aFeeBelowThePolicy() throws {
        // C raised its base fee by one msat since the route was found; the incoming amount is reported.
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.feeBase = MilliSatoshi(2501) }),
                                  .feeInsufficient(htlcAmount: MilliSatoshi(50_102_500), channelUpdate: F.cUpdate))
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.feeProportionalMillionths = 2001 }),
                                  .feeInsufficient(htlcAmount: MilliSatoshi(50_102_500), channelUpdate: F.cUpdate))
    }

    @Test func anIncomingHTLCBelowTheAmountToForward() throws {
        // A negative fee: an HTLC carrying less than it asks to forward.
        let attempt = try F.attempt()
        let b = try F.forward(at: F.bKey, amount: MilliSatoshi(50_102_499), expiry: attempt.firstHopExpiry, onion: attempt.onion,
                              channel: F.bOutgoing(policy: ForwardingPolicy(feeBase: .zero, feeProportionalMillionths: 0)))
        guard case .fail(let reason, let failure) = b.decision else {
            Issue.record("B did not fail")
            return
        }
        #expect(failure == .feeInsufficient(htlcAmount: MilliSatoshi(50_102_499), channelUpdate: F.bUpdate))
        let read = attempt.failure(from: .onion(reason))
        #expect(read.code == "fee_insufficient" && read.hopIndex == 0 && read.failingNode == F.bKey.publicKey)
        #expect(read.channelUpdate == F.bUpdate)
    }

    @Test func aCLTVDeltaBelowThePolicy() throws {
        // The incoming HTLC's expiry is reported.
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.cltvExpiryDelta = 81 }),
                                  .incorrectCLTVExpiry(cltvExpiry: F.height + 98, channelUpdate: F.cUpdate))
    }

    @Test func anExpiryTooSoon() throws {
        // C's outgoing HTLC expires at height + 18: too soon once the tip is 9 blocks or fewer below it.
        #expect(HTLCForwarder.expiryTooSoonMargin == 9)
        try Self.expectFailureAtC(F.cOutgoing(), height: F.height + 9, .expiryTooSoon(channelUpdate: F.cUpdate))
        try Self.expectFailureAtC(F.cOutgoing(), height: F.height + 17, .expiryTooSoon(channelUpdate: F.cUpdate))
        let (_, _, c) = try Self.atC(F.cOutgoing(), height: F.height + 8)
        #expect(c.outgoing?.cltvExpiry == F.height + 18)
    }

    @Test func anExpiryTooFar() throws {
        // More than 2016 blocks above C's tip.
        #expect(HTLCForwarder.maxOutgoingCLTVDelta == 2016)
        try Self.expectFailureAtC(F.cOutgoing(), height: F.height - 1999, .expiryTooFar)
        let (_, _, c) = try Self.atC(F.cOutgoing(), height: F.height - 1998)
        #expect(c.outgoing?.cltvExpiry == F.height + 18)
    }

    // MARK: Liquidity

    @Test func moreThanTheChannelCanSend() throws {
        try Self.expectFailureAtC(F.cOutgoing(sendable: MilliSatoshi(49_999_999)), .temporaryChannelFailure(channelUpdate: F.cUpdate))
        let (_, _, c) = try Self.atC(F.cOutgoing(sendable: F.amount))
        #expect(c.outgoing?.amount == F.amount)
    }

    @Test func aFailureWithoutAChannelUpdate() throws {
        let channel = OutgoingChannel(shortChannelID: F.cd, status: .offline, policy: F.cPolicy, sendable: F.amount)
        try Self.expectFailureAtC(channel, .temporaryChannelFailure(channelUpdate: []))
    }

    // MARK: Which failure first

    @Test func theFirstFailureInTheOrderIsReturned() throws {
        let wrong = Self.cPolicy {
            $0.feeBase = MilliSatoshi(10_000)
            $0.cltvExpiryDelta = 100
        }
        // The channel before the policy.
        try Self.expectFailureAtC(F.cOutgoing(policy: wrong, status: .disabled), .channelDisabled(disabledFlags: 0, channelUpdate: F.cUpdate))
        // The minimum before the fee.
        var belowMinimum = wrong
        belowMinimum.htlcMinimum = MilliSatoshi(60_000_000)
        try Self.expectFailureAtC(F.cOutgoing(policy: belowMinimum), .amountBelowMinimum(htlcAmount: F.amount, channelUpdate: F.cUpdate))
        // The fee before the CLTV delta.
        try Self.expectFailureAtC(F.cOutgoing(policy: wrong), .feeInsufficient(htlcAmount: MilliSatoshi(50_102_500), channelUpdate: F.cUpdate))
        // The CLTV delta before the expiry's distance to the tip.
        try Self.expectFailureAtC(F.cOutgoing(policy: Self.cPolicy { $0.cltvExpiryDelta = 100 }), height: F.height + 12,
                                  .incorrectCLTVExpiry(cltvExpiry: F.height + 98, channelUpdate: F.cUpdate))
        // The liquidity last: a probe with a wrong fee learns nothing of the balance.
        try Self.expectFailureAtC(F.cOutgoing(policy: wrong, sendable: .zero),
                                  .feeInsufficient(htlcAmount: MilliSatoshi(50_102_500), channelUpdate: F.cUpdate))
    }
}

/// Failures made further down the route travel back through every hop, each adding its layer;
/// a hop that cannot read its onion is reported by the hop before it.
@Suite struct ReturnedFailureTests {
    typealias F = ForwardingFixture

    @Test func thePayeesFailureComesBackAsTheFourthNodes() throws {
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        let c = try F.atC(b)
        let toD = try #require(c.outgoing)
        let htlc = CommitmentHTLC(id: 2, direction: .received, amount: toD.amount, paymentHash: F.paymentHash, cltvExpiry: toD.cltvExpiry)
        // D no longer has the invoice open.
        let action = IncomingHTLCPolicy.decide(htlc, onion: toD.onion, nodeKey: F.dKey, currentHeight: F.height, now: F.now) { _ in
            F.invoice(isOpen: false)
        }
        guard case .fail(let reason, let failure) = action else {
            Issue.record("D did not fail")
            return
        }
        let back = HTLCForwarder.relayFailure(HTLCForwarder.relayFailure(reason, sharedSecret: c.sharedSecret), sharedSecret: b.sharedSecret)
        let read = attempt.failure(from: .onion(back))
        #expect(read.code == "incorrect_or_unknown_payment_details" && read.failure == failure)
        #expect(read.failure == .incorrectOrUnknownPaymentDetails(htlcAmount: F.amount, height: F.height))
        #expect(read.hopIndex == 2 && read.failingNode == F.dKey.publicKey && read.channelUpdate == nil)
        // The stored secrets read it the same after a restart.
        #expect(PaymentAttempt.failure(from: .onion(back), hopSecrets: PaymentAttempt.secrets(stored: attempt.storedSecrets)) == read)
        // A hop that forgets its layer leaves the failure unreadable.
        #expect(attempt.failure(from: .onion(HTLCForwarder.relayFailure(reason, sharedSecret: b.sharedSecret))).code == "unreadable_failure")
    }

    @Test func aHopThatKeepsTooMuchIsCaughtByThePayee() throws {
        // C sends D one msat less than the onion says: D reports the HTLC's amount.
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        let c = try F.atC(b)
        let toD = try #require(c.outgoing)
        let short = MilliSatoshi(toD.amount.value - 1)
        let htlc = CommitmentHTLC(id: 2, direction: .received, amount: short, paymentHash: F.paymentHash, cltvExpiry: toD.cltvExpiry)
        let action = IncomingHTLCPolicy.decide(htlc, onion: toD.onion, nodeKey: F.dKey, currentHeight: F.height, now: F.now) { _ in F.invoice() }
        guard case .fail(let reason, _) = action else {
            Issue.record("D did not fail")
            return
        }
        let read = attempt.failure(from: .onion(HTLCForwarder.relayFailure(HTLCForwarder.relayFailure(reason, sharedSecret: c.sharedSecret),
                                                                    sharedSecret: b.sharedSecret)))
        #expect(read.failure == .finalIncorrectHTLCAmount(incomingHTLCAmount: short) && read.hopIndex == 2)
    }

    @Test func anOnionTamperedOnTheWayToCIsReportedByB() throws {
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        let toC = try #require(b.outgoing)
        var bytes = toC.onion.bytes
        bytes[700] ^= 0x10
        let tampered = try OnionRoutingPacket(bytes)
        let htlc = CommitmentHTLC(id: 4, direction: .received, amount: toC.amount, paymentHash: F.paymentHash, cltvExpiry: toC.cltvExpiry)

        // C cannot read it: update_fail_malformed_htlc, with the hash of what C received.
        let action = IncomingHTLCPolicy.decide(htlc, onion: tampered, nodeKey: F.cKey, currentHeight: F.height, now: F.now) { _ in nil }
        let received = tampered.sha256
        #expect(action == .failMalformed(sha256OfOnion: received, failureCode: 0xC005))

        // B makes it a failure of its own (BOLT 2), which the payer reads as B's, about C.
        let reason = HTLCForwarder.relayMalformed(sha256OfOnion: received, failureCode: 0xC005, sharedSecret: b.sharedSecret)
        let read = attempt.failure(from: .onion(reason))
        #expect(read.code == "invalid_onion_hmac" && read.failure == .invalidOnionHMAC(sha256OfOnion: received))
        #expect(read.hopIndex == 0 && read.failingNode == F.bKey.publicKey)
        #expect(read.unreadableOnionHopIndex == 1 && read.message.contains(F.cKey.publicKey.hex))
        #expect(read.failure?.isBadOnion == true && read.failure?.isPermanent == true && read.channelUpdate == nil)
    }

    @Test func anOnionTamperedOnTheWayToDIsReportedByCThroughB() throws {
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        let c = try F.atC(b)
        let toD = try #require(c.outgoing)
        var bytes = toD.onion.bytes
        bytes[0] = 1  // an onion version D does not know
        let tampered = try OnionRoutingPacket(bytes)
        let htlc = CommitmentHTLC(id: 5, direction: .received, amount: toD.amount, paymentHash: F.paymentHash, cltvExpiry: toD.cltvExpiry)
        let action = IncomingHTLCPolicy.decide(htlc, onion: tampered, nodeKey: F.dKey, currentHeight: F.height, now: F.now) { _ in F.invoice() }
        guard case .failMalformed(let sha256, let code) = action else {
            Issue.record("D did not answer malformed")
            return
        }
        #expect(code == 0xC004)
        let fromC = HTLCForwarder.relayMalformed(sha256OfOnion: sha256, failureCode: code, sharedSecret: c.sharedSecret)
        let read = attempt.failure(from: .onion(HTLCForwarder.relayFailure(fromC, sharedSecret: b.sharedSecret)))
        #expect(read.failure == .invalidOnionVersion(sha256OfOnion: tampered.sha256))
        #expect(read.hopIndex == 1 && read.failingNode == F.cKey.publicKey && read.unreadableOnionHopIndex == 2)
    }

    @Test func aMalformedCodeWithoutAMeaningIsRelayedAsGiven() throws {
        // BOLT 2: the failure carries the code given and the hash as its data.
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        let hash = try Hash32([UInt8](repeating: 0x99, count: 32))
        let read = attempt.failure(from: .onion(HTLCForwarder.relayMalformed(sha256OfOnion: hash, failureCode: 0xC0FF, sharedSecret: b.sharedSecret)))
        #expect(read.failure == .unknown(code: 0xC0FF, data: hash.bytes) && read.hopIndex == 0)
    }

    @Test func aForwardTheChannelRefusedAfterAllFailsBack() throws {
        let attempt = try F.attempt()
        let b = try F.atB(attempt)
        guard case .fail(let reason, _) = HTLCForwarder.fail(.temporaryChannelFailure(channelUpdate: F.bUpdate), sharedSecret: b.sharedSecret) else {
            Issue.record("not a failure")
            return
        }
        let read = attempt.failure(from: .onion(reason))
        #expect(read.code == "temporary_channel_failure" && read.hopIndex == 0 && read.channelUpdate == F.bUpdate)
    }
}
