import ChanLedger

/// The HTLCs of one multi-part payment to an invoice of ours (BOLT 4 "Basic Multi-Part
/// Payments"): held until they add up to the `total_msat` they all name, then fulfilled
/// together (fulfilling only some would let the hops of the others claim them with the
/// preimage); failed with `mpp_timeout` if they have not added up `timeout` seconds after the
/// first arrived. A value: the node keeps one per payment hash, passes `now` and the height,
/// and performs the answers.
public struct IncomingPaymentSet: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Waiting for parts (none yet, or not enough).
        case collecting
        /// The parts added up and are fulfilled: the preimage is out.
        case completed
    }

    /// BOLT 4: wait at least 60 seconds after the first part.
    public static let defaultTimeout: UInt64 = 60

    public let invoice: InvoiceTerms
    /// Seconds the parts may take to add up, counted from the first.
    public let timeout: UInt64
    public private(set) var state: State = .collecting
    /// The parts held (collecting) or fulfilled (completed), in arrival order.
    public private(set) var parts: [IncomingPaymentPart] = []
    /// What the parts carry together.
    public private(set) var received: MilliSatoshi = .zero

    public init(invoice: InvoiceTerms, timeout: UInt64 = defaultTimeout) {
        self.invoice = invoice
        self.timeout = timeout
    }

    public var paymentHash: PaymentHash { invoice.paymentHash }

    /// When the held parts time out (`expire(now:)` fails them from then on); nil when none
    /// is held.
    public var deadline: UInt64? {
        guard state == .collecting, let first = parts.first else { return nil }
        let (deadline, overflow) = first.arrivedAt.addingReportingOverflow(timeout)
        return overflow ? .max : deadline
    }

    /// Takes a part (from an `.addPart` answer of `IncomingHTLCPolicy.decide`). Answers for
    /// every part once they add up, for the new part alone if it is refused, for the held ones
    /// if they timed out before it came (it then starts the set anew), or nothing yet.
    public mutating func add(_ part: IncomingPaymentPart, currentHeight: UInt32, now: UInt64) -> [IncomingPartAnswer] {
        let expired = expire(now: now)
        let known = parts.contains { $0.isSameHTLC(as: part) }
        switch state {
        case .completed:
            // The same HTLC decided again (after a restart) keeps its answer. Any other came
            // after the total, which the payer must not send: BOLT 4 lets a paid hash be
            // treated as unknown, and failing it gives the payer its money back.
            return expired + [known ? fulfilment(of: part) : refusal(of: part, currentHeight: currentHeight)]
        case .collecting:
            if known { return expired }
        }
        guard accepts(part) else { return expired + [refusal(of: part, currentHeight: currentHeight)] }
        parts.append(part)
        // Cannot fail: `accepts` added them.
        received = (try? received.adding(part.amount)) ?? received
        guard received >= part.totalAmount else { return expired }
        state = .completed
        return expired + parts.map(fulfilment(of:))
    }

    /// Fails every held part with `mpp_timeout` once `deadline` has passed; the set is then
    /// empty and takes new parts (the payer may try again).
    public mutating func expire(now: UInt64) -> [IncomingPartAnswer] {
        guard let deadline, now >= deadline else { return [] }
        return failAll { _ in .mppTimeout }
    }

    /// Fails every held part as unknown (the invoice was canceled, or a part nears its expiry
    /// and cannot wait for the rest); the set is then empty. Nothing once completed.
    public mutating func cancel(currentHeight: UInt32) -> [IncomingPartAnswer] {
        guard state == .collecting else { return [] }
        return failAll { Self.unknown($0, currentHeight: currentHeight) }
    }

    /// Whether a new part may join the held ones.
    private func accepts(_ part: IncomingPaymentPart) -> Bool {
        // The secret proves the sender has the invoice; the total must be one the invoice takes.
        guard part.paymentSecret == invoice.paymentSecret, invoice.accepts(total: part.totalAmount) else { return false }
        // A part naming another total fails alone, as in lnd: BOLT 4 says the whole set SHOULD
        // fail, but only a sender with the secret can send one, and the parts held may still
        // add up.
        if let first = parts.first, part.totalAmount != first.totalAmount { return false }
        // No accidental gross overpayment: at most twice the invoice in all, as for one HTLC.
        guard let sum = try? received.adding(part.amount) else { return false }
        return invoice.maximumPayment.map { sum <= $0 } ?? true
    }

    private mutating func failAll(_ failure: (IncomingPaymentPart) -> OnionFailure) -> [IncomingPartAnswer] {
        let answers = parts.map { answer($0, failure($0)) }
        parts = []
        received = .zero
        return answers
    }

    private static func unknown(_ part: IncomingPaymentPart, currentHeight: UInt32) -> OnionFailure {
        .incorrectOrUnknownPaymentDetails(htlcAmount: part.amount, height: currentHeight)
    }

    private func refusal(of part: IncomingPaymentPart, currentHeight: UInt32) -> IncomingPartAnswer {
        answer(part, Self.unknown(part, currentHeight: currentHeight))
    }

    private func fulfilment(of part: IncomingPaymentPart) -> IncomingPartAnswer {
        IncomingPartAnswer(channel: part.channel, htlcID: part.htlcID, action: .fulfill(invoice.preimage, received: part.amount))
    }

    private func answer(_ part: IncomingPaymentPart, _ failure: OnionFailure) -> IncomingPartAnswer {
        IncomingPartAnswer(channel: part.channel, htlcID: part.htlcID,
                           action: IncomingHTLCPolicy.failure(failure, sharedSecret: part.sharedSecret))
    }
}

/// What to do with one part: the HTLC `htlcID` on `channel` is fulfilled or failed.
public struct IncomingPartAnswer: Hashable, Sendable {
    public let channel: UInt64
    public let htlcID: UInt64
    /// `.fulfill` or `.fail`.
    public let action: IncomingHTLCAction

    public init(channel: UInt64, htlcID: UInt64, action: IncomingHTLCAction) {
        self.channel = channel
        self.htlcID = htlcID
        self.action = action
    }
}
