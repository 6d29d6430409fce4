import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// A payment along a route the pathfinder found, A -> B -> C -> D: B and C peel the onion with
/// their keys and forward under the policy the route assumed; D is paid.
@Suite struct ForwardingRouteTests {
    typealias F = ForwardingFixture

    @Test func theRouteIsTheOneExpected() throws {
        let route = try F.route()
        #expect(route.hops.map(\.shortChannelID) == [F.ab, F.bc, F.cd])
        // C keeps 2500 + 50_000_000 * 2000 / 1e6; B keeps 1000 + 50_102_500 * 100 / 1e6 = 6010.25, rounded down.
        #expect(route.hops.map(\.amount.value) == [50_108_510, 50_102_500, 50_000_000])
        #expect(route.hops.map(\.cltvExpiryDelta) == [40, 80, 18])
    }

    @Test func eachHopForwardsTheNextHopsAmountAndKeepsItsFee() throws {
        let route = try F.route()
        let attempt = try F.attempt(route)
        #expect(attempt.amount == F.amount && attempt.firstHopAmount == route.totalAmount)
        #expect(attempt.firstHopExpiry == F.height + route.totalCltv && attempt.firstHopExpiry == F.height + 138)
        #expect(attempt.firstHopChannel == F.ab)
        #expect(attempt.hopSecrets.map(\.nodeID) == [F.bKey.publicKey, F.cKey.publicKey, F.dKey.publicKey])

        let b = try F.atB(attempt)
        #expect(b.payload == ForwardingHopPayload(amountToForward: route.hops[1].amount, outgoingCLTVValue: F.height + 98, shortChannelID: F.bc))
        let fromB = try #require(b.outgoing)
        #expect(fromB.shortChannelID == F.bc && fromB.paymentHash == F.paymentHash)
        #expect(fromB.amount == route.hops[1].amount && fromB.cltvExpiry == F.height + 98)
        let bFee = try F.bPolicy.fee(forwarding: fromB.amount)
        #expect(fromB.fee == MilliSatoshi(6010) && fromB.fee == bFee)
        #expect(b.incoming.cltvExpiry - fromB.cltvExpiry == UInt32(F.bPolicy.cltvExpiryDelta))

        let c = try F.atC(b)
        let fromC = try #require(c.outgoing)
        #expect(fromC.shortChannelID == F.cd)
        #expect(fromC.amount == F.amount && fromC.cltvExpiry == F.height + F.minFinalCLTVExpiry)
        let cFee = try F.cPolicy.fee(forwarding: fromC.amount)
        #expect(fromC.fee == MilliSatoshi(102_500) && fromC.fee == cFee)
        #expect(c.incoming.cltvExpiry - fromC.cltvExpiry == UInt32(F.cPolicy.cltvExpiryDelta))

        // D finds its invoice paid, exactly.
        let atD = CommitmentHTLC(id: 1, direction: .received, amount: fromC.amount, paymentHash: F.paymentHash, cltvExpiry: fromC.cltvExpiry)
        let action = IncomingHTLCPolicy.decide(atD, onion: fromC.onion, nodeKey: F.dKey, currentHeight: F.height, now: F.now) { _ in F.invoice() }
        #expect(action == .fulfill(F.preimage, received: F.amount))
    }

    @Test func aLargerMinFinalCLTVExpiryMovesEveryExpiry() throws {
        let recipient = PaymentRecipient(proof: .paymentSecret(F.paymentSecret, totalAmount: F.amount), minFinalCLTVExpiry: 30)
        let attempt = try F.attempt(recipient: recipient)
        #expect(attempt.firstHopExpiry == F.height + 40 + 80 + 30)
        let c = try F.atC(try F.atB(attempt))
        #expect(c.outgoing?.cltvExpiry == F.height + 30)
    }

    @Test func eachHopCountsFromItsOwnHeight() throws {
        // Built at one height, forwarded a few blocks later: the expiries stand, the margins shrink.
        let attempt = try F.attempt()
        let c = try F.atC(try F.atB(attempt, height: F.height + 5), height: F.height + 8)
        #expect(c.outgoing?.cltvExpiry == F.height + 18)
    }

    @Test func anHTLCOfTheNextAmountPlusTheFeeExactlyIsForwarded() throws {
        // The fee rounds down: B asks 6010 msat of 50_102_500 at 100 ppm, not 6011.
        let attempt = try F.attempt()
        let b = try F.forward(at: F.bKey, amount: MilliSatoshi(50_102_500 + 6010), expiry: attempt.firstHopExpiry, onion: attempt.onion,
                              channel: F.bOutgoing())
        #expect(b.outgoing?.fee == MilliSatoshi(6010))
        // More than asked is kept too.
        let generous = try F.forward(at: F.bKey, amount: MilliSatoshi(50_200_000), expiry: attempt.firstHopExpiry + 10, onion: attempt.onion,
                                     channel: F.bOutgoing())
        #expect(generous.outgoing?.fee == MilliSatoshi(97_500) && generous.outgoing?.cltvExpiry == F.height + 98)
    }

    @Test func theDefaultPolicyIsLndsButForTheDelta() throws {
        let policy = ForwardingPolicy()
        #expect(policy.feeBase == MilliSatoshi(1000) && policy.feeProportionalMillionths == 1)
        #expect(policy.cltvExpiryDelta == 40 && policy.htlcMinimum == MilliSatoshi(1))
        #expect(try policy.fee(forwarding: MilliSatoshi(2_500_000)) == MilliSatoshi(1002))
        #expect(policy.channelPolicy(disabled: true) == ChannelPolicy(feeBase: MilliSatoshi(1000), feeProportionalMillionths: 1,
                                                                      cltvExpiryDelta: 40, htlcMinimum: MilliSatoshi(1),
                                                                      htlcMaximum: MilliSatoshi(.max), disabled: true))
    }
}
