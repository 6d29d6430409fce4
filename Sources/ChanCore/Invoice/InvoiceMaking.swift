import ChanLedger

extension Invoice {
    /// Builds our own invoice, ready for `signed(with:)`. The payment secret and hash come
    /// from the caller (no randomness here), and so does `timestamp` (no clock).
    ///
    /// Fields are written `p`, `s`, `d` or `h`, `x` (only when not the default), `c` (the
    /// spec says a writer should include it), the route hints, then `9` (omitted when empty,
    /// as the spec requires). Refuses what a reader would refuse: a zero amount, a timestamp
    /// past 35 bits, a description over 639 bytes, an unknown required feature.
    public static func make(
        prefix: InvoicePrefix = .default,
        amount: MilliSatoshi?,
        paymentHash: PaymentHash,
        paymentSecret: Bytes32,
        description: InvoiceDescription,
        expiry: UInt64 = UnsignedInvoice.defaultExpiry,
        minFinalCLTVExpiry: UInt32 = UnsignedInvoice.defaultMinFinalCLTVExpiry,
        routeHints: [RouteHint] = [],
        features: InvoiceFeatures = .standard,
        timestamp: UInt64
    ) throws(InvoiceError) -> UnsignedInvoice {
        var fields: [InvoiceField] = [.paymentHash(paymentHash), .paymentSecret(paymentSecret)]
        switch description {
        case .text(let text): fields.append(.description(text))
        case .hash(let hash): fields.append(.descriptionHash(hash))
        }
        if expiry != UnsignedInvoice.defaultExpiry { fields.append(.expiry(expiry)) }
        fields.append(.minFinalCLTVExpiry(minFinalCLTVExpiry))
        fields += routeHints.map(InvoiceField.routeHint)
        if !features.isEmpty { fields.append(.features(features)) }
        let invoice = UnsignedInvoice(prefix: prefix, amount: amount, timestamp: timestamp, fields: fields)
        _ = try invoice.checked()
        _ = try invoice.dataWords()
        return invoice
    }
}
