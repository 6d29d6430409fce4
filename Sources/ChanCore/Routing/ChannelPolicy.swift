import ChanLedger

/// What one end of a channel asks for forwarding over it (BOLT 7 `channel_update`).
public struct ChannelPolicy: Hashable, Sendable {
    public var feeBase: MilliSatoshi
    public var feeProportionalMillionths: UInt32
    public var cltvExpiryDelta: UInt16
    public var htlcMinimum: MilliSatoshi
    public var htlcMaximum: MilliSatoshi
    public var disabled: Bool

    public init(
        feeBase: MilliSatoshi = .zero,
        feeProportionalMillionths: UInt32 = 0,
        cltvExpiryDelta: UInt16 = 40,
        htlcMinimum: MilliSatoshi = .zero,
        htlcMaximum: MilliSatoshi = MilliSatoshi(UInt64.max),
        disabled: Bool = false
    ) {
        self.feeBase = feeBase
        self.feeProportionalMillionths = feeProportionalMillionths
        self.cltvExpiryDelta = cltvExpiryDelta
        self.htlcMinimum = htlcMinimum
        self.htlcMaximum = htlcMaximum
        self.disabled = disabled
    }

    /// The fee this hop charges to forward `amount`: `fee_base_msat + amount *
    /// fee_proportional_millionths / 1_000_000`, the division rounding down (BOLT 7).
    public func fee(forwarding amount: MilliSatoshi) throws(AmountError) -> MilliSatoshi {
        guard feeBase.value <= UInt64(UInt32.max),
              let fee = ForwardingFee.msat(
                  forwarding: amount.value, base: UInt32(feeBase.value), proportionalMillionths: feeProportionalMillionths)
        else { throw .overflow }
        return MilliSatoshi(fee)
    }
}

/// The BOLT 7 fee formula on raw msat, for the pathfinder's inner loop.
enum ForwardingFee {
    /// Nil when the fee does not fit in 64 bits.
    @inline(__always)
    static func msat(forwarding amount: UInt64, base: UInt32, proportionalMillionths: UInt32) -> UInt64? {
        let (high, low) = amount.multipliedFullWidth(by: UInt64(proportionalMillionths))
        let proportional: UInt64
        if high == 0 {
            proportional = low / 1_000_000
        } else {
            // The quotient fits in 64 bits only when the high word is below the divisor.
            guard high < 1_000_000 else { return nil }
            proportional = UInt64(1_000_000).dividingFullWidth((high, low)).quotient
        }
        let (fee, overflow) = proportional.addingReportingOverflow(UInt64(base))
        return overflow ? nil : fee
    }
}
