import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `IncomingPaymentSet`: the parts of a multi-part payment to the invoice of
/// `IncomingHTLCPolicyTests` (50_000 sat), each a real HTLC whose onion the payee peeled.
@Suite struct IncomingPaymentSetTests {
    typealias P = IncomingHTLCPolicyTests

    static let start: UInt64 = P.now
    static let total = P.invoiceAmount

    /// A part: its payer's attempt (to read a failure back) and what `decide` made of it.
    struct Part {
        let attempt: PaymentAttempt
        let part: IncomingPaymentPart
    }

    /// `msat` of a payment of `total`, on channel `channel` as HTLC `id`, arriving at `arrivedAt`.
    static func part(_ msat: UInt64, total: MilliSatoshi = total, channel: UInt64 = 1, id: UInt64,
                     arrivedAt: UInt64 = start, sourceLocation: SourceLocation = #_sourceLocation) throws -> Part {
        let hop = PaymentRouteHop(nodeID: P.payeeKey.publicKey, shortChannelID: nil, amount: MilliSatoshi(msat), cltvExpiryDelta: 40)
        let recipient = PaymentRecipient(proof: .paymentSecret(P.paymentSecret, totalAmount: total), minFinalCLTVExpiry: P.minFinalCLTVExpiry)
        // Each part its own session key, as a payer makes them.
        let session = try PrivateKey(secretBytes: [UInt8](repeating: UInt8(truncatingIfNeeded: 0x80 + id), count: 32))
        let attempt = try PaymentAttempt(hops: [hop], paymentHash: P.paymentHash, recipient: recipient, currentHeight: P.height, sessionKey: session)
        let htlc = CommitmentHTLC(id: id, direction: .received, amount: MilliSatoshi(msat), paymentHash: P.paymentHash, cltvExpiry: attempt.firstHopExpiry)
        let action = P.decide(htlc, onion: attempt.onion, now: arrivedAt)
        guard case .addPart(let data, let secret) = action else {
            Issue.record("not a part: \(action)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return Part(attempt: attempt, part: IncomingPaymentPart(channel: channel, htlc: htlc, paymentData: data, sharedSecret: secret, arrivedAt: arrivedAt))
    }

    static func fulfilment(_ part: Part) -> IncomingPartAnswer {
        IncomingPartAnswer(channel: part.part.channel, htlcID: part.part.htlcID, action: .fulfill(P.preimage, received: part.part.amount))
    }

    /// `answer` fails `part` with `code`, which its payer reads as the payee's.
    static func expectFailure(_ answer: IncomingPartAnswer?, of part: Part, _ expected: OnionFailure,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard let answer, case .fail(let reason, let failure) = answer.action else {
            Issue.record("not a failure: \(String(describing: answer))", sourceLocation: sourceLocation)
            return
        }
        #expect(answer.channel == part.part.channel && answer.htlcID == part.part.htlcID, sourceLocation: sourceLocation)
        #expect(failure == expected, sourceLocation: sourceLocation)
        let read = part.attempt.failure(from: .onion(reason))
        #expect(read.failure == expected && read.hopIndex == 0 && read.failingNode == P.payeeKey.publicKey, sourceLocation: sourceLocation)
    }

    static func unknown(_ part: Part) -> OnionFailure {
        .incorrectOrUnknownPaymentDetails(htlcAmount: part.part.amount, height: P.height)
    }

    // MARK: Completing

    @Test func twoPartsThatAddUpAreFulfilledTogether() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(20_000_000, channel: 1, id: 0)
        let two = try Self.part(30_000_000, channel: 2, id: 5, arrivedAt: Self.start + 10)
        #expect(set.add(one.part, currentHeight: P.height, now: Self.start).isEmpty)
        #expect(set.state == .collecting && set.received == MilliSatoshi(20_000_000) && set.deadline == Self.start + 60)
        #expect(set.add(two.part, currentHeight: P.height, now: Self.start + 10) == [Self.fulfilment(one), Self.fulfilment(two)])
        #expect(set.state == .completed && set.received == Self.total && set.deadline == nil)
        // Completed, nothing times out.
        #expect(set.expire(now: Self.start + 1000).isEmpty)
        #expect(set.cancel(currentHeight: P.height).isEmpty && set.parts.count == 2)
    }

    @Test func theLastPartMayOvershootTheTotal() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(30_000_000, id: 0), two = try Self.part(30_000_000, id: 1)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        #expect(set.add(two.part, currentHeight: P.height, now: Self.start) == [Self.fulfilment(one), Self.fulfilment(two)])
        #expect(set.received == MilliSatoshi(60_000_000))
    }

    @Test func aPartThatWouldPayMoreThanTwiceTheInvoiceFailsAlone() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        // A total of twice the invoice, which parts must not exceed either.
        let twice = MilliSatoshi(2 * Self.total.value)
        let one = try Self.part(40_000_000, total: twice, id: 0), tooMuch = try Self.part(60_000_001, total: twice, id: 1)
        let rest = try Self.part(60_000_000, total: twice, id: 2)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        let answers = set.add(tooMuch.part, currentHeight: P.height, now: Self.start)
        #expect(answers.count == 1)
        Self.expectFailure(answers.first, of: tooMuch, Self.unknown(tooMuch))
        #expect(set.add(rest.part, currentHeight: P.height, now: Self.start) == [Self.fulfilment(one), Self.fulfilment(rest)])
    }

    @Test func anHTLCPayingTheWholeTotalCompletesAlone() throws {
        // What a node holding a set does with a whole HTLC for the same hash: it joins the set.
        var set = IncomingPaymentSet(invoice: P.terms())
        let whole = IncomingPaymentPart(channel: 3, htlcID: 9, amount: Self.total, cltvExpiry: P.height + 40, totalAmount: Self.total,
                                        paymentSecret: P.paymentSecret, sharedSecret: .zero, arrivedAt: Self.start)
        #expect(set.add(whole, currentHeight: P.height, now: Self.start)
            == [IncomingPartAnswer(channel: 3, htlcID: 9, action: .fulfill(P.preimage, received: Self.total))])
    }

    // MARK: Parts that do not belong

    @Test func aPartWithAnotherTotalFailsAndTheOthersWait() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(20_000_000, id: 0)
        let other = try Self.part(30_000_000, total: MilliSatoshi(60_000_000), id: 1)
        let rest = try Self.part(30_000_000, id: 2)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        let answers = set.add(other.part, currentHeight: P.height, now: Self.start + 1)
        #expect(answers.count == 1)
        Self.expectFailure(answers.first, of: other, Self.unknown(other))
        #expect(set.parts == [one.part] && set.received == MilliSatoshi(20_000_000))
        #expect(set.add(rest.part, currentHeight: P.height, now: Self.start + 2) == [Self.fulfilment(one), Self.fulfilment(rest)])
    }

    @Test func aPartWithAnotherSecretOrATotalTheInvoiceRefusesFails() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let good = try Self.part(20_000_000, id: 0)
        let forged = IncomingPaymentPart(channel: 1, htlcID: 1, amount: MilliSatoshi(30_000_000), cltvExpiry: P.height + 40, totalAmount: Self.total,
                                         paymentSecret: try Bytes32([UInt8](repeating: 0x5f, count: 32)), sharedSecret: good.part.sharedSecret,
                                         arrivedAt: Self.start)
        let tooLittle = IncomingPaymentPart(channel: 1, htlcID: 2, amount: MilliSatoshi(30_000_000), cltvExpiry: P.height + 40,
                                            totalAmount: MilliSatoshi(Self.total.value - 1), paymentSecret: P.paymentSecret,
                                            sharedSecret: good.part.sharedSecret, arrivedAt: Self.start)
        for part in [forged, tooLittle] {
            var fresh = set
            let answers = fresh.add(part, currentHeight: P.height, now: Self.start)
            #expect(answers.count == 1 && answers.first?.htlcID == part.htlcID)
            guard case .fail(_, let failure)? = answers.first?.action else {
                Issue.record("not failed")
                continue
            }
            #expect(failure == .incorrectOrUnknownPaymentDetails(htlcAmount: part.amount, height: P.height))
            #expect(fresh.parts.isEmpty)
        }
        _ = set.add(good.part, currentHeight: P.height, now: Self.start)
        #expect(set.parts == [good.part])
    }

    @Test func aPartAfterTheSetCompletedFails() throws {
        // BOLT 4 lets a paid hash be treated as unknown; the late part's money goes back.
        var set = IncomingPaymentSet(invoice: P.terms(amount: nil))
        let one = try Self.part(20_000_000, id: 0), two = try Self.part(30_000_000, id: 1), late = try Self.part(10_000_000, id: 2)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        _ = set.add(two.part, currentHeight: P.height, now: Self.start)
        let answers = set.add(late.part, currentHeight: P.height, now: Self.start + 1)
        #expect(answers.count == 1)
        Self.expectFailure(answers.first, of: late, Self.unknown(late))
        #expect(set.parts.count == 2 && set.received == Self.total)
        // A part of the set decided again (after a restart) is fulfilled again.
        #expect(set.add(two.part, currentHeight: P.height, now: Self.start + 5) == [Self.fulfilment(two)])
    }

    @Test func aPartAddedTwiceCountsOnce() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(30_000_000, id: 0)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        #expect(set.add(one.part, currentHeight: P.height, now: Self.start + 1).isEmpty)
        #expect(set.parts.count == 1 && set.received == MilliSatoshi(30_000_000) && set.state == .collecting)
        // The same id on another channel is another HTLC.
        let elsewhere = try Self.part(30_000_000, channel: 2, id: 0)
        #expect(set.add(elsewhere.part, currentHeight: P.height, now: Self.start + 2).count == 2)
    }

    // MARK: Time

    @Test func partsThatDoNotAddUpTimeOut() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(20_000_000, id: 0), two = try Self.part(10_000_000, id: 1, arrivedAt: Self.start + 30)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        _ = set.add(two.part, currentHeight: P.height, now: Self.start + 30)
        // 60 s after the first part, not the last.
        #expect(set.deadline == Self.start + 60)
        #expect(set.expire(now: Self.start + 59).isEmpty)
        let answers = set.expire(now: Self.start + 60)
        #expect(answers.count == 2)
        Self.expectFailure(answers.first, of: one, .mppTimeout)
        Self.expectFailure(answers.last, of: two, .mppTimeout)
        #expect(set.parts.isEmpty && set.received == .zero && set.deadline == nil && set.state == .collecting)
        #expect(set.expire(now: Self.start + 120).isEmpty)
    }

    @Test func aPartAfterTheDeadlineStartsAnew() throws {
        var set = IncomingPaymentSet(invoice: P.terms(), timeout: 30)
        let one = try Self.part(20_000_000, id: 0)
        let retry = try Self.part(20_000_000, id: 1, arrivedAt: Self.start + 31)
        let rest = try Self.part(30_000_000, id: 2, arrivedAt: Self.start + 40)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        // The node's timer was late: the held part times out first, the new one is held.
        let answers = set.add(retry.part, currentHeight: P.height, now: Self.start + 31)
        #expect(answers.count == 1)
        Self.expectFailure(answers.first, of: one, .mppTimeout)
        #expect(set.parts == [retry.part] && set.deadline == Self.start + 61)
        #expect(set.add(rest.part, currentHeight: P.height, now: Self.start + 40) == [Self.fulfilment(retry), Self.fulfilment(rest)])
    }

    @Test func aCanceledSetFailsItsPartsAsUnknown() throws {
        var set = IncomingPaymentSet(invoice: P.terms())
        let one = try Self.part(20_000_000, id: 0)
        _ = set.add(one.part, currentHeight: P.height, now: Self.start)
        let answers = set.cancel(currentHeight: P.height)
        #expect(answers.count == 1)
        Self.expectFailure(answers.first, of: one, Self.unknown(one))
        #expect(set.parts.isEmpty)
    }
}
