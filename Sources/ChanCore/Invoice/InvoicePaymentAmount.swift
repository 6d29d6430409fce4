import ChanLedger

/// The amount rules around an invoice. BOLT 4 lets a payee take up to twice the amount it
/// asked for (so payers can vary amounts for privacy) and never less.
extension Invoice {
    /// The most a payee accepts: twice the invoice's amount, saturating; nil without an amount.
    public var maximumAcceptedAmount: MilliSatoshi? {
        amount.map { (try? $0.multiplied(by: 2)) ?? MilliSatoshi(.max) }
    }

    /// What a payer sends: the invoice's amount, or `requested`, which an invoice without
    /// an amount needs and one with an amount allows only within [amount, 2 x amount].
    public func amountToPay(requested: MilliSatoshi? = nil) throws(InvoiceError) -> MilliSatoshi {
        guard let amount else {
            guard let requested, requested > .zero else { throw .amountRequired }
            return requested
        }
        guard let requested else { return amount }
        guard requested >= amount else { throw .amountBelowInvoice(requested: requested, invoice: amount) }
        let limit = maximumAcceptedAmount ?? amount
        guard requested <= limit else { throw .amountAboveLimit(requested: requested, limit: limit) }
        return requested
    }

    /// Whether a payee should settle a payment of `received` for this invoice.
    public func accepts(received: MilliSatoshi) -> Bool {
        guard let amount, let limit = maximumAcceptedAmount else { return received > .zero }
        return received >= amount && received <= limit
    }
}
