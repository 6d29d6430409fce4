import ChanCrypto
import ChanLedger

/// One try at a payment along one route: the onion the first HTLC carries, and the route's
/// shared secrets that decrypt a failure coming back. A value the payer keeps (and persists)
/// while the HTLC is out; `outcome` turns what came back into an answer.
public struct PaymentAttempt: Hashable, Sendable {
    public let paymentHash: PaymentHash
    /// What the payee receives.
    public let amount: MilliSatoshi
    /// What the first HTLC carries, and its absolute expiry.
    public let firstHopAmount: MilliSatoshi
    public let firstHopExpiry: UInt32
    public let onion: OnionRoutingPacket
    public let hopSecrets: [OnionHopSecret]

    /// A payment to our peer `payee` over our channel with it: one hop, the final one, with
    /// `payment_data` (the invoice's secret and the whole amount). The HTLC expires at
    /// `finalExpiry`, an absolute height.
    public static func direct(to payee: PublicKey, amount: MilliSatoshi, paymentHash: PaymentHash, paymentSecret: Bytes32,
                              finalExpiry: UInt32, sessionKey: PrivateKey) throws(OnionBuildError) -> PaymentAttempt {
        let payload = FinalHopPayload(amountToForward: amount, outgoingCLTVValue: finalExpiry,
                                      paymentData: PaymentData(paymentSecret: paymentSecret, totalAmount: amount))
        let hop: OnionHop
        do { hop = try OnionHop(nodeID: payee, payload: .final(payload)) } catch { throw .payloadsTooLarge(total: 0, limit: Sphinx.hopPayloadsLength) }
        let built = try Sphinx.build(sessionKey: sessionKey, hops: [hop], associatedData: paymentHash.bytes)
        return PaymentAttempt(paymentHash: paymentHash, amount: amount, firstHopAmount: amount, firstHopExpiry: finalExpiry,
                              onion: built.packet, hopSecrets: built.hopSecrets)
    }

    /// Why the payment failed, from the `reason` of the `update_fail_htlc` that came back
    /// (empty for an `update_fail_malformed_htlc` from the first hop, or a failure that never
    /// left this node).
    public func failure(from reason: [UInt8]) -> PaymentFailure { PaymentAttempt.failure(from: reason, hopSecrets: hopSecrets) }

    /// As `failure(from:)`, with the route's secrets as stored (after a restart).
    public static func failure(from reason: [UInt8], hopSecrets: [OnionHopSecret]) -> PaymentFailure {
        guard !reason.isEmpty else {
            return PaymentFailure(code: "first_hop_failed", message: "the first hop could not take the HTLC",
                                  hopIndex: 0, failingNode: hopSecrets.first?.nodeID)
        }
        // Shorter than any failure onion: the channel's own reason (a disconnect before the HTLC
        // was signed, a timeout on chain), as text.
        guard reason.count >= Sphinx.hmacLength + 4 else {
            return PaymentFailure(code: "htlc_failed", message: String(decoding: reason, as: UTF8.self), hopIndex: nil, failingNode: nil)
        }
        switch OnionErrorPacket.decrypt(reason, route: hopSecrets) {
        case .failure(let index, let node, let message):
            return PaymentFailure(code: message.failure.name, message: "\(node.hex) failed the payment: \(message.failure.name)",
                                  hopIndex: index, failingNode: node)
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

/// A failed payment, as the payer can tell it.
public struct PaymentFailure: Hashable, Sendable {
    /// The BOLT 4 failure's name (`incorrect_or_unknown_payment_details`, ...) or ours.
    public let code: String
    public let message: String
    /// Which hop failed it (0: our peer), when known.
    public let hopIndex: Int?
    public let failingNode: PublicKey?

    public init(code: String, message: String, hopIndex: Int?, failingNode: PublicKey?) {
        self.code = code
        self.message = message
        self.hopIndex = hopIndex
        self.failingNode = failingNode
    }
}
