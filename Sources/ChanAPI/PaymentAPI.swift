import ChanLedger

/// Method `invoice`.
public struct InvoiceParams: Codable, Sendable, Equatable {
    /// Nil: an invoice for any amount.
    public var amountMsat: MilliSatoshi?
    public let description: String
    /// Seconds until it expires.
    public let expiry: UInt64
    /// A hold invoice: its HTLC waits for `settle` (or `cancel`) instead of being settled at once.
    public let hold: Bool

    public init(amountMsat: MilliSatoshi?, description: String, expiry: UInt64, hold: Bool = false) {
        self.amountMsat = amountMsat
        self.description = description
        self.expiry = expiry
        self.hold = hold
    }
}

/// Methods `settle` and `cancel`: a hold invoice, by its payment hash.
public struct InvoiceHashParams: Codable, Sendable, Equatable {
    public let paymentHash: String
    public init(paymentHash: String) { self.paymentHash = paymentHash }
}

/// An invoice of ours (`chan invoice`, `chan invoices`); never its preimage.
public struct InvoiceJSON: Codable, Sendable, Equatable {
    /// The BOLT 11 text to hand to the payer.
    public let invoice: String
    public let paymentHash: String
    public var amountMsat: MilliSatoshi?
    public let description: String
    public let createdAt: UInt64
    public let expiresAt: UInt64
    public let minFinalCltvExpiry: UInt32
    /// `open`, `held` (a hold invoice's HTLC waits), `paid`, `canceled` or `expired`.
    public let status: String
    public let hold: Bool
    public var receivedMsat: MilliSatoshi?
    public var paidAt: UInt64?

    public init(invoice: String, paymentHash: String, amountMsat: MilliSatoshi?, description: String, createdAt: UInt64, expiresAt: UInt64,
                minFinalCltvExpiry: UInt32, status: String, hold: Bool, receivedMsat: MilliSatoshi?, paidAt: UInt64?) {
        self.invoice = invoice
        self.paymentHash = paymentHash
        self.amountMsat = amountMsat
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.minFinalCltvExpiry = minFinalCltvExpiry
        self.status = status
        self.hold = hold
        self.receivedMsat = receivedMsat
        self.paidAt = paidAt
    }
}

public struct InvoicesResult: Codable, Sendable, Equatable {
    public let invoices: [InvoiceJSON]
    public init(invoices: [InvoiceJSON]) { self.invoices = invoices }
}

/// Method `pay`: an invoice, or a keysend payment to `keysend` (a node id) of `amount_msat`.
public struct PayParams: Codable, Sendable, Equatable {
    public var invoice: String?
    /// For an invoice without an amount; the amount of a keysend payment.
    public var amountMsat: MilliSatoshi?
    /// How long `pay` tries and waits for the outcome.
    public let timeoutSeconds: UInt64
    /// The most fee the payment may pay, all parts together (null: no limit).
    public var maxFeeMsat: MilliSatoshi?
    /// Keysend (no invoice): the payee's node id.
    public var keysend: String?
    /// For demos and tests: the first attempt's onion is damaged for the hop after our peer, which
    /// fails it (`update_fail_malformed_htlc`, `invalid_onion_hmac`); the payment goes on from there.
    public var corruptOnion: Bool?

    public init(invoice: String?, amountMsat: MilliSatoshi?, timeoutSeconds: UInt64, maxFeeMsat: MilliSatoshi? = nil, keysend: String? = nil,
                corruptOnion: Bool? = nil) {
        self.invoice = invoice
        self.amountMsat = amountMsat
        self.timeoutSeconds = timeoutSeconds
        self.maxFeeMsat = maxFeeMsat
        self.keysend = keysend
        self.corruptOnion = corruptOnion
    }
}

/// One of our payments (`chan pay`, `chan payments`).
public struct PaymentJSON: Codable, Sendable, Equatable {
    /// `pending`, `succeeded` or `failed`.
    public let status: String
    public let paymentHash: String
    /// The proof of payment, once it succeeded.
    public var preimage: String?
    public let amountMsat: MilliSatoshi
    public let feeMsat: MilliSatoshi
    public let destination: String
    public let createdAt: UInt64
    public var durationMs: UInt64?
    public var failureCode: String?
    public var failureMessage: String?
    /// Every HTLC the payment sent: a route tried, or a part of a multi-part payment.
    public let attempts: [AttemptJSON]

    public init(status: String, paymentHash: String, preimage: String?, amountMsat: MilliSatoshi, feeMsat: MilliSatoshi, destination: String,
                createdAt: UInt64, durationMs: UInt64?, failureCode: String?, failureMessage: String?, attempts: [AttemptJSON]) {
        self.status = status
        self.paymentHash = paymentHash
        self.preimage = preimage
        self.amountMsat = amountMsat
        self.feeMsat = feeMsat
        self.destination = destination
        self.createdAt = createdAt
        self.durationMs = durationMs
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.attempts = attempts
    }
}

/// One HTLC of a payment: its route (each hop: the node reached, the channel, what it receives,
/// what it keeps, the CLTV delta it adds), what it delivers and costs, and how it ended.
public struct AttemptJSON: Codable, Sendable, Equatable {
    public let id: UInt64
    /// `in_flight`, `succeeded` or `failed`.
    public let status: String
    public let amountMsat: MilliSatoshi
    public let feeMsat: MilliSatoshi
    public let route: [Hop]
    /// The failing node and its place on the route (0: our peer), and the failure's name.
    public var failingNode: String?
    public var failingHop: Int?
    public var failureCode: String?

    public struct Hop: Codable, Sendable, Equatable {
        public let nodeId: String
        public let shortChannelId: String
        public let amountMsat: MilliSatoshi
        public let feeMsat: MilliSatoshi
        public let cltvExpiryDelta: UInt32

        public init(nodeId: String, shortChannelId: String, amountMsat: MilliSatoshi, feeMsat: MilliSatoshi, cltvExpiryDelta: UInt32) {
            self.nodeId = nodeId
            self.shortChannelId = shortChannelId
            self.amountMsat = amountMsat
            self.feeMsat = feeMsat
            self.cltvExpiryDelta = cltvExpiryDelta
        }
    }

    public init(id: UInt64, status: String, amountMsat: MilliSatoshi, feeMsat: MilliSatoshi, route: [Hop], failingNode: String?,
                failingHop: Int?, failureCode: String?) {
        self.id = id
        self.status = status
        self.amountMsat = amountMsat
        self.feeMsat = feeMsat
        self.route = route
        self.failingNode = failingNode
        self.failingHop = failingHop
        self.failureCode = failureCode
    }
}

public struct PaymentsResult: Codable, Sendable, Equatable {
    public let payments: [PaymentJSON]
    public init(payments: [PaymentJSON]) { self.payments = payments }
}
