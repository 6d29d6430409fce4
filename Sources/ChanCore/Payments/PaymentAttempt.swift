import ChanCrypto
import ChanLedger

/// One try at a payment along one route: the onion the first HTLC carries, and the route's
/// shared secrets that decrypt a failure coming back. A value the payer keeps (and persists)
/// while the HTLC is out; `failure(from:)` turns what came back into an answer.
public struct PaymentAttempt: Hashable, Sendable {
    /// The most hops a payment goes over: BOLT 4's attribution data holds 20, as do lnd's and
    /// LDK's routes (`Sphinx.maxHopCount`, 27, is what the packet alone could carry).
    public static let maxHopCount = 20

    public let paymentHash: PaymentHash
    /// What the payee receives.
    public let amount: MilliSatoshi
    /// What the first HTLC carries, and its absolute expiry.
    public let firstHopAmount: MilliSatoshi
    public let firstHopExpiry: UInt32
    /// The channel the first HTLC goes on; nil for any of ours with the first hop.
    public let firstHopChannel: ShortChannelID?
    public let onion: OnionRoutingPacket
    public let hopSecrets: [OnionHopSecret]

    /// An attempt along `route` (the pathfinder's), at `currentHeight`. See
    /// `init(hops:paymentHash:recipient:currentHeight:sessionKey:)`.
    public init(route: Route, paymentHash: PaymentHash, recipient: PaymentRecipient, currentHeight: UInt32,
                sessionKey: PrivateKey) throws(PaymentAttemptError) {
        var hops: [PaymentRouteHop] = []
        for (index, hop) in route.hops.enumerated() {
            guard let nodeID = try? PublicKey(compressed: hop.nodeID.bytes) else { throw .invalidNodeID(hopIndex: index) }
            hops.append(PaymentRouteHop(nodeID: nodeID, shortChannelID: hop.shortChannelID, amount: hop.amount,
                                        cltvExpiryDelta: hop.cltvExpiryDelta))
        }
        try self.init(hops: hops, paymentHash: paymentHash, recipient: recipient, currentHeight: currentHeight, sessionKey: sessionKey)
    }

    /// An attempt along `hops` (first hop first), at `currentHeight`. Hop `i` is told to
    /// forward over `hops[i + 1]`'s channel what `hops[i + 1]` receives, with an expiry
    /// `hops[i].cltvExpiryDelta` blocks below its own; the payee's HTLC expires
    /// `max(last delta, recipient.minFinalCLTVExpiry)` blocks above `currentHeight` (a route
    /// found for a larger final delta, with a margin for blocks found meanwhile, keeps it).
    /// `sessionKey` must be fresh random for every attempt.
    public init(hops: [PaymentRouteHop], paymentHash: PaymentHash, recipient: PaymentRecipient, currentHeight: UInt32,
                sessionKey: PrivateKey) throws(PaymentAttemptError) {
        guard let last = hops.last else { throw .emptyRoute }
        guard hops.count <= Self.maxHopCount else { throw .tooManyHops(hops.count, limit: Self.maxHopCount) }
        let (finalExpiry, overflow) = currentHeight.addingReportingOverflow(max(last.cltvExpiryDelta, recipient.minFinalCLTVExpiry))
        guard !overflow else { throw .cltvOverflow }
        let expiries = try Self.expiries(of: hops, finalExpiry: finalExpiry)
        let blocks = expiries[0] - currentHeight
        guard blocks <= Commitments.maxCLTVExpiryDelta else { throw .cltvTooFar(blocks: blocks, limit: Commitments.maxCLTVExpiryDelta) }
        try self.init(hops: hops, expiries: expiries, paymentHash: paymentHash, recipient: recipient, sessionKey: sessionKey)
    }

    /// A payment to our peer `payee` over our channel with it: one hop, the final one, with
    /// `payment_data` (the invoice's secret and the whole amount). The HTLC expires at
    /// `finalExpiry`, an absolute height.
    public static func direct(to payee: PublicKey, amount: MilliSatoshi, paymentHash: PaymentHash, paymentSecret: Bytes32,
                              finalExpiry: UInt32, sessionKey: PrivateKey) throws(PaymentAttemptError) -> PaymentAttempt {
        let hop = PaymentRouteHop(nodeID: payee, shortChannelID: nil, amount: amount, cltvExpiryDelta: 0)
        let recipient = PaymentRecipient(proof: .paymentSecret(paymentSecret, totalAmount: amount), minFinalCLTVExpiry: 0)
        return try PaymentAttempt(hops: [hop], expiries: [finalExpiry], paymentHash: paymentHash, recipient: recipient, sessionKey: sessionKey)
    }

    /// The expiry of the HTLC each hop receives, from the payee's back to the first.
    static func expiries(of hops: [PaymentRouteHop], finalExpiry: UInt32) throws(PaymentAttemptError) -> [UInt32] {
        var expiries = [UInt32](repeating: finalExpiry, count: hops.count)
        for index in hops.indices.dropLast().reversed() {
            let (expiry, overflow) = expiries[index + 1].addingReportingOverflow(hops[index].cltvExpiryDelta)
            guard !overflow else { throw .cltvOverflow }
            expiries[index] = expiry
        }
        return expiries
    }

    private init(hops: [PaymentRouteHop], expiries: [UInt32], paymentHash: PaymentHash, recipient: PaymentRecipient,
                 sessionKey: PrivateKey) throws(PaymentAttemptError) {
        guard hops[hops.count - 1].amount > .zero else { throw .zeroAmount }
        if case .keysend(let preimage) = recipient.proof, preimage.hash != paymentHash { throw .keysendPreimageMismatch }
        var onionHops: [OnionHop] = []
        for index in hops.indices {
            let payload: HopPayload
            if index == hops.count - 1 {
                payload = .final(recipient.finalPayload(amount: hops[index].amount, expiry: expiries[index]))
            } else {
                let next = hops[index + 1]
                guard let channel = next.shortChannelID else { throw .missingChannel(hopIndex: index + 1) }
                guard hops[index].amount >= next.amount else { throw .amountBelowNextHop(hopIndex: index) }
                payload = .forwarding(ForwardingHopPayload(amountToForward: next.amount, outgoingCLTVValue: expiries[index + 1],
                                                           shortChannelID: channel))
            }
            do {
                onionHops.append(try OnionHop(nodeID: hops[index].nodeID, payload: payload))
            } catch {
                throw .invalidPayload(hopIndex: index, error)
            }
        }
        let built: BuiltOnion
        do {
            built = try Sphinx.build(sessionKey: sessionKey, hops: onionHops, associatedData: paymentHash.bytes)
        } catch {
            throw .onion(error)
        }
        self.paymentHash = paymentHash
        amount = hops[hops.count - 1].amount
        firstHopAmount = hops[0].amount
        firstHopExpiry = expiries[0]
        firstHopChannel = hops[0].shortChannelID
        onion = built.packet
        hopSecrets = built.hopSecrets
    }

    /// Why the payment failed, from what our channel learned of the HTLC's failure.
    public func failure(from failure: HTLCFailure) -> PaymentFailure { PaymentAttempt.failure(from: failure, hopSecrets: hopSecrets) }

    /// As `failure(from:)`, with the route's secrets as stored (after a restart).
    public static func failure(from failure: HTLCFailure, hopSecrets: [OnionHopSecret]) -> PaymentFailure {
        switch failure {
        case .onion(let reason):
            return decrypt(reason, hopSecrets: hopSecrets)
        case .malformed(let sha256OfOnion, let failureCode):
            // Our peer could not read the onion we sent it.
            let failure = OnionFailure(malformedCode: failureCode, sha256OfOnion: sha256OfOnion)
            let peer = hopSecrets.first?.nodeID
            return PaymentFailure(code: failure.name, message: "\(peer?.hex ?? "the first hop") could not read its onion (\(failure.name))",
                                  hopIndex: 0, failingNode: peer, failure: failure, failingNodeCouldNotReadOnion: true)
        case .local(let why):
            return PaymentFailure(code: "htlc_failed", message: why, hopIndex: nil, failingNode: nil)
        }
    }

    /// A failure onion that came back, decrypted with the route's secrets.
    private static func decrypt(_ reason: [UInt8], hopSecrets: [OnionHopSecret]) -> PaymentFailure {
        switch OnionErrorPacket.decrypt(reason, route: hopSecrets) {
        case .failure(let index, let node, let message):
            let failure = message.failure
            // A hop that cannot read its onion shares no secret with us: the hop before it
            // sends the failure (BOLT 2), so the message names both.
            let text = failure.isBadOnion && index + 1 < hopSecrets.count
                ? "\(hopSecrets[index + 1].nodeID.hex) could not read its onion (\(failure.name), sent by \(node.hex))"
                : "\(node.hex) failed the payment: \(failure.name)"
            return PaymentFailure(code: failure.name, message: text, hopIndex: index, failingNode: node, failure: failure)
        case .malformed(let index, let node, _):
            return PaymentFailure(code: "malformed_failure", message: "\(node.hex) returned a failure that does not decode",
                                  hopIndex: index, failingNode: node)
        case .unattributable:
            return PaymentFailure(code: "unreadable_failure", message: "the failure that came back cannot be read", hopIndex: nil, failingNode: nil)
        }
    }

    /// The route's secrets as stored bytes: node id (33) and shared secret (32) per hop.
    public var storedSecrets: [UInt8] { hopSecrets.flatMap { $0.nodeID.compressed + $0.sharedSecret.bytes } }

    public static func secrets(stored bytes: [UInt8]) -> [OnionHopSecret] {
        stride(from: 0, to: bytes.count - 64, by: 65).compactMap { start in
            guard let node = try? PublicKey(compressed: Array(bytes[start..<start + 33])),
                  let secret = try? OnionSharedSecret(Array(bytes[start + 33..<start + 65])) else { return nil }
            return OnionHopSecret(nodeID: node, sharedSecret: secret)
        }
    }
}
