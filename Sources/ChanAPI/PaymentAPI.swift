import ChanLedger

/// Method `invoice`.
public struct InvoiceParams: Codable, Sendable, Equatable {
    /// Nil: an invoice for any amount.
    @Nullable public var amountMsat: MilliSatoshi?
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
    @Nullable public var amountMsat: MilliSatoshi?
    public let description: String
    public let createdAt: UInt64
    public let expiresAt: UInt64
    public let minFinalCltvExpiry: UInt32
    /// `open`, `held` (a hold invoice's HTLC waits), `paid`, `canceled` or `expired`.
    public let status: String
    public let hold: Bool
    @Nullable public var receivedMsat: MilliSatoshi?
    @Nullable public var paidAt: UInt64?

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

/// Method `pay`.
public struct PayParams: Codable, Sendable, Equatable {
    public let invoice: String
    /// For an invoice without an amount.
    @Nullable public var amountMsat: MilliSatoshi?
    /// How long `pay` waits for the outcome.
    public let timeoutSeconds: UInt64

    public init(invoice: String, amountMsat: MilliSatoshi?, timeoutSeconds: UInt64) {
        self.invoice = invoice
        self.amountMsat = amountMsat
        self.timeoutSeconds = timeoutSeconds
    }
}

/// One of our payments (`chan pay`, `chan payments`).
public struct PaymentJSON: Codable, Sendable, Equatable {
    /// `pending`, `succeeded` or `failed`.
    public let status: String
    public let paymentHash: String
    /// The proof of payment, once it succeeded.
    @Nullable public var preimage: String?
    public let amountMsat: MilliSatoshi
    public let feeMsat: MilliSatoshi
    public let destination: String
    public let createdAt: UInt64
    @Nullable public var durationMs: UInt64?
    @Nullable public var failureCode: String?
    @Nullable public var failureMessage: String?

    public init(status: String, paymentHash: String, preimage: String?, amountMsat: MilliSatoshi, feeMsat: MilliSatoshi, destination: String,
                createdAt: UInt64, durationMs: UInt64?, failureCode: String?, failureMessage: String?) {
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
    }
}

public struct PaymentsResult: Codable, Sendable, Equatable {
    public let payments: [PaymentJSON]
    public init(payments: [PaymentJSON]) { self.payments = payments }
}
