import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Small graphs of real keys (the onions are built and peeled), a session over them, fixed
/// session keys, and failures made by the failing hop with its shared secret and wrapped by
/// every hop before it, as they come back to the payer.
enum SessionFixture {
    typealias F = ForwardingFixture

    static func key(_ byte: UInt8) -> PrivateKey { F.key(byte) }
    static func id(_ key: PrivateKey) -> NodeID { NodeID(publicKey: key.publicKey) }

    static let a = F.payerKey
    static let b = F.bKey
    static let c = F.cKey
    static let d = F.dKey
    static let e = key(0xe5)

    static let height = F.height
    static let start = Duration.seconds(1_000)
    static let deadline = start + .seconds(60)

    /// A graph written one channel direction at a time; capacities in sat.
    struct Graph {
        private var builder = ChannelGraphBuilder()

        mutating func channel(_ scid: String, _ from: PrivateKey, _ to: PrivateKey, capacity: UInt64 = 1_000_000,
                              base: UInt64 = 0, ppm: UInt32 = 0, delta: UInt16 = 40) {
            let policy = ChannelPolicy(feeBase: MilliSatoshi(base), feeProportionalMillionths: ppm, cltvExpiryDelta: delta,
                                       htlcMinimum: MilliSatoshi(1), htlcMaximum: MilliSatoshi(capacity * 1000))
            precondition(builder.addDirection(try! ShortChannelID(text: scid), from: id(from), to: id(to), capacity: Satoshi(capacity),
                                              policy: policy))
        }

        func build() -> ChannelGraph { builder.build() }
    }

    static func session(to payee: PrivateKey = d, amount: MilliSatoshi = F.amount, multiPart: Bool = true, maxFee: MilliSatoshi? = nil,
                        deadline: Duration = deadline, options: RouteOptions = RouteOptions(),
                        maxAttempts: Int = PaymentSession.defaultMaxAttempts) throws -> PaymentSession {
        try PaymentSession(payer: id(a), payee: id(payee), amount: amount, paymentHash: F.paymentHash,
                           proof: .paymentSecret(F.paymentSecret, totalAmount: amount), minFinalCLTVExpiry: F.minFinalCLTVExpiry,
                           multiPart: multiPart, maxFee: maxFee, deadline: deadline, options: options, maxAttempts: maxAttempts)
    }

    /// Plans with fixed session keys (one per attempt, from the attempt count): the step.
    static func plan(_ session: inout PaymentSession, _ graph: ChannelGraph, _ missionControl: MissionControl,
                     now: Duration = start, height: UInt32 = height) -> PaymentSession.Step {
        var next = UInt8(0x10 + session.attempts.count)
        return session.plan(graph: graph, missionControl: missionControl, height: height, now: now) {
            defer { next += 1 }
            return key(next)
        }
    }

    /// Plans, which must launch attempts: them.
    static func launch(_ session: inout PaymentSession, _ graph: ChannelGraph, _ missionControl: MissionControl,
                       now: Duration = start, sourceLocation: SourceLocation = #_sourceLocation) throws -> [PaymentSession.Attempt] {
        let step = plan(&session, graph, missionControl, now: now)
        guard case .launch(let attempts) = step else {
            Issue.record("no launch: \(step)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return attempts
    }

    /// The failure hop `hop` of `attempt` creates, wrapped by every hop before it, read by the payer.
    static func failure(_ failure: OnionFailure, at hop: Int, of attempt: PaymentSession.Attempt) -> PaymentFailure {
        let secrets = attempt.htlc.hopSecrets
        var packet = OnionErrorPacket.reason(failure, sharedSecret: secrets[hop].sharedSecret)
        for index in stride(from: hop - 1, through: 0, by: -1) {
            packet = HTLCForwarder.relayFailure(packet, sharedSecret: secrets[index].sharedSecret)
        }
        return attempt.htlc.failure(from: .onion(packet))
    }

    /// The payload each hop of `attempt` finds, peeling with the hops' keys.
    static func payloads(of attempt: PaymentSession.Attempt, keys: [PrivateKey]) throws -> [HopPayload] {
        let byID = Dictionary(uniqueKeysWithValues: keys.map { (id($0), $0) })
        var onion = attempt.htlc.onion
        var payloads: [HopPayload] = []
        for hop in attempt.route.hops {
            let key = try #require(byID[hop.nodeID])
            let peeled = try Sphinx.peel(onion, nodeKey: key, associatedData: F.paymentHash.bytes)
            payloads.append(peeled.payload)
            if let next = peeled.nextPacket { onion = next }
        }
        return payloads
    }

    /// An unsigned `channel_update` for the channel into `hop`, as a failure carries it (with its type).
    static func update(for hop: RouteHop, _ policy: ChannelPolicy, timestamp: UInt32 = 2) throws -> [UInt8] {
        let flags: ChannelUpdateMessage.ChannelFlags = hop.direction == .fromNode2 ? [.direction] : []
        return try ChannelUpdateMessage(
            chainHash: GossipFixtures.chain, shortChannelID: hop.shortChannelID, timestamp: timestamp, channelFlags: flags,
            cltvExpiryDelta: policy.cltvExpiryDelta, htlcMinimum: policy.htlcMinimum, feeBase: policy.feeBase,
            feeProportionalMillionths: policy.feeProportionalMillionths, htlcMaximum: policy.htlcMaximum
        ).encode()
    }

    static func side(_ hop: RouteHop, reversed: Bool = false) -> MissionControl.ChannelSide {
        let other: ChannelDirection = hop.direction == .fromNode1 ? .fromNode2 : .fromNode1
        return MissionControl.ChannelSide(hop.shortChannelID, reversed ? other : hop.direction)
    }

    /// The amount each channel side carries over `attempts`, in msat.
    static func loads(_ attempts: [PaymentSession.Attempt]) -> [MissionControl.ChannelSide: UInt64] {
        var loads: [MissionControl.ChannelSide: UInt64] = [:]
        for attempt in attempts {
            for hop in attempt.route.hops { loads[side(hop), default: 0] += hop.amount.value }
        }
        return loads
    }
}

extension PaymentSession.Attempt {
    var channels: [String] { route.hops.map(\.shortChannelID.description) }
}
