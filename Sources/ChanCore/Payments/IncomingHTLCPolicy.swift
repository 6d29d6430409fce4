import ChanCrypto
import ChanLedger

/// What the payee needs to know of its invoice to judge an HTLC that pays it.
public struct InvoiceTerms: Hashable, Sendable {
    public let paymentHash: PaymentHash
    public let preimage: Preimage
    public let paymentSecret: Bytes32
    /// Nil for an invoice of any amount.
    public let amount: MilliSatoshi?
    public let expiresAt: UInt64
    public let minFinalCLTVExpiry: UInt32
    /// Not paid yet.
    public let isOpen: Bool

    public init(paymentHash: PaymentHash, preimage: Preimage, paymentSecret: Bytes32, amount: MilliSatoshi?,
                expiresAt: UInt64, minFinalCLTVExpiry: UInt32, isOpen: Bool) {
        self.paymentHash = paymentHash
        self.preimage = preimage
        self.paymentSecret = paymentSecret
        self.amount = amount
        self.expiresAt = expiresAt
        self.minFinalCLTVExpiry = minFinalCLTVExpiry
        self.isOpen = isOpen
    }
}

/// What to do with an HTLC the peer irrevocably committed to us.
public enum IncomingHTLCAction: Hashable, Sendable {
    /// It pays one of our invoices: settle it with the preimage.
    case fulfill(Preimage, received: MilliSatoshi)
    /// Fail it with `failure`, encrypted for the sender (`reason` of `update_fail_htlc`).
    case fail(reason: [UInt8], failure: OnionFailure)
    /// The onion cannot be read: `update_fail_malformed_htlc`.
    case failMalformed(sha256OfOnion: Hash32, failureCode: UInt16)
    /// Not ours: the onion asks us to forward `next` as the payload says. The node looks up
    /// the payload's channel and asks `HTLCForwarder.decide`; `sharedSecret` encrypts any
    /// failure of this HTLC for the sender.
    case forward(ForwardingHopPayload, next: OnionRoutingPacket, sharedSecret: OnionSharedSecret)
    /// One part of a multi-part payment to an open invoice of ours (its `total_msat` is more
    /// than this HTLC): add it to the payment's `IncomingPaymentSet`, which answers once the
    /// parts add up or time runs out.
    case addPart(PaymentData, sharedSecret: OnionSharedSecret)
    /// A keysend payment (no invoice of ours): settle it with the preimage the sender chose.
    case keysend(Preimage, received: MilliSatoshi)
}

/// BOLT 4's rules for the final node: the onion must be ours and authentic, its payload must
/// agree with the HTLC, and the HTLC must pay an open invoice of ours with its payment secret,
/// at least its amount (at most twice it) and enough blocks before its expiry. A payment in
/// parts is judged on its `total_msat`, and its parts go to an `IncomingPaymentSet`; an onion
/// that goes on is handed back to be forwarded. Pure: the node looks the invoice up and
/// performs the answer.
public enum IncomingHTLCPolicy {
    public static func decide(_ htlc: CommitmentHTLC, onion: OnionRoutingPacket, nodeKey: PrivateKey, currentHeight: UInt32,
                              now: UInt64, invoice lookup: (PaymentHash) -> InvoiceTerms?) -> IncomingHTLCAction {
        let peeled: PeeledOnion
        do {
            peeled = try Sphinx.peel(onion, nodeKey: nodeKey, associatedData: htlc.paymentHash.bytes)
        } catch {
            switch error {
            case .badOnion(let bad):
                return .failMalformed(sha256OfOnion: bad.sha256OfOnion, failureCode: bad.failureCode)
            case .invalidPayload(let payloadError, let secret):
                return failure(payloadError.failure, sharedSecret: secret)
            }
        }
        let secret = peeled.sharedSecret
        let payload: FinalHopPayload
        switch peeled.hop {
        case .forward(let forwarding, let next):
            return .forward(forwarding, next: next, sharedSecret: secret)
        case .final(let final):
            payload = final
        }
        let unknown = OnionFailure.incorrectOrUnknownPaymentDetails(htlcAmount: htlc.amount, height: currentHeight)
        guard payload.amountToForward <= htlc.amount else {
            return failure(.finalIncorrectHTLCAmount(incomingHTLCAmount: htlc.amount), sharedSecret: secret)
        }
        guard payload.outgoingCLTVValue <= htlc.cltvExpiry else {
            return failure(.finalIncorrectCLTVExpiry(cltvExpiry: htlc.cltvExpiry), sharedSecret: secret)
        }
        guard let invoice = lookup(htlc.paymentHash) else {
            // Keysend: no invoice, the sender chose the preimage and sent it along.
            guard let preimage = payload.keysendPreimage, preimage.hash == htlc.paymentHash,
                  htlc.cltvExpiry >= currentHeight &+ UnsignedInvoice.defaultMinFinalCLTVExpiry else { return failure(unknown, sharedSecret: secret) }
            return .keysend(preimage, received: htlc.amount)
        }
        guard invoice.isOpen, now < invoice.expiresAt else { return failure(unknown, sharedSecret: secret) }
        // The secret proves the sender has the invoice (probing a hash alone learns nothing).
        guard let data = payload.paymentData, data.paymentSecret == invoice.paymentSecret else { return failure(unknown, sharedSecret: secret) }
        // BOLT 4: the amount paid is the whole payment's, `total_msat`, when this HTLC is a part of it.
        let isPart = data.totalAmount > htlc.amount
        guard invoice.accepts(total: isPart ? data.totalAmount : htlc.amount) else { return failure(unknown, sharedSecret: secret) }
        guard htlc.cltvExpiry >= currentHeight &+ invoice.minFinalCLTVExpiry else { return failure(unknown, sharedSecret: secret) }
        return isPart ? .addPart(data, sharedSecret: secret) : .fulfill(invoice.preimage, received: htlc.amount)
    }

    /// The answer that fails `htlc` as unknown to us whatever it carries (a held payment the
    /// payee cancels, an HTLC that must not wait any longer).
    public static func refusal(of htlc: CommitmentHTLC, onion: OnionRoutingPacket, nodeKey: PrivateKey, currentHeight: UInt32) -> IncomingHTLCAction {
        do {
            let peeled = try Sphinx.peel(onion, nodeKey: nodeKey, associatedData: htlc.paymentHash.bytes)
            return failure(.incorrectOrUnknownPaymentDetails(htlcAmount: htlc.amount, height: currentHeight), sharedSecret: peeled.sharedSecret)
        } catch {
            switch error {
            case .badOnion(let bad): return .failMalformed(sha256OfOnion: bad.sha256OfOnion, failureCode: bad.failureCode)
            case .invalidPayload(let payloadError, let secret): return failure(payloadError.failure, sharedSecret: secret)
            }
        }
    }

    /// The answer that fails an HTLC with `failure`, encrypted for the sender with the HTLC's
    /// shared secret.
    public static func failure(_ failure: OnionFailure, sharedSecret: OnionSharedSecret) -> IncomingHTLCAction {
        .fail(reason: OnionErrorPacket.reason(failure, sharedSecret: sharedSecret), failure: failure)
    }
}

extension InvoiceTerms {
    /// BOLT 4: a payment of `total` pays the invoice if it is at least the invoice's amount and
    /// at most twice it (more is an accident the payer should not suffer); any amount pays an
    /// invoice without one.
    func accepts(total: MilliSatoshi) -> Bool {
        guard let amount, let maximumPayment else { return true }
        return total >= amount && total <= maximumPayment
    }

    /// Twice the invoice's amount; nil for an invoice of any amount.
    var maximumPayment: MilliSatoshi? { amount.map { (try? $0.adding($0)) ?? MilliSatoshi(.max) } }
}
