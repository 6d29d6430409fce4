import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// The failure table: what a payer learns from each failure, by where it came from, on a
/// route of four hops (channels 0 to 3; channel k goes into hop k).
@Suite struct FailureInterpretationTests {
    typealias I = FailureInterpretation
    static let hash = try! Hash32([UInt8](repeating: 0x33, count: 32))
    static let node = ForwardingFixture.cKey.publicKey

    static func from(_ hop: Int, _ failure: OnionFailure?, code: String? = nil) -> PaymentFailure {
        PaymentFailure(code: code ?? failure?.name ?? "malformed_failure", message: "", hopIndex: hop, failingNode: node, failure: failure)
    }

    static func read(_ failure: PaymentFailure, hops: Int = 4) -> I { I(failure, hopCount: hops) }

    @Test func aForwardingNodesChannelFailures() {
        // Hop 1 could not use its channel to hop 2 (channel 2); channels 0 and 1 carried the HTLC.
        #expect(Self.read(Self.from(1, .temporaryChannelFailure(channelUpdate: []))) ==
            I(rule: .liquidity, carried: 2, penalties: [.belowAmount(channel: 2)], updatableChannel: 2))
        #expect(Self.read(Self.from(1, .channelDisabled(disabledFlags: 0, channelUpdate: []))) ==
            I(rule: .channel, carried: 2, penalties: [.anyAmount(channel: 2)], updatableChannel: 2))
        for failure: OnionFailure in [.unknownNextPeer, .permanentChannelFailure, .requiredChannelFeatureMissing, .expiryTooSoon(channelUpdate: [])] {
            #expect(Self.read(Self.from(1, failure)) == I(rule: .channel, carried: 2, penalties: [.anyAmount(channel: 2)]), "\(failure.name)")
        }
        for failure: OnionFailure in [.amountBelowMinimum(htlcAmount: MilliSatoshi(1), channelUpdate: []),
                                      .feeInsufficient(htlcAmount: MilliSatoshi(1), channelUpdate: []),
                                      .incorrectCLTVExpiry(cltvExpiry: 1, channelUpdate: [])] {
            #expect(Self.read(Self.from(1, failure)) == I(rule: .policy, carried: 2, penalties: [.anyAmount(channel: 2)], updatableChannel: 2),
                    "\(failure.name)")
        }
        // Our peer's own channel to the next hop.
        #expect(Self.read(Self.from(0, .temporaryChannelFailure(channelUpdate: []))).penalties == [.belowAmount(channel: 1)])
    }

    @Test func anOnionTheNextHopCouldNotRead() {
        for failure: OnionFailure in [.invalidOnionVersion(sha256OfOnion: Self.hash), .invalidOnionHMAC(sha256OfOnion: Self.hash),
                                      .invalidOnionKey(sha256OfOnion: Self.hash), .unknown(code: 0xC0FF, data: Self.hash.bytes)] {
            let failure = Self.from(1, failure)
            #expect(failure.unreadableOnionHopIndex == 2)
            #expect(Self.read(failure) == I(rule: .unreadableOnion, carried: 2, penalties: [.anyAmount(channel: 2)]), "\(failure.code)")
        }
        // Our peer could not read ours (update_fail_malformed_htlc): lnd blames the peer; a direct payment ends.
        let malformed = PaymentFailure(code: "invalid_onion_hmac", message: "", hopIndex: 0, failingNode: Self.node,
                                       failure: .invalidOnionHMAC(sha256OfOnion: Self.hash), failingNodeCouldNotReadOnion: true)
        #expect(Self.read(malformed) ==
            I(rule: .unreadableOnion, carried: 0, penalties: [.anyAmount(channel: 0), .anyAmount(channel: 1)], failedNode: 0))
        #expect(Self.read(malformed, hops: 1) ==
            I(rule: .unreadableOnion, carried: 0, penalties: [.anyAmount(channel: 0)], failedNode: 0, endsPayment: true))
    }

    @Test func aForwardingNodesOwnFailure() {
        // The node's channels on the route, both ways; the channels before it carried the HTLC.
        let node = I(rule: .node, carried: 1, penalties: [.anyAmount(channel: 1), .anyAmount(channel: 2)], failedNode: 1)
        for failure: OnionFailure? in [.temporaryNodeFailure, .permanentNodeFailure, .requiredNodeFeatureMissing,
                                       .invalidOnionPayload(type: 2, offset: 0), .invalidRealm, .expiryTooFar, .mppTimeout,
                                       .incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(1), height: 1),
                                       .finalIncorrectCLTVExpiry(cltvExpiry: 1), .invalidOnionBlinding(sha256OfOnion: Self.hash),
                                       .unknown(code: 0x2000 | 99, data: []), nil] {
            #expect(Self.read(Self.from(1, failure)) == node, "\(failure?.name ?? "undecodable")")
        }
    }

    @Test func thePayeesFailures() {
        #expect(Self.read(Self.from(3, .mppTimeout)) == I(rule: .mppTimeout, carried: 4, penalties: []))
        #expect(Self.read(Self.from(3, .incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(1), height: 1))) ==
            I(rule: .payeeRefused, carried: 4, penalties: [], endsPayment: true))
        for failure: OnionFailure in [.finalIncorrectCLTVExpiry(cltvExpiry: 1), .finalIncorrectHTLCAmount(incomingHTLCAmount: MilliSatoshi(1))] {
            #expect(Self.read(Self.from(3, failure)) == I(rule: .payeeRefused, carried: 3, penalties: [.anyAmount(channel: 3)], endsPayment: true))
            #expect(Self.read(Self.from(0, failure), hops: 1) ==
                I(rule: .payeeRefused, carried: 0, penalties: [.anyAmount(channel: 0)], failedNode: 0, endsPayment: true))
        }
        for failure: OnionFailure? in [.invalidOnionPayload(type: 8, offset: 3), .temporaryNodeFailure,
                                       .temporaryChannelFailure(channelUpdate: []), .unknown(code: 77, data: []), nil] {
            #expect(Self.read(Self.from(3, failure)) ==
                I(rule: .payeeRefused, carried: 3, penalties: [.anyAmount(channel: 3)], failedNode: 3, endsPayment: true))
        }
    }

    @Test func failuresWithoutAHop() {
        let local = PaymentFailure(code: "htlc_failed", message: "disconnected", hopIndex: nil, failingNode: nil)
        #expect(Self.read(local) == I(rule: .local, carried: 0, penalties: [.anyAmount(channel: 0)]))
        let unreadable = PaymentFailure(code: "unreadable_failure", message: "", hopIndex: nil, failingNode: nil)
        #expect(Self.read(unreadable) == I(rule: .unreadableFailure, carried: 0, penalties: (0..<4).map { .anyAmount(channel: $0) }))
        #expect(Self.read(unreadable, hops: 1) ==
            I(rule: .unreadableFailure, carried: 0, penalties: [.anyAmount(channel: 0)], failedNode: 0, endsPayment: true))
        // A hop index past the route reads as unreadable.
        #expect(Self.read(Self.from(9, .temporaryNodeFailure)).rule == .unreadableFailure)
    }

    @Test func aFailuresChannelUpdateIsReadWithOrWithoutItsType() throws {
        let update = ChannelUpdateMessage(chainHash: GossipFixtures.chain, shortChannelID: ForwardingFixture.cd, timestamp: 7,
                                          channelFlags: [.direction], cltvExpiryDelta: 80, htlcMinimum: MilliSatoshi(1),
                                          feeBase: MilliSatoshi(2), feeProportionalMillionths: 3, htlcMaximum: MilliSatoshi(4))
        let withType = try update.encode()
        #expect(try ChannelUpdateMessage(failureField: withType) == update)
        #expect(try ChannelUpdateMessage(failureField: Array(withType.dropFirst(2))) == update)
        #expect(throws: WireError.self) { try ChannelUpdateMessage(failureField: [1, 2, 3]) }
    }
}
