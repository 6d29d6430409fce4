import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `PaymentSession` driven as a node drives it: plan, launch, read what comes back, learn,
/// retry, split; on small graphs with real keys, failures made by the failing hop.
@Suite struct PaymentSessionTests {
    typealias S = SessionFixture
    typealias F = ForwardingFixture

    // MARK: One route

    @Test func aDirectPaymentIsOneHopWithoutFee() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.d, base: 9999)
        let built = graph.build()
        var session = try S.session()
        var missionControl = MissionControl()
        let attempts = try S.launch(&session, built, missionControl)
        let attempt = try #require(attempts.first)
        #expect(attempts.count == 1 && attempt.id == 1 && attempt.isInFlight)
        #expect(attempt.channels == ["700001x1x0"] && attempt.fee == .zero)
        #expect(attempt.htlc.firstHopChannel == attempt.route.hops[0].shortChannelID)
        #expect(attempt.htlc.firstHopAmount == F.amount)
        // min_final_cltv_expiry + 2 blocks of margin.
        #expect(attempt.htlc.firstHopExpiry == S.height + F.minFinalCLTVExpiry + 2)
        #expect(try S.payloads(of: attempt, keys: [S.d]) == [
            .final(FinalHopPayload(amountToForward: F.amount, outgoingCLTVValue: S.height + 20,
                                   paymentData: PaymentData(paymentSecret: F.paymentSecret, totalAmount: F.amount))),
        ])
        // Nothing more to send while it is out.
        #expect(S.plan(&session, built, missionControl) == .wait)
        #expect(session.amountInFlight == F.amount && !session.isOver)

        #expect(session.attemptSucceeded(id: attempt.id, preimage: F.preimage, now: S.start + .seconds(1), missionControl: &missionControl))
        #expect(session.state == .succeeded(preimage: F.preimage, fee: .zero) && session.isOver)
        #expect(session.attempts[0].status == .succeeded && session.attempts[0].resolvedAt == S.start + .seconds(1))
        #expect(S.plan(&session, built, missionControl) == .succeeded(preimage: F.preimage, fee: .zero))
        #expect(missionControl.bounds(S.side(attempt.route.hops[0]), at: S.start + .seconds(1))?.lower == F.amount)
    }

    @Test func threeHopsCarryExactlyTheirFees() throws {
        // A -> B -> C -> D: C keeps 2500 + 50_000_000 * 2000 / 1e6, B 1000 + 50_102_500 * 100 / 1e6 (rounded down).
        var session = try S.session()
        var missionControl = MissionControl()
        let attempts = try S.launch(&session, F.graph(), missionControl)
        let attempt = try #require(attempts.first)
        #expect(attempts.count == 1)
        #expect(attempt.channels == [F.ab, F.bc, F.cd].map(\.description))
        #expect(attempt.route.hops.map(\.amount.value) == [50_108_510, 50_102_500, 50_000_000])
        #expect(attempt.route.hops.map(\.fee.value) == [6010, 102_500, 0])
        #expect(attempt.route.hops.map(\.cltvExpiryDelta) == [40, 80, 20])
        #expect(attempt.amount == F.amount && attempt.fee == MilliSatoshi(108_510))
        #expect(attempt.htlc.firstHopAmount == MilliSatoshi(50_108_510) && attempt.htlc.firstHopExpiry == S.height + 140)

        // B and C forward under their policies, D finds its invoice paid.
        let b = try F.atB(attempt.htlc)
        #expect(b.outgoing?.amount == MilliSatoshi(50_102_500) && b.outgoing?.cltvExpiry == S.height + 100)
        let c = try F.atC(b)
        let toD = try #require(c.outgoing)
        #expect(toD.amount == F.amount && toD.cltvExpiry == S.height + 20)
        let htlc = CommitmentHTLC(id: 1, direction: .received, amount: toD.amount, paymentHash: F.paymentHash, cltvExpiry: toD.cltvExpiry)
        let action = IncomingHTLCPolicy.decide(htlc, onion: toD.onion, nodeKey: F.dKey, currentHeight: S.height, now: F.now) { _ in
            F.invoice()
        }
        #expect(action == .fulfill(F.preimage, received: F.amount))

        session.attemptSucceeded(id: attempt.id, preimage: F.preimage, now: S.start, missionControl: &missionControl)
        #expect(session.state == .succeeded(preimage: F.preimage, fee: MilliSatoshi(108_510)) && session.feePaid == MilliSatoshi(108_510))
    }

    /// A -> B -> C -> D (fees 1000 + 1000) or A -> B -> E -> D (5000 + 5000).
    private static func twoWaysFromB() -> ChannelGraph {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.b)
        graph.channel("700002x1x0", S.b, S.c, base: 1000)
        graph.channel("700003x1x0", S.c, S.d, base: 1000)
        graph.channel("700004x1x0", S.b, S.e, base: 5000)
        graph.channel("700005x1x0", S.e, S.d, base: 5000)
        return graph.build()
    }

    @Test func aTemporaryChannelFailureInTheMiddleIsAvoided() throws {
        let graph = Self.twoWaysFromB()
        var session = try S.session()
        var missionControl = MissionControl()
        let first = try #require(try S.launch(&session, graph, missionControl).first)
        #expect(first.channels == ["700001x1x0", "700002x1x0", "700003x1x0"] && first.fee == MilliSatoshi(2000))

        // B cannot forward over B -> C; its update is the policy the route used: nothing new.
        let sameUpdate = try S.update(for: first.route.hops[1], ChannelPolicy(feeBase: MilliSatoshi(1000), htlcMinimum: MilliSatoshi(1),
                                                                             htlcMaximum: MilliSatoshi(1_000_000_000)))
        let failure = S.failure(.temporaryChannelFailure(channelUpdate: sameUpdate), at: 0, of: first)
        #expect(failure.hopIndex == 0 && failure.failingNode == S.b.publicKey)
        let later = S.start + .seconds(2)
        let outcome = try #require(session.attemptFailed(id: first.id, failure: failure, now: later, missionControl: &missionControl))
        #expect(outcome.interpretation.rule == .liquidity && outcome.learned && outcome.channelUpdate == sameUpdate)
        #expect(session.state == .active && session.attempts[0].status == .failed(failure))
        // A -> B carried 50_002_000; B -> C holds less than 50_001_000.
        #expect(missionControl.bounds(S.side(first.route.hops[0]), at: later)?.lower == MilliSatoshi(50_002_000))
        #expect(missionControl.bounds(S.side(first.route.hops[1]), at: later)?.upper == MilliSatoshi(50_000_999))

        let retry = try #require(try S.launch(&session, graph, missionControl, now: later).first)
        #expect(retry.id == 2 && retry.channels == ["700001x1x0", "700004x1x0", "700005x1x0"] && retry.fee == MilliSatoshi(10_000))
        session.attemptSucceeded(id: retry.id, preimage: F.preimage, now: later, missionControl: &missionControl)
        #expect(session.state == .succeeded(preimage: F.preimage, fee: MilliSatoshi(10_000)))
        // The failed attempt paid nothing.
        #expect(session.feePaid == MilliSatoshi(10_000) && session.attempts.map(\.isSucceeded) == [false, true])
    }

    @Test func aFeeInsufficientWithANewUpdateIsRetriedAtTheNewFee() throws {
        // A real gossip graph: A (1) -> B (2) -> C (3) -> D (4), signed announcements and updates.
        typealias G = GossipFixtures
        let ab = G.Channel("700001x1x0", 1, 2), bc = G.Channel("700002x1x0", 2, 3), cd = G.Channel("700003x1x0", 3, 4)
        var network = NetworkGraph(chainHash: G.chain)
        for channel in [ab, bc, cd] { #expect(network.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted) }
        #expect(network.apply(ab.update(from: ab.nodeKeyA, timestamp: 100, policy: G.policy())) == .accepted)
        #expect(network.apply(bc.update(from: bc.nodeKeyA, timestamp: 100, policy: G.policy(base: 1000, ppm: 100))) == .accepted)
        #expect(network.apply(cd.update(from: cd.nodeKeyA, timestamp: 100, policy: G.policy(base: 2000, ppm: 0))) == .accepted)

        var session = try PaymentSession(payer: G.nodeID(G.key(1)), payee: G.nodeID(G.key(4)), amount: F.amount, paymentHash: F.paymentHash,
                                         proof: .paymentSecret(F.paymentSecret, totalAmount: F.amount), minFinalCLTVExpiry: 18,
                                         multiPart: false, maxFee: nil, deadline: S.deadline)
        var missionControl = MissionControl()
        let first = try #require(try S.launch(&session, network.routingGraph(), missionControl).first)
        #expect(first.route.hops.map(\.fee.value) == [6000, 2000, 0])

        // C raised its base fee to 3000 and says so with its new, signed update.
        let raised = cd.update(from: cd.nodeKeyA, timestamp: 101, policy: G.policy(base: 3000, ppm: 0))
        let fromC = S.failure(.feeInsufficient(htlcAmount: first.route.hops[1].amount, channelUpdate: try raised.encode()), at: 1, of: first)
        let outcome = try #require(session.attemptFailed(id: first.id, failure: fromC, now: S.start, missionControl: &missionControl))
        // New to this payment: no penalty, the update goes back to the caller.
        #expect(outcome.interpretation.rule == .policy && !outcome.learned && missionControl.isEmpty)
        let bytes = try #require(outcome.channelUpdate)
        #expect(bytes == (try raised.encode()))
        #expect(network.apply(try ChannelUpdateMessage(failureField: bytes)) == .accepted)

        let retry = try #require(try S.launch(&session, network.routingGraph(), missionControl).first)
        #expect(retry.channels == first.channels)
        #expect(retry.route.hops.map(\.fee.value) == [6000, 3000, 0] && retry.htlc.firstHopAmount == MilliSatoshi(50_009_000))

        // The same complaint again: the update is what the route used, so the channel is penalised this time.
        let again = S.failure(.feeInsufficient(htlcAmount: retry.route.hops[1].amount, channelUpdate: bytes), at: 1, of: retry)
        let second = try #require(session.attemptFailed(id: retry.id, failure: again, now: S.start, missionControl: &missionControl))
        #expect(second.learned)
        #expect(missionControl.bounds(S.side(retry.route.hops[2]), at: S.start)?.upper == .zero)
        #expect(missionControl.bounds(S.side(retry.route.hops[1]), at: S.start)?.lower == retry.route.hops[1].amount)
        guard case .failed(let error) = S.plan(&session, network.routingGraph(), missionControl) else {
            Issue.record("not failed")
            return
        }
        #expect(error.code == "no_route" && session.isOver)
    }

    @Test func thePayeesRefusalEndsThePayment() throws {
        var session = try S.session()
        var missionControl = MissionControl()
        let attempt = try #require(try S.launch(&session, F.graph(), missionControl).first)
        let refusal = S.failure(.incorrectOrUnknownPaymentDetails(htlcAmount: F.amount, height: S.height), at: 2, of: attempt)
        let outcome = try #require(session.attemptFailed(id: attempt.id, failure: refusal, now: S.start, missionControl: &missionControl))
        #expect(outcome.interpretation.rule == .payeeRefused && outcome.interpretation.endsPayment)
        #expect(session.state == .failed(.terminal(refusal)) && session.isOver)
        guard case .failed(let error) = S.plan(&session, F.graph(), missionControl) else {
            Issue.record("retried")
            return
        }
        #expect(error.code == "incorrect_or_unknown_payment_details" && error.message.contains(S.d.publicKey.hex))
        #expect(session.attempts.count == 1)
        // Every channel reached the payee.
        for hop in attempt.route.hops { #expect(missionControl.bounds(S.side(hop), at: S.start)?.lower == hop.amount) }
    }

    @Test func aLocalFailureOfTheFirstHopPenalisesOurChannel() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.b)
        graph.channel("700002x1x0", S.b, S.d, base: 1000)
        graph.channel("700003x1x0", S.a, S.e)
        graph.channel("700004x1x0", S.e, S.d, base: 3000)
        let built = graph.build()
        var session = try S.session()
        var missionControl = MissionControl()
        let first = try #require(try S.launch(&session, built, missionControl).first)
        #expect(first.channels == ["700001x1x0", "700002x1x0"])
        let failure = first.htlc.failure(from: .local("disconnected before it was signed"))
        #expect(failure.code == "htlc_failed")
        let outcome = try #require(session.attemptFailed(id: first.id, failure: failure, now: S.start, missionControl: &missionControl))
        #expect(outcome.interpretation.rule == .local && outcome.channelUpdate == nil)
        #expect(missionControl.bounds(S.side(first.route.hops[0]), at: S.start)?.upper == .zero)
        let retry = try #require(try S.launch(&session, built, missionControl).first)
        #expect(retry.channels == ["700003x1x0", "700004x1x0"])
    }

    // MARK: Parts

    /// A reaches D over B or C; B -> D and C -> D hold 60k sat each.
    private static func twoNarrowWays(bFee: UInt64 = 1000, cFee: UInt64 = 2000, eFee: UInt64? = nil) -> ChannelGraph {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.b)
        graph.channel("700002x1x0", S.b, S.d, capacity: 60_000, base: bFee)
        graph.channel("700003x1x0", S.a, S.c)
        graph.channel("700004x1x0", S.c, S.d, capacity: 60_000, base: cFee)
        if let eFee {
            graph.channel("700005x1x0", S.a, S.e)
            graph.channel("700006x1x0", S.e, S.d, capacity: 60_000, base: eFee)
        }
        return graph.build()
    }

    @Test func tooMuchForOneChannelIsSplitWhenAllowed() throws {
        let graph = Self.twoNarrowWays()
        let amount = MilliSatoshi(100_000_000)
        var session = try S.session(amount: amount)
        var missionControl = MissionControl()
        let parts = try S.launch(&session, graph, missionControl)
        #expect(parts.count >= 2 && parts.map(\.id) == Array(1...UInt64(parts.count)))
        #expect(parts.reduce(0) { $0 + $1.amount.value } == amount.value && session.amountInFlight == amount)
        for (side, load) in S.loads(parts) where ["700002x1x0", "700004x1x0"].contains(side.shortChannelID.description) {
            #expect(load <= 60_000_000)
        }
        // Every part tells the payee the whole total.
        for part in parts {
            let final = try #require(try S.payloads(of: part, keys: [S.b, S.c, S.d]).last)
            #expect(final == .final(FinalHopPayload(amountToForward: part.amount, outgoingCLTVValue: S.height + 20,
                                                    paymentData: PaymentData(paymentSecret: F.paymentSecret, totalAmount: amount))))
        }
        #expect(S.plan(&session, graph, missionControl) == .wait)
        // The first preimage pays it; the others are recorded as they come.
        session.attemptSucceeded(id: parts[0].id, preimage: F.preimage, now: S.start, missionControl: &missionControl)
        #expect(session.state == .succeeded(preimage: F.preimage, fee: parts[0].fee) && !session.isOver)
        for part in parts.dropFirst() { session.attemptSucceeded(id: part.id, preimage: F.preimage, now: S.start, missionControl: &missionControl) }
        let fee = MilliSatoshi(parts.reduce(0) { $0 + $1.fee.value })
        #expect(session.state == .succeeded(preimage: F.preimage, fee: fee) && session.isOver && session.feePaid == fee)
    }

    @Test func tooMuchForOneChannelHasNoRouteWhenNotSplit() throws {
        var session = try S.session(amount: MilliSatoshi(100_000_000), multiPart: false)
        let step = S.plan(&session, Self.twoNarrowWays(), MissionControl())
        guard case .failed(let error) = step else {
            Issue.record("not failed: \(step)")
            return
        }
        #expect(error.code == "no_route" && error.message.contains("no route from \(S.id(S.a).hex)"))
        #expect(session.attempts.isEmpty && session.isOver)
    }

    @Test func theFeeLimitCoversAllPartsTogether() throws {
        // Each way costs 10_000 msat: 20_000 for the two parts 100k sat needs.
        let graph = Self.twoNarrowWays(bFee: 10_000, cFee: 10_000)
        var tight = try S.session(amount: MilliSatoshi(100_000_000), maxFee: MilliSatoshi(15_000))
        let step = S.plan(&tight, graph, MissionControl())
        #expect(step == .failed(.feeLimitExceeded(cheapest: MilliSatoshi(20_000), left: MilliSatoshi(15_000), limit: MilliSatoshi(15_000))))
        if case .failed(let error) = step {
            #expect(error.code == "fee_limit_exceeded" && error.message.contains("20000 msat"))
        }
        var enough = try S.session(amount: MilliSatoshi(100_000_000), maxFee: MilliSatoshi(20_000))
        let parts = try S.launch(&enough, graph, MissionControl())
        #expect(parts.count == 2 && parts.reduce(0) { $0 + $1.fee.value } == 20_000)
    }

    @Test func whatIsInFlightCountsAgainstTheFeeLimit() throws {
        // Via B or C 10_000 msat, via E 30_000; the limit 35_000.
        let graph = Self.twoNarrowWays(bFee: 10_000, cFee: 10_000, eFee: 30_000)
        var session = try S.session(amount: MilliSatoshi(100_000_000), maxFee: MilliSatoshi(35_000))
        var missionControl = MissionControl()
        let parts = try S.launch(&session, graph, missionControl)
        #expect(parts.map(\.channels) == [["700001x1x0", "700002x1x0"], ["700003x1x0", "700004x1x0"]])
        // B's way is gone; the missing 50k sat could go via E, for 30_000 msat of the 25_000 left.
        let gone = S.failure(.unknownNextPeer, at: 0, of: parts[0])
        session.attemptFailed(id: parts[0].id, failure: gone, now: S.start, missionControl: &missionControl)
        let step = S.plan(&session, graph, missionControl)
        #expect(step == .failed(.feeLimitExceeded(cheapest: MilliSatoshi(30_000), left: MilliSatoshi(25_000), limit: MilliSatoshi(35_000))))
        // C's part is still out: the payment is failed, not over.
        #expect(!session.isOver && session.inFlight.map(\.id) == [parts[1].id])
        session.attemptFailed(id: parts[1].id, failure: S.failure(.mppTimeout, at: 1, of: parts[1]), now: S.start, missionControl: &missionControl)
        #expect(session.isOver && session.attempts.count == 2)
    }

    @Test func anMPPTimeoutSendsTheMissingPartAgain() throws {
        let graph = Self.twoNarrowWays()
        let amount = MilliSatoshi(100_000_000)
        var session = try S.session(amount: amount)
        var missionControl = MissionControl()
        let parts = try S.launch(&session, graph, missionControl)
        #expect(parts.count >= 2)
        let later = S.start + .seconds(60)
        let timeout = S.failure(.mppTimeout, at: parts[0].route.hops.count - 1, of: parts[0])
        let outcome = try #require(session.attemptFailed(id: parts[0].id, failure: timeout, now: S.start + .seconds(30),
                                                         missionControl: &missionControl))
        #expect(outcome.interpretation.rule == .mppTimeout && !outcome.interpretation.endsPayment && session.state == .active)
        // The part reached the payee: its channels carried it.
        for hop in parts[0].route.hops { #expect(missionControl.bounds(S.side(hop), at: S.start + .seconds(30))?.lower == hop.amount) }

        let again = try S.launch(&session, graph, missionControl, now: S.start + .seconds(30))
        #expect(again.reduce(0) { $0 + $1.amount.value } == parts[0].amount.value && session.amountInFlight == amount)
        #expect(again.first?.id == UInt64(parts.count + 1))
        // Planned around the parts still out: no narrow channel carries more than it holds.
        for (side, load) in S.loads(session.inFlight) where ["700002x1x0", "700004x1x0"].contains(side.shortChannelID.description) {
            #expect(load <= 60_000_000)
        }
        for part in session.inFlight { session.attemptSucceeded(id: part.id, preimage: F.preimage, now: later, missionControl: &missionControl) }
        #expect(session.isOver && session.attempts.filter(\.isSucceeded).count == parts.count - 1 + again.count)
        if case .succeeded(_, let fee) = session.state { #expect(fee == session.feePaid) } else { Issue.record("not paid") }
    }

    // MARK: Limits

    @Test func noAttemptIsLaunchedAfterTheDeadline() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.d)
        let built = graph.build()
        var late = try S.session()
        #expect(S.plan(&late, built, MissionControl(), now: S.deadline) == .failed(.timeout(attempts: 0)))
        #expect(PaymentSessionError.timeout(attempts: 0).code == "timeout")

        var session = try S.session()
        var missionControl = MissionControl()
        let first = try #require(try S.launch(&session, built, missionControl).first)
        // In flight past the deadline: nothing to launch, so nothing to refuse.
        #expect(S.plan(&session, built, missionControl, now: S.deadline + .seconds(5)) == .wait)
        session.attemptFailed(id: first.id, failure: first.htlc.failure(from: .local("disconnected")), now: S.deadline + .seconds(6),
                              missionControl: &missionControl)
        #expect(S.plan(&session, built, missionControl, now: S.deadline + .seconds(6)) == .failed(.timeout(attempts: 1)))
        #expect(session.isOver)
    }

    @Test func theAttemptCapIsASafetyNet() throws {
        // Five ways, each failing in turn.
        var graph = S.Graph()
        let middles = (0..<5).map { S.key(0x31 + UInt8($0)) }
        for (index, middle) in middles.enumerated() {
            graph.channel("70000\(index)x1x0", S.a, middle)
            graph.channel("70001\(index)x1x0", middle, S.d, base: 1000 * UInt64(index + 1))
        }
        let built = graph.build()
        var session = try S.session(multiPart: false, maxAttempts: 3)
        var missionControl = MissionControl()
        var used: [String] = []
        for _ in 0..<3 {
            let attempt = try #require(try S.launch(&session, built, missionControl).first)
            used.append(attempt.channels[1])
            session.attemptFailed(id: attempt.id, failure: S.failure(.temporaryChannelFailure(channelUpdate: []), at: 0, of: attempt),
                                  now: S.start, missionControl: &missionControl)
        }
        #expect(used == ["700010x1x0", "700011x1x0", "700012x1x0"])
        let step = S.plan(&session, built, missionControl)
        #expect(step == .failed(.attemptLimit(3)))
        #expect(PaymentSessionError.attemptLimit(3).code == "attempt_limit" && PaymentSession.defaultMaxAttempts == 50)
    }

    // MARK: The session itself

    @Test func sameInputsSameAttempts() throws {
        let graph = Self.twoNarrowWays()
        var one = try S.session(amount: MilliSatoshi(100_000_000))
        var two = try S.session(amount: MilliSatoshi(100_000_000))
        #expect(S.plan(&one, graph, MissionControl()) == S.plan(&two, graph, MissionControl()))
        #expect(one == two)
    }

    @Test func aKeysendIsOnePartCarryingThePreimage() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.d)
        var session = try PaymentSession(payer: S.id(S.a), payee: S.id(S.d), amount: F.amount, paymentHash: F.paymentHash,
                                         proof: .keysend(F.preimage), minFinalCLTVExpiry: 18, multiPart: false, maxFee: nil,
                                         deadline: S.deadline)
        let attempt = try #require(try S.launch(&session, graph.build(), MissionControl()).first)
        #expect(try S.payloads(of: attempt, keys: [S.d]) == [
            .final(FinalHopPayload(amountToForward: F.amount, outgoingCLTVValue: S.height + 20, keysendPreimage: F.preimage)),
        ])
    }

    @Test func impossiblePaymentsAreRefusedWithStableCodes() {
        func refusal(_ make: () throws(PaymentSessionError) -> PaymentSession) -> String? {
            do {
                _ = try make()
                return nil
            } catch {
                return error.code
            }
        }
        let (a, d) = (S.id(S.a), S.id(S.d))
        let secret = PaymentRecipient.Proof.paymentSecret(F.paymentSecret, totalAmount: F.amount)
        #expect(refusal { () throws(PaymentSessionError) in
            try PaymentSession(payer: a, payee: d, amount: .zero, paymentHash: F.paymentHash, proof: secret, minFinalCLTVExpiry: 18,
                               multiPart: true, maxFee: nil, deadline: S.deadline)
        } == "invalid_amount")
        #expect(refusal { () throws(PaymentSessionError) in
            try PaymentSession(payer: a, payee: a, amount: F.amount, paymentHash: F.paymentHash, proof: secret, minFinalCLTVExpiry: 18,
                               multiPart: true, maxFee: nil, deadline: S.deadline)
        } == "same_payer_and_payee")
        #expect(refusal { () throws(PaymentSessionError) in
            try PaymentSession(payer: a, payee: d, amount: MilliSatoshi(1), paymentHash: F.paymentHash, proof: secret, minFinalCLTVExpiry: 18,
                               multiPart: true, maxFee: nil, deadline: S.deadline)
        } == "total_amount_mismatch")
        #expect(refusal { () throws(PaymentSessionError) in
            try PaymentSession(payer: a, payee: d, amount: F.amount, paymentHash: F.paymentHash, proof: .keysend(F.preimage),
                               minFinalCLTVExpiry: 18, multiPart: true, maxFee: nil, deadline: S.deadline)
        } == "keysend_multi_part")
        let other = try! Preimage(bytes: [UInt8](repeating: 7, count: 32))
        #expect(refusal { () throws(PaymentSessionError) in
            try PaymentSession(payer: a, payee: d, amount: F.amount, paymentHash: F.paymentHash, proof: .keysend(other),
                               minFinalCLTVExpiry: 18, multiPart: false, maxFee: nil, deadline: S.deadline)
        } == "keysend_preimage_mismatch")
    }

    @Test func resultsOfUnknownOrResolvedAttemptsChangeNothing() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.d)
        var session = try S.session()
        var missionControl = MissionControl()
        let attempt = try #require(try S.launch(&session, graph.build(), missionControl).first)
        let wrong = try Preimage(bytes: [UInt8](repeating: 9, count: 32))
        #expect(!session.attemptSucceeded(id: attempt.id, preimage: wrong, now: S.start, missionControl: &missionControl))
        #expect(!session.attemptSucceeded(id: 99, preimage: F.preimage, now: S.start, missionControl: &missionControl))
        let failure = attempt.htlc.failure(from: .local("x"))
        #expect(session.attemptFailed(id: attempt.id, failure: failure, now: S.start, missionControl: &missionControl) != nil)
        let before = session
        #expect(session.attemptFailed(id: attempt.id, failure: failure, now: S.start, missionControl: &missionControl) == nil)
        #expect(!session.attemptSucceeded(id: attempt.id, preimage: F.preimage, now: S.start, missionControl: &missionControl))
        #expect(session == before)
    }

    @Test func aPayeeMissingFromTheGraphHasNoRoute() throws {
        var graph = S.Graph()
        graph.channel("700001x1x0", S.a, S.b)
        var session = try S.session()
        let step = S.plan(&session, graph.build(), MissionControl())
        #expect(step == .failed(.noRoute("the payee \(S.id(S.d).hex) is not in the graph")))
    }
}
