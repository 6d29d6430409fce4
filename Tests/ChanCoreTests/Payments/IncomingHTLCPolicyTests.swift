import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `IncomingHTLCPolicy` as the payee, fed real onions built by `PaymentAttempt.direct`, and
/// the payer reading each answer back with the attempt (`PaymentAttempt.failure(from:)`).
@Suite struct IncomingHTLCPolicyTests {
    static let payeeKey = try! PrivateKey(secretBytes: [UInt8](repeating: 0x11, count: 32))
    static let otherNodeKey = try! PrivateKey(secretBytes: [UInt8](repeating: 0x22, count: 32))
    static let sessionKey = try! PrivateKey(secretBytes: [UInt8](repeating: 0x33, count: 32))
    static let preimage = try! Preimage(bytes: [UInt8](repeating: 0x42, count: 32))
    static let paymentHash = preimage.hash
    static let paymentSecret = try! Bytes32([UInt8](repeating: 0x5e, count: 32))
    static let invoiceAmount = MilliSatoshi(50_000_000)
    static let height: UInt32 = 800_000
    static let minFinalCLTVExpiry: UInt32 = 18
    static let now: UInt64 = 1_700_000_000
    static let expiresAt: UInt64 = now + 3600

    static func terms(secret: Bytes32 = paymentSecret, amount: MilliSatoshi? = invoiceAmount, expiresAt: UInt64 = expiresAt,
                      isOpen: Bool = true) -> InvoiceTerms {
        InvoiceTerms(paymentHash: paymentHash, preimage: preimage, paymentSecret: secret, amount: amount,
                     expiresAt: expiresAt, minFinalCLTVExpiry: minFinalCLTVExpiry, isOpen: isOpen)
    }

    static func attempt(amount: MilliSatoshi = invoiceAmount, secret: Bytes32 = paymentSecret,
                        finalExpiry: UInt32 = height + 40) throws -> PaymentAttempt {
        try PaymentAttempt.direct(to: payeeKey.publicKey, amount: amount, paymentHash: paymentHash, paymentSecret: secret,
                                  finalExpiry: finalExpiry, sessionKey: sessionKey)
    }

    /// The HTLC that carries `attempt` (its first hop's amount and expiry), with changes.
    static func htlc(for attempt: PaymentAttempt, amount: MilliSatoshi? = nil, expiry: UInt32? = nil,
                     paymentHash: PaymentHash? = nil) -> CommitmentHTLC {
        CommitmentHTLC(id: 3, direction: .received, amount: amount ?? attempt.firstHopAmount,
                       paymentHash: paymentHash ?? attempt.paymentHash, cltvExpiry: expiry ?? attempt.firstHopExpiry)
    }

    static func decide(_ htlc: CommitmentHTLC, onion: OnionRoutingPacket, nodeKey: PrivateKey = payeeKey,
                       now: UInt64 = now, invoice: InvoiceTerms? = terms()) -> IncomingHTLCAction {
        IncomingHTLCPolicy.decide(htlc, onion: onion, nodeKey: nodeKey, currentHeight: height, now: now) { hash in
            hash == invoice?.paymentHash ? invoice : nil
        }
    }

    /// `action` fails the HTLC with `expected`, and the payer reads it as `code` from the payee, hop 0.
    static func expectFailure(_ action: IncomingHTLCAction, _ expected: OnionFailure, code: String, attempt: PaymentAttempt,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .fail(let reason, let failure) = action else {
            Issue.record("expected a failure, got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure == expected, sourceLocation: sourceLocation)
        #expect(failure.name == code, sourceLocation: sourceLocation)
        let read = attempt.failure(from: .onion(reason))
        #expect(read.code == code, sourceLocation: sourceLocation)
        #expect(read.hopIndex == 0, sourceLocation: sourceLocation)
        #expect(read.failingNode == payeeKey.publicKey, sourceLocation: sourceLocation)
        #expect(read.message.contains(payeeKey.publicKey.hex), sourceLocation: sourceLocation)
    }

    static func expectUnknownDetails(_ action: IncomingHTLCAction, htlc: CommitmentHTLC, attempt: PaymentAttempt,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        expectFailure(action, .incorrectOrUnknownPaymentDetails(htlcAmount: htlc.amount, height: height),
                      code: "incorrect_or_unknown_payment_details", attempt: attempt, sourceLocation: sourceLocation)
    }

    // MARK: Fulfilled

    @Test func anHTLCThatPaysAnOpenInvoiceIsFulfilled() throws {
        let attempt = try Self.attempt()
        #expect(attempt.amount == Self.invoiceAmount && attempt.firstHopAmount == Self.invoiceAmount)
        #expect(attempt.firstHopExpiry == Self.height + 40)
        #expect(attempt.hopSecrets.count == 1 && attempt.hopSecrets[0].nodeID == Self.payeeKey.publicKey)
        let htlc = Self.htlc(for: attempt)
        #expect(Self.decide(htlc, onion: attempt.onion) == .fulfill(Self.preimage, received: Self.invoiceAmount))
    }

    @Test func theBoundsThatStillPay() throws {
        // Exactly twice the amount.
        let twice = try Self.attempt(amount: MilliSatoshi(2 * Self.invoiceAmount.value))
        #expect(Self.decide(Self.htlc(for: twice), onion: twice.onion) == .fulfill(Self.preimage, received: MilliSatoshi(100_000_000)))
        // Expiring exactly min_final_cltv_expiry blocks above the tip.
        let tight = try Self.attempt(finalExpiry: Self.height + Self.minFinalCLTVExpiry)
        #expect(Self.decide(Self.htlc(for: tight), onion: tight.onion) == .fulfill(Self.preimage, received: Self.invoiceAmount))
        // One second before the invoice expires.
        let attempt = try Self.attempt()
        #expect(Self.decide(Self.htlc(for: attempt), onion: attempt.onion, now: Self.expiresAt - 1)
            == .fulfill(Self.preimage, received: Self.invoiceAmount))
    }

    @Test func anInvoiceOfAnyAmountTakesAnyAmount() throws {
        let attempt = try Self.attempt(amount: MilliSatoshi(1234))
        let action = Self.decide(Self.htlc(for: attempt), onion: attempt.onion, invoice: Self.terms(amount: nil))
        #expect(action == .fulfill(Self.preimage, received: MilliSatoshi(1234)))
    }

    @Test func anHTLCCarryingMoreThanThePayloadIsReceivedWhole() throws {
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt, amount: MilliSatoshi(Self.invoiceAmount.value + 7))
        #expect(Self.decide(htlc, onion: attempt.onion) == .fulfill(Self.preimage, received: MilliSatoshi(50_000_007)))
    }

    // MARK: incorrect_or_unknown_payment_details

    @Test func anUnknownInvoice() throws {
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion, invoice: nil), htlc: htlc, attempt: attempt)
    }

    @Test func aWrongPaymentSecret() throws {
        let attempt = try Self.attempt(secret: try Bytes32([UInt8](repeating: 0x5f, count: 32)))
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
    }

    @Test func anInvoiceAlreadyPaid() throws {
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion, invoice: Self.terms(isOpen: false)), htlc: htlc, attempt: attempt)
    }

    @Test func anExpiredInvoice() throws {
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion, now: Self.expiresAt), htlc: htlc, attempt: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion, now: Self.expiresAt + 86_400), htlc: htlc, attempt: attempt)
    }

    @Test func anAmountBelowTheInvoice() throws {
        let attempt = try Self.attempt(amount: MilliSatoshi(Self.invoiceAmount.value - 1))
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
    }

    @Test func anAmountAboveTwiceTheInvoice() throws {
        let attempt = try Self.attempt(amount: MilliSatoshi(2 * Self.invoiceAmount.value + 1))
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
    }

    @Test func anHTLCExpiringTooSoon() throws {
        for expiry in [Self.height + Self.minFinalCLTVExpiry - 1, Self.height + 1, Self.height] {
            let attempt = try Self.attempt(finalExpiry: expiry)
            let htlc = Self.htlc(for: attempt)
            Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
        }
    }

    @Test func aPayloadWithoutPaymentData() throws {
        let finalExpiry = Self.height + 40
        let payload = FinalHopPayload(amountToForward: Self.invoiceAmount, outgoingCLTVValue: finalExpiry)
        let built = try Sphinx.build(sessionKey: Self.sessionKey, hops: [try OnionHop(nodeID: Self.payeeKey.publicKey, payload: .final(payload))],
                                     associatedData: Self.paymentHash.bytes)
        let htlc = CommitmentHTLC(id: 0, direction: .received, amount: Self.invoiceAmount, paymentHash: Self.paymentHash, cltvExpiry: finalExpiry)
        guard case .fail(let reason, let failure) = Self.decide(htlc, onion: built.packet) else {
            Issue.record("not failed")
            return
        }
        #expect(failure == .incorrectOrUnknownPaymentDetails(htlcAmount: Self.invoiceAmount, height: Self.height))
        #expect(PaymentAttempt.failure(from: .onion(reason), hopSecrets: built.hopSecrets).code == "incorrect_or_unknown_payment_details")
    }

    // MARK: Multi-part payments

    /// An attempt carrying `amount` of a payment of `total`.
    static func part(amount: MilliSatoshi, total: MilliSatoshi, secret: Bytes32 = paymentSecret) throws -> PaymentAttempt {
        let hop = PaymentRouteHop(nodeID: payeeKey.publicKey, shortChannelID: nil, amount: amount, cltvExpiryDelta: 40)
        return try PaymentAttempt(hops: [hop], paymentHash: paymentHash,
                                  recipient: PaymentRecipient(proof: .paymentSecret(secret, totalAmount: total), minFinalCLTVExpiry: minFinalCLTVExpiry),
                                  currentHeight: height, sessionKey: sessionKey)
    }

    @Test func aPartOfTheTotalGoesToItsSet() throws {
        let attempt = try Self.part(amount: MilliSatoshi(20_000_000), total: Self.invoiceAmount)
        let action = Self.decide(Self.htlc(for: attempt), onion: attempt.onion)
        guard case .addPart(let data, let secret) = action else {
            Issue.record("not a part: \(action)")
            return
        }
        #expect(data == PaymentData(paymentSecret: Self.paymentSecret, totalAmount: Self.invoiceAmount))
        #expect(secret == attempt.hopSecrets[0].sharedSecret)
        // Up to twice the invoice is still a payment of it.
        let twice = try Self.part(amount: MilliSatoshi(20_000_000), total: MilliSatoshi(2 * Self.invoiceAmount.value))
        guard case .addPart = Self.decide(Self.htlc(for: twice), onion: twice.onion) else {
            Issue.record("twice the invoice is not a part")
            return
        }
    }

    @Test func aPartIsJudgedOnItsTotal() throws {
        // The amount paid is `total_msat` (BOLT 4): below the invoice, above twice it, or with
        // another secret, the part fails at once, as one HTLC would.
        let below = try Self.part(amount: MilliSatoshi(20_000_000), total: MilliSatoshi(Self.invoiceAmount.value - 1))
        let above = try Self.part(amount: MilliSatoshi(20_000_000), total: MilliSatoshi(2 * Self.invoiceAmount.value + 1))
        let secret = try Self.part(amount: MilliSatoshi(20_000_000), total: Self.invoiceAmount, secret: try Bytes32([UInt8](repeating: 0x5f, count: 32)))
        for attempt in [below, above, secret] {
            let htlc = Self.htlc(for: attempt)
            Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
        }
        // An invoice of any amount takes any total.
        let any = try Self.part(amount: MilliSatoshi(20_000_000), total: MilliSatoshi(3 * Self.invoiceAmount.value))
        guard case .addPart = Self.decide(Self.htlc(for: any), onion: any.onion, invoice: Self.terms(amount: nil)) else {
            Issue.record("not a part")
            return
        }
    }

    @Test func aPartExpiringTooSoonFailsAtOnce() throws {
        let hop = PaymentRouteHop(nodeID: Self.payeeKey.publicKey, shortChannelID: nil, amount: MilliSatoshi(20_000_000), cltvExpiryDelta: 0)
        let attempt = try PaymentAttempt(hops: [hop], paymentHash: Self.paymentHash,
                                         recipient: PaymentRecipient(proof: .paymentSecret(Self.paymentSecret, totalAmount: Self.invoiceAmount),
                                                                     minFinalCLTVExpiry: Self.minFinalCLTVExpiry - 1),
                                         currentHeight: Self.height, sessionKey: Self.sessionKey)
        let htlc = Self.htlc(for: attempt)
        Self.expectUnknownDetails(Self.decide(htlc, onion: attempt.onion), htlc: htlc, attempt: attempt)
    }

    // MARK: The payload disagrees with the HTLC

    @Test func aPayloadAmountAboveTheHTLC() throws {
        let attempt = try Self.attempt()
        let short = MilliSatoshi(Self.invoiceAmount.value - 1)
        let htlc = Self.htlc(for: attempt, amount: short)
        Self.expectFailure(Self.decide(htlc, onion: attempt.onion), .finalIncorrectHTLCAmount(incomingHTLCAmount: short),
                           code: "final_incorrect_htlc_amount", attempt: attempt)
    }

    @Test func aPayloadExpiryAboveTheHTLC() throws {
        let attempt = try Self.attempt()
        let early = attempt.firstHopExpiry - 1
        let htlc = Self.htlc(for: attempt, expiry: early)
        Self.expectFailure(Self.decide(htlc, onion: attempt.onion), .finalIncorrectCLTVExpiry(cltvExpiry: early),
                           code: "final_incorrect_cltv_expiry", attempt: attempt)
    }

    @Test func anOnionThatForwardsIsHandedBackToForward() throws {
        let forward = ForwardingHopPayload(amountToForward: Self.invoiceAmount, outgoingCLTVValue: Self.height + 40,
                                           shortChannelID: ShortChannelID(rawValue: 700_000 << 40 | 1 << 16 | 1))
        let final = FinalHopPayload(amountToForward: Self.invoiceAmount, outgoingCLTVValue: Self.height + 40,
                                    paymentData: PaymentData(paymentSecret: Self.paymentSecret, totalAmount: Self.invoiceAmount))
        let built = try Sphinx.build(
            sessionKey: Self.sessionKey,
            hops: [try OnionHop(nodeID: Self.payeeKey.publicKey, payload: .forwarding(forward)),
                   try OnionHop(nodeID: Self.otherNodeKey.publicKey, payload: .final(final))],
            associatedData: Self.paymentHash.bytes)
        let htlc = CommitmentHTLC(id: 0, direction: .received, amount: MilliSatoshi(Self.invoiceAmount.value + 1000),
                                  paymentHash: Self.paymentHash, cltvExpiry: Self.height + 80)
        // Whatever the invoice: the HTLC is not ours to judge.
        for invoice in [Self.terms(), nil] {
            guard case .forward(let payload, let next, let secret) = Self.decide(htlc, onion: built.packet, invoice: invoice) else {
                Issue.record("not forwarded")
                return
            }
            #expect(payload == forward)
            #expect(secret == built.hopSecrets[0].sharedSecret)
            // The next onion is the next node's to read.
            let peeled = try Sphinx.peel(next, nodeKey: Self.otherNodeKey, associatedData: Self.paymentHash.bytes)
            #expect(peeled.hop == .final(final))
        }
        // The node without a forwarding step answers it as before: unknown_next_peer, from us.
        guard case .fail(let reason, let failure) = IncomingHTLCPolicy.failure(.unknownNextPeer, sharedSecret: built.hopSecrets[0].sharedSecret) else {
            Issue.record("not failed")
            return
        }
        #expect(failure == .unknownNextPeer)
        let read = PaymentAttempt.failure(from: .onion(reason), hopSecrets: built.hopSecrets)
        #expect(read.code == "unknown_next_peer" && read.hopIndex == 0 && read.failingNode == Self.payeeKey.publicKey)
    }

    // MARK: Unreadable onions

    @Test func aTamperedOnionIsMalformed() throws {
        let attempt = try Self.attempt()
        var bytes = attempt.onion.bytes
        bytes[100] ^= 0x01  // inside the hop payloads: the HMAC no longer matches
        let tampered = try OnionRoutingPacket(bytes)
        let action = Self.decide(Self.htlc(for: attempt), onion: tampered)
        // BADONION | PERM | 5: invalid_onion_hmac, with the hash of the onion as received.
        let received = try Hash32(SHA256.hash(bytes))
        #expect(action == .failMalformed(sha256OfOnion: received, failureCode: 0xC005))
        #expect(received != attempt.onion.sha256)
    }

    @Test func anOnionOfAnotherVersionIsMalformed() throws {
        let attempt = try Self.attempt()
        var bytes = attempt.onion.bytes
        bytes[0] = 1
        let action = Self.decide(Self.htlc(for: attempt), onion: try OnionRoutingPacket(bytes))
        let received = try Hash32(SHA256.hash(bytes))
        #expect(action == .failMalformed(sha256OfOnion: received, failureCode: 0xC004))
    }

    @Test func anOnionForAnotherHashIsMalformed() throws {
        // The HMAC covers the payment hash: an onion moved to another HTLC does not verify.
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt, paymentHash: try PaymentHash(bytes: [UInt8](repeating: 0x77, count: 32)))
        let received = try Hash32(SHA256.hash(attempt.onion.bytes))
        #expect(Self.decide(htlc, onion: attempt.onion) == .failMalformed(sha256OfOnion: received, failureCode: 0xC005))
    }

    @Test func anOnionForAnotherNodeIsMalformed() throws {
        let attempt = try Self.attempt()
        let action = Self.decide(Self.htlc(for: attempt), onion: attempt.onion, nodeKey: Self.otherNodeKey)
        let received = try Hash32(SHA256.hash(attempt.onion.bytes))
        #expect(action == .failMalformed(sha256OfOnion: received, failureCode: 0xC005))
    }

    // MARK: refusal

    @Test func aRefusalFailsAsUnknownWhateverTheHTLCCarries() throws {
        let attempt = try Self.attempt()
        let htlc = Self.htlc(for: attempt)
        let refusal = IncomingHTLCPolicy.refusal(of: htlc, onion: attempt.onion, nodeKey: Self.payeeKey, currentHeight: Self.height)
        Self.expectUnknownDetails(refusal, htlc: htlc, attempt: attempt)
        // An onion it cannot read is refused as malformed all the same.
        var bytes = attempt.onion.bytes
        bytes[500] ^= 0x80
        let malformed = IncomingHTLCPolicy.refusal(of: htlc, onion: try OnionRoutingPacket(bytes), nodeKey: Self.payeeKey, currentHeight: Self.height)
        let received = try Hash32(SHA256.hash(bytes))
        #expect(malformed == .failMalformed(sha256OfOnion: received, failureCode: 0xC005))
    }
}

/// `PaymentAttempt`: what the payer stores of a route, and how it reads what came back.
@Suite struct PaymentAttemptTests {
    static func attempt() throws -> PaymentAttempt { try IncomingHTLCPolicyTests.attempt() }

    @Test func storedSecretsRoundTrip() throws {
        let attempt = try Self.attempt()
        let stored = attempt.storedSecrets
        #expect(stored.count == 65)
        #expect(Array(stored[..<33]) == IncomingHTLCPolicyTests.payeeKey.publicKey.compressed)
        #expect(Array(stored[33...]) == attempt.hopSecrets[0].sharedSecret.bytes)
        #expect(PaymentAttempt.secrets(stored: stored) == attempt.hopSecrets)
    }

    @Test func storedSecretsOfALongerRouteRoundTrip() throws {
        let keys = try (1...4).map { try PrivateKey(secretBytes: [UInt8](repeating: UInt8(0x60 + $0), count: 32)) }
        let final = FinalHopPayload(amountToForward: MilliSatoshi(1000), outgoingCLTVValue: 800_100)
        var hops: [OnionHop] = []
        for (index, key) in keys.enumerated() {
            let payload: HopPayload = index == keys.count - 1 ? .final(final)
                : .forwarding(ForwardingHopPayload(amountToForward: MilliSatoshi(1000), outgoingCLTVValue: 800_100,
                                                   shortChannelID: ShortChannelID(rawValue: UInt64(index + 1) << 40)))
            hops.append(try OnionHop(nodeID: key.publicKey, payload: payload))
        }
        let built = try Sphinx.build(sessionKey: IncomingHTLCPolicyTests.sessionKey, hops: hops,
                                     associatedData: IncomingHTLCPolicyTests.paymentHash.bytes)
        let stored = built.hopSecrets.flatMap { $0.nodeID.compressed + $0.sharedSecret.bytes }
        #expect(stored.count == 4 * 65)
        #expect(PaymentAttempt.secrets(stored: stored) == built.hopSecrets)
    }

    @Test func tooFewStoredBytesGiveNoSecrets() {
        #expect(PaymentAttempt.secrets(stored: []).isEmpty)
        #expect(PaymentAttempt.secrets(stored: [UInt8](repeating: 2, count: 64)).isEmpty)
    }

    @Test func theStoredSecretsReadAFailureAsTheAttemptDoes() throws {
        let attempt = try Self.attempt()
        let htlc = IncomingHTLCPolicyTests.htlc(for: attempt)
        guard case .fail(let reason, _) = IncomingHTLCPolicyTests.decide(htlc, onion: attempt.onion, invoice: nil) else {
            Issue.record("not failed")
            return
        }
        let restored = PaymentAttempt.failure(from: .onion(reason), hopSecrets: PaymentAttempt.secrets(stored: attempt.storedSecrets))
        #expect(restored == attempt.failure(from: .onion(reason)))
        #expect(restored.code == "incorrect_or_unknown_payment_details")
        // Another route's secrets cannot read it.
        let other = try PaymentAttempt.direct(to: IncomingHTLCPolicyTests.otherNodeKey.publicKey, amount: MilliSatoshi(1000),
                                              paymentHash: attempt.paymentHash, paymentSecret: IncomingHTLCPolicyTests.paymentSecret,
                                              finalExpiry: 800_040, sessionKey: IncomingHTLCPolicyTests.sessionKey)
        let unread = other.failure(from: .onion(reason))
        #expect(unread.code == "unreadable_failure" && unread.hopIndex == nil && unread.failingNode == nil)
    }

    @Test func aLocalFailureIsTheChannelsOwnText() throws {
        let attempt = try Self.attempt()
        for text in ["disconnected before it was signed", "timed out on the ledger", "x"] {
            let failure = attempt.failure(from: .local(text))
            #expect(failure == PaymentFailure(code: "htlc_failed", message: text, hopIndex: nil, failingNode: nil))
        }
    }

    @Test func aMalformedFailureIsTheFirstHops() throws {
        let attempt = try Self.attempt()
        let code = OnionFailure.invalidOnionHMAC(sha256OfOnion: attempt.onion.sha256).code
        let failure = attempt.failure(from: .malformed(sha256OfOnion: attempt.onion.sha256, failureCode: code))
        #expect(failure.code == "invalid_onion_hmac")
        #expect(failure.hopIndex == 0 && failure.failingNode == IncomingHTLCPolicyTests.payeeKey.publicKey)
        #expect(failure.failure == .invalidOnionHMAC(sha256OfOnion: attempt.onion.sha256))
        // The peer itself could not read it, not a hop after it.
        #expect(failure.failingNodeCouldNotReadOnion && failure.unreadableOnionHopIndex == 0)
    }

    @Test func theAttemptIsDeterministicForItsSessionKey() throws {
        let one = try Self.attempt(), two = try Self.attempt()
        #expect(one == two)
        let other = try PaymentAttempt.direct(to: IncomingHTLCPolicyTests.payeeKey.publicKey, amount: IncomingHTLCPolicyTests.invoiceAmount,
                                              paymentHash: IncomingHTLCPolicyTests.paymentHash, paymentSecret: IncomingHTLCPolicyTests.paymentSecret,
                                              finalExpiry: 800_040, sessionKey: IncomingHTLCPolicyTests.otherNodeKey)
        #expect(other.onion != one.onion && other.hopSecrets != one.hopSecrets)
    }
}
