import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// The payer A pays D over B and C (A -> B -> C -> D), on a route the pathfinder finds in a
/// graph of three channels whose forwarding policies differ. Fixed keys: every run builds the
/// same onions.
enum ForwardingFixture {
    static func key(_ byte: UInt8) -> PrivateKey { try! PrivateKey(secretBytes: [UInt8](repeating: byte, count: 32)) }

    static let payerKey = key(0xa1)
    static let bKey = key(0xb2)
    static let cKey = key(0xc3)
    static let dKey = key(0xd4)
    static let sessionKey = key(0x5e)

    static let ab = try! ShortChannelID(text: "700001x1x0")
    static let bc = try! ShortChannelID(text: "700002x2x1")
    static let cd = try! ShortChannelID(text: "700003x3x0")

    /// B's policy on B -> C and C's on C -> D, as their `channel_update`s announced them.
    static let bPolicy = ForwardingPolicy(feeBase: MilliSatoshi(1000), feeProportionalMillionths: 100, cltvExpiryDelta: 40,
                                          htlcMinimum: MilliSatoshi(1000), htlcMaximum: MilliSatoshi(400_000_000))
    static let cPolicy = ForwardingPolicy(feeBase: MilliSatoshi(2500), feeProportionalMillionths: 2000, cltvExpiryDelta: 80,
                                          htlcMinimum: MilliSatoshi(10_000), htlcMaximum: MilliSatoshi(300_000_000))
    /// What B and C put in their failures (any bytes do: nobody here checks the signature).
    static let bUpdate = [UInt8](repeating: 0xbb, count: 136)
    static let cUpdate = [UInt8](repeating: 0xcc, count: 136)

    static let height: UInt32 = 800_000
    static let amount = MilliSatoshi(50_000_000)
    static let minFinalCLTVExpiry: UInt32 = 18
    static let preimage = try! Preimage(bytes: [UInt8](repeating: 0x42, count: 32))
    static let paymentHash = preimage.hash
    static let paymentSecret = try! Bytes32([UInt8](repeating: 0x5c, count: 32))
    static let now: UInt64 = 1_700_000_000

    static func nodeID(_ key: PrivateKey) -> NodeID { NodeID(bytes: key.publicKey.compressed)! }

    static func graph() -> ChannelGraph {
        var builder = ChannelGraphBuilder()
        let (a, b, c, d) = (nodeID(payerKey), nodeID(bKey), nodeID(cKey), nodeID(dKey))
        for (channel, from, to) in [(ab, a, b), (bc, b, c), (cd, c, d)] {
            precondition(builder.addChannel(channel, between: from, and: to, capacity: Satoshi(1_000_000)))
        }
        // The payer's own side: its fee is never paid.
        precondition(builder.addPolicy(ForwardingPolicy(feeBase: MilliSatoshi(9999)).channelPolicy(), channel: ab, from: a))
        precondition(builder.addPolicy(bPolicy.channelPolicy(), channel: bc, from: b))
        precondition(builder.addPolicy(cPolicy.channelPolicy(), channel: cd, from: c))
        return builder.build()
    }

    static func route(amount: MilliSatoshi = amount) throws -> Route {
        let graph = graph()
        var options = RouteOptions()
        options.useProbability = false
        options.finalCltvDelta = minFinalCLTVExpiry
        let query = RouteQuery(payer: graph.node(nodeID(payerKey))!, payee: graph.node(nodeID(dKey))!, amount: amount, options: options)
        return try Pathfinder(graph: graph).findRoute(query)
    }

    static var invoiceRecipient: PaymentRecipient {
        PaymentRecipient(proof: .paymentSecret(paymentSecret, totalAmount: amount), minFinalCLTVExpiry: minFinalCLTVExpiry)
    }

    static func attempt(_ route: Route? = nil, recipient: PaymentRecipient = invoiceRecipient, height: UInt32 = height) throws -> PaymentAttempt {
        try PaymentAttempt(route: try route ?? Self.route(), paymentHash: paymentHash, recipient: recipient, currentHeight: height,
                           sessionKey: sessionKey)
    }

    static func invoice(isOpen: Bool = true) -> InvoiceTerms {
        InvoiceTerms(paymentHash: paymentHash, preimage: preimage, paymentSecret: paymentSecret, amount: amount,
                     expiresAt: now + 3600, minFinalCLTVExpiry: minFinalCLTVExpiry, isOpen: isOpen)
    }

    /// The channel B -> C or C -> D as its owner knows it, usable and with room to spare.
    static func channel(_ id: ShortChannelID, policy: ForwardingPolicy, update: [UInt8], status: OutgoingChannel.Status = .usable,
                        sendable: MilliSatoshi = MilliSatoshi(500_000_000)) -> OutgoingChannel {
        OutgoingChannel(shortChannelID: id, status: status, policy: policy, sendable: sendable, channelUpdate: update)
    }
    static func bOutgoing(policy: ForwardingPolicy = bPolicy, status: OutgoingChannel.Status = .usable,
                          sendable: MilliSatoshi = MilliSatoshi(500_000_000)) -> OutgoingChannel {
        channel(bc, policy: policy, update: bUpdate, status: status, sendable: sendable)
    }
    static func cOutgoing(policy: ForwardingPolicy = cPolicy, status: OutgoingChannel.Status = .usable,
                          sendable: MilliSatoshi = MilliSatoshi(500_000_000)) -> OutgoingChannel {
        channel(cd, policy: policy, update: cUpdate, status: status, sendable: sendable)
    }

    /// What a forwarding hop did with an HTLC: its peeled layer, and its decision.
    struct Hop {
        let incoming: CommitmentHTLC
        let payload: ForwardingHopPayload
        let sharedSecret: OnionSharedSecret
        let decision: ForwardingDecision

        var outgoing: OutgoingHTLC? {
            if case .forward(let htlc) = decision { htlc } else { nil }
        }
    }

    /// The node of `key` receives `amount` to `expiry` with `onion`, irrevocably: peels it, which
    /// must say forward, and decides on `channel`.
    static func forward(at key: PrivateKey, amount: MilliSatoshi, expiry: UInt32, onion: OnionRoutingPacket, height: UInt32 = height,
                        channel: OutgoingChannel?, sourceLocation: SourceLocation = #_sourceLocation) throws -> Hop {
        let incoming = CommitmentHTLC(id: 7, direction: .received, amount: amount, paymentHash: paymentHash, cltvExpiry: expiry)
        let action = IncomingHTLCPolicy.decide(incoming, onion: onion, nodeKey: key, currentHeight: height, now: now) { _ in nil }
        guard case .forward(let payload, let next, let secret) = action else {
            Issue.record("not a forward: \(action)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        let decision = HTLCForwarder.decide(incoming, payload: payload, next: next, sharedSecret: secret, currentHeight: height,
                                            outgoing: channel)
        return Hop(incoming: incoming, payload: payload, sharedSecret: secret, decision: decision)
    }

    /// B forwards the attempt's first HTLC with its channel as it is.
    static func atB(_ attempt: PaymentAttempt, height: UInt32 = height, channel: OutgoingChannel? = bOutgoing()) throws -> Hop {
        try forward(at: bKey, amount: attempt.firstHopAmount, expiry: attempt.firstHopExpiry, onion: attempt.onion, height: height,
                    channel: channel)
    }

    /// C receives what B forwarded.
    static func atC(_ b: Hop, height: UInt32 = height, channel: OutgoingChannel? = cOutgoing()) throws -> Hop {
        let htlc = try #require(b.outgoing)
        return try forward(at: cKey, amount: htlc.amount, expiry: htlc.cltvExpiry, onion: htlc.onion, height: height, channel: channel)
    }
}
