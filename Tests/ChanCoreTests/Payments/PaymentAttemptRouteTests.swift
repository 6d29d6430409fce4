import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `PaymentAttempt` along routes of any length: the payloads each hop finds, the final payload
/// for an invoice, a part of one or a keysend, and the routes it refuses.
@Suite struct PaymentAttemptRouteTests {
    typealias F = ForwardingFixture

    /// Peels `attempt` hop by hop with `keys`, as if each hop forwarded exactly what its payload
    /// says: every payload, in order.
    static func payloads(of attempt: PaymentAttempt, keys: [PrivateKey]) throws -> [HopPayload] {
        var onion = attempt.onion
        var payloads: [HopPayload] = []
        for key in keys {
            let peeled = try Sphinx.peel(onion, nodeKey: key, associatedData: attempt.paymentHash.bytes)
            payloads.append(peeled.payload)
            if let next = peeled.nextPacket { onion = next }
        }
        return payloads
    }

    static func hops(_ count: Int, delta: UInt32 = 40, amount: MilliSatoshi = MilliSatoshi(1_000_000)) -> [PaymentRouteHop] {
        (0..<count).map { index in
            PaymentRouteHop(nodeID: F.key(UInt8(index + 1)).publicKey, shortChannelID: ShortChannelID(rawValue: UInt64(index + 1) << 40),
                            amount: amount, cltvExpiryDelta: delta)
        }
    }

    static func attempt(_ hops: [PaymentRouteHop], recipient: PaymentRecipient = F.invoiceRecipient,
                        height: UInt32 = F.height) throws(PaymentAttemptError) -> PaymentAttempt {
        try PaymentAttempt(hops: hops, paymentHash: F.paymentHash, recipient: recipient, currentHeight: height, sessionKey: F.sessionKey)
    }

    static func expectRefusal(_ expected: PaymentAttemptError, _ build: () throws(PaymentAttemptError) -> PaymentAttempt,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try build()
            Issue.record("built", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    // MARK: Payloads

    @Test func everyHopFindsWhatTheRouteSays() throws {
        let route = try F.route()
        let attempt = try F.attempt(route)
        let payloads = try Self.payloads(of: attempt, keys: [F.bKey, F.cKey, F.dKey])
        #expect(payloads == [
            .forwarding(ForwardingHopPayload(amountToForward: route.hops[1].amount, outgoingCLTVValue: F.height + 98, shortChannelID: F.bc)),
            .forwarding(ForwardingHopPayload(amountToForward: route.hops[2].amount, outgoingCLTVValue: F.height + 18, shortChannelID: F.cd)),
            .final(FinalHopPayload(amountToForward: F.amount, outgoingCLTVValue: F.height + 18,
                                   paymentData: PaymentData(paymentSecret: F.paymentSecret, totalAmount: F.amount))),
        ])
    }

    @Test func aPartCarriesTheWholePaymentsTotal() throws {
        let part = try F.route(amount: MilliSatoshi(20_000_000))
        let metadata: [UInt8] = [1, 2, 3]
        let recipient = PaymentRecipient(proof: .paymentSecret(F.paymentSecret, totalAmount: F.amount), minFinalCLTVExpiry: 18,
                                         paymentMetadata: metadata)
        let attempt = try F.attempt(part, recipient: recipient)
        #expect(attempt.amount == MilliSatoshi(20_000_000))
        let final = try Self.payloads(of: attempt, keys: [F.bKey, F.cKey, F.dKey]).last
        #expect(final == .final(FinalHopPayload(amountToForward: MilliSatoshi(20_000_000), outgoingCLTVValue: F.height + 18,
                                                paymentData: PaymentData(paymentSecret: F.paymentSecret, totalAmount: F.amount),
                                                paymentMetadata: metadata)))
    }

    @Test func aKeysendCarriesThePreimageAndNoSecret() throws {
        let attempt = try F.attempt(recipient: PaymentRecipient(proof: .keysend(F.preimage), minFinalCLTVExpiry: 18))
        let final = try Self.payloads(of: attempt, keys: [F.bKey, F.cKey, F.dKey]).last
        #expect(final == .final(FinalHopPayload(amountToForward: F.amount, outgoingCLTVValue: F.height + 18, keysendPreimage: F.preimage)))
    }

    @Test func theDirectPaymentIsTheOneHopRoute() throws {
        let direct = try PaymentAttempt.direct(to: F.dKey.publicKey, amount: F.amount, paymentHash: F.paymentHash, paymentSecret: F.paymentSecret,
                                               finalExpiry: F.height + 20, sessionKey: F.sessionKey)
        let hop = PaymentRouteHop(nodeID: F.dKey.publicKey, shortChannelID: nil, amount: F.amount, cltvExpiryDelta: 20)
        let routed = try Self.attempt([hop])
        #expect(direct == routed)
        #expect(direct.firstHopChannel == nil && direct.firstHopExpiry == F.height + 20 && direct.hopSecrets.count == 1)
    }

    @Test func twentyHopsAreTheMost() throws {
        let attempt = try Self.attempt(Self.hops(20))
        #expect(attempt.hopSecrets.count == 20)
        #expect(attempt.firstHopExpiry == F.height + 19 * 40 + 40)
        let payloads = try Self.payloads(of: attempt, keys: (0..<20).map { F.key(UInt8($0 + 1)) })
        #expect(payloads.count == 20 && payloads.last?.amountToForward == MilliSatoshi(1_000_000))
        Self.expectRefusal(.tooManyHops(21, limit: 20)) { () throws(PaymentAttemptError) in try Self.attempt(Self.hops(21)) }
    }

    // MARK: Refused routes

    @Test func cltvsThatOverflowOrLockTooLong() {
        var hops = Self.hops(3)
        hops[0].cltvExpiryDelta = .max
        Self.expectRefusal(.cltvOverflow) { () throws(PaymentAttemptError) in try Self.attempt(hops) }
        var final = Self.hops(1)
        final[0].cltvExpiryDelta = .max - 10
        Self.expectRefusal(.cltvOverflow) { () throws(PaymentAttemptError) in try Self.attempt(final) }
        // 2016 blocks are the most a channel takes; one more is refused.
        var long = Self.hops(3, delta: 999)
        long[2].cltvExpiryDelta = 18
        #expect((try? Self.attempt(long))?.firstHopExpiry == F.height + 2016)
        long[1].cltvExpiryDelta = 1000
        Self.expectRefusal(.cltvTooFar(blocks: 2017, limit: 2016)) { () throws(PaymentAttemptError) in try Self.attempt(long) }
    }

    @Test func amountsThatDoNotAddUp() {
        var hops = Self.hops(3)
        hops[1].amount = MilliSatoshi(999_999)  // receives less than it forwards
        Self.expectRefusal(.amountBelowNextHop(hopIndex: 1)) { () throws(PaymentAttemptError) in try Self.attempt(hops) }
        Self.expectRefusal(.zeroAmount) { () throws(PaymentAttemptError) in try Self.attempt(Self.hops(2, amount: .zero)) }
    }

    @Test func routesMissingSomething() {
        Self.expectRefusal(.emptyRoute) { () throws(PaymentAttemptError) in try Self.attempt([]) }
        var hops = Self.hops(3)
        hops[2].shortChannelID = nil
        Self.expectRefusal(.missingChannel(hopIndex: 2)) { () throws(PaymentAttemptError) in try Self.attempt(hops) }
        let keysend = PaymentRecipient(proof: .keysend(try! Preimage(bytes: [UInt8](repeating: 7, count: 32))), minFinalCLTVExpiry: 18)
        Self.expectRefusal(.keysendPreimageMismatch) { () throws(PaymentAttemptError) in try Self.attempt(Self.hops(2), recipient: keysend) }
    }

    @Test func aRouteThroughANodeIDThatIsNoKey() throws {
        // Graph files do not check node ids; the attempt does. 0xff... is no x coordinate on the curve.
        var builder = ChannelGraphBuilder()
        let payer = F.nodeID(F.payerKey), bogus = NodeID(bytes: [2] + [UInt8](repeating: 0xff, count: 32))!, payee = F.nodeID(F.dKey)
        builder.addChannel(F.ab, between: payer, and: bogus, capacity: Satoshi(1_000_000))
        builder.addChannel(F.bc, between: bogus, and: payee, capacity: Satoshi(1_000_000))
        builder.addPolicy(ChannelPolicy(), channel: F.ab, from: payer)
        builder.addPolicy(ChannelPolicy(), channel: F.bc, from: bogus)
        let graph = builder.build()
        let route = try Pathfinder(graph: graph).findRoute(RouteQuery(payer: graph.node(payer)!, payee: graph.node(payee)!, amount: F.amount))
        Self.expectRefusal(.invalidNodeID(hopIndex: 0)) { () throws(PaymentAttemptError) in
            try PaymentAttempt(route: route, paymentHash: F.paymentHash, recipient: F.invoiceRecipient, currentHeight: F.height,
                               sessionKey: F.sessionKey)
        }
    }

    @Test func theErrorsHaveStableCodes() {
        let errors: [PaymentAttemptError] = [.emptyRoute, .tooManyHops(21, limit: 20), .invalidNodeID(hopIndex: 0), .missingChannel(hopIndex: 1),
                                             .zeroAmount, .amountBelowNextHop(hopIndex: 0), .cltvOverflow, .cltvTooFar(blocks: 2017, limit: 2016),
                                             .keysendPreimageMismatch, .onion(.invalidHopCount(30))]
        #expect(errors.map(\.code) == ["route_empty", "route_too_long", "route_invalid_node_id", "route_missing_channel", "route_zero_amount",
                                       "route_amount_below_next_hop", "route_cltv_overflow", "route_cltv_too_far", "keysend_preimage_mismatch",
                                       "onion_invalid_hop_count"])
        #expect(errors.allSatisfy { !$0.message.isEmpty })
    }
}
