import ChanLedger

/// BOLT 3 "Fees" and "Trimmed Outputs": fees follow from `feerate_per_kw` and the *expected*
/// weight of a Bitcoin transaction of the same shape (Appendix A), not from our ledger's byte
/// sizes, so that amounts and trimming are Lightning's (Appendix C reproduces).
public enum CommitmentFees {
    /// Commitment transaction with `to_local` and `to_remote` and no HTLC output.
    public static let commitmentBaseWeight: UInt64 = 724
    /// Each untrimmed HTLC output adds this to the commitment weight.
    public static let htlcOutputWeight: UInt64 = 172
    public static let htlcTimeoutWeight: UInt64 = 663
    public static let htlcSuccessWeight: UInt64 = 703

    /// `feerate_per_kw * weight / 1000`, rounded down. Never wraps: a product that does not fit
    /// 64 bits saturates (only absurd HTLC counts get there; the builder refuses them first).
    public static func fee(feeratePerKw: UInt32, weight: UInt64) -> Satoshi {
        let product = UInt64(feeratePerKw).multipliedFullWidth(by: weight)
        guard product.high < 1000 else { return Satoshi(UInt64.max) }
        return Satoshi(UInt64(1000).dividingFullWidth(product).quotient)
    }

    /// The base fee of a commitment transaction: the opener pays it; trimmed HTLCs and rounding
    /// add to what the transaction really leaves to the miner.
    public static func commitmentFee(feeratePerKw: UInt32, untrimmedHTLCCount: Int) -> Satoshi {
        let count = UInt64(max(untrimmedHTLCCount, 0))
        let (htlcWeight, overflow) = htlcOutputWeight.multipliedReportingOverflow(by: count)
        let weight = overflow ? UInt64.max : commitmentBaseWeight.addingSaturating(htlcWeight)
        return fee(feeratePerKw: feeratePerKw, weight: weight)
    }

    public static func htlcTimeoutFee(feeratePerKw: UInt32) -> Satoshi {
        fee(feeratePerKw: feeratePerKw, weight: htlcTimeoutWeight)
    }

    public static func htlcSuccessFee(feeratePerKw: UInt32) -> Satoshi {
        fee(feeratePerKw: feeratePerKw, weight: htlcSuccessWeight)
    }

    /// The fee of the second-stage transaction that would spend this HTLC's output on the
    /// commitment of the side for which `htlc.direction` is written.
    public static func secondStageFee(for htlc: CommitmentHTLC, feeratePerKw: UInt32) -> Satoshi {
        switch htlc.direction {
        case .offered: htlcTimeoutFee(feeratePerKw: feeratePerKw)
        case .received: htlcSuccessFee(feeratePerKw: feeratePerKw)
        }
    }

    /// True when the HTLC gets no output: its amount in whole satoshis is below the dust limit
    /// plus the fee of its second-stage transaction (timeout if offered, success if received),
    /// because that transaction's output would be dust. An HTLC under one satoshi is trimmed
    /// whatever the dust limit: the ledger has no empty outputs.
    public static func isTrimmed(_ htlc: CommitmentHTLC, dustLimit: Satoshi, feeratePerKw: UInt32) -> Bool {
        let amount = htlc.amount.flooredSatoshi
        let fee = secondStageFee(for: htlc, feeratePerKw: feeratePerKw)
        // A threshold that overflows cannot be reached by any amount.
        guard let threshold = try? dustLimit.adding(fee) else { return true }
        return amount < threshold || amount == .zero
    }

    /// The HTLCs of `spec` that get an output on a commitment whose owner's dust limit is
    /// `dustLimit`, at the spec's feerate, in the spec's order.
    public static func untrimmedHTLCs(_ spec: CommitmentSpec, dustLimit: Satoshi) -> [CommitmentHTLC] {
        spec.htlcs.filter { !isTrimmed($0, dustLimit: dustLimit, feeratePerKw: spec.feeratePerKw) }
    }
}

extension UInt64 {
    fileprivate func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
