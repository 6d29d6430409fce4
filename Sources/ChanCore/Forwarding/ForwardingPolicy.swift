import ChanLedger

/// What this node asks for forwarding over one of its channels, as its `channel_update`
/// announces it (BOLT 7). The defaults are lnd's, but for the CLTV delta:
/// - 1000 msat base fee and 1 ppm, so a forward earns at least something and large ones a
///   little more;
/// - 40 blocks of CLTV delta (lnd 80, Core Lightning 34): BOLT 2's `3R+2G+2S` with R=2 G=2
///   S=12 asks for 34, and the toy ledger has no reorgs; the payee's 18 blocks and
///   `HTLCForwarder.expiryTooSoonMargin` fit well inside it;
/// - 1 msat minimum, and no maximum of its own (the channel's limits still apply).
public struct ForwardingPolicy: Hashable, Sendable {
    public var feeBase: MilliSatoshi
    public var feeProportionalMillionths: UInt32
    public var cltvExpiryDelta: UInt16
    public var htlcMinimum: MilliSatoshi
    public var htlcMaximum: MilliSatoshi

    public init(
        feeBase: MilliSatoshi = MilliSatoshi(1000),
        feeProportionalMillionths: UInt32 = 1,
        cltvExpiryDelta: UInt16 = 40,
        htlcMinimum: MilliSatoshi = MilliSatoshi(1),
        htlcMaximum: MilliSatoshi = MilliSatoshi(UInt64.max)
    ) {
        self.feeBase = feeBase
        self.feeProportionalMillionths = feeProportionalMillionths
        self.cltvExpiryDelta = cltvExpiryDelta
        self.htlcMinimum = htlcMinimum
        self.htlcMaximum = htlcMaximum
    }

    /// The fee to forward `amount`: BOLT 7's `fee_base_msat + amount *
    /// fee_proportional_millionths / 1_000_000`, rounded down, as the pathfinder computes it.
    public func fee(forwarding amount: MilliSatoshi) throws(AmountError) -> MilliSatoshi {
        try channelPolicy().fee(forwarding: amount)
    }

    /// The policy as the pathfinder reads it from a `channel_update`.
    public func channelPolicy(disabled: Bool = false) -> ChannelPolicy {
        ChannelPolicy(feeBase: feeBase, feeProportionalMillionths: feeProportionalMillionths, cltvExpiryDelta: cltvExpiryDelta,
                      htlcMinimum: htlcMinimum, htlcMaximum: htlcMaximum, disabled: disabled)
    }

    /// The policy our `channel_update` announces for a channel with `parameters`: within what
    /// the channel itself allows (BOLT 7): the peer's minimum; at most the capacity and the
    /// peer's max in flight.
    public func channelPolicy(disabled: Bool = false, within parameters: ChannelParameters) -> ChannelPolicy {
        var policy = channelPolicy(disabled: disabled)
        policy.htlcMinimum = max(policy.htlcMinimum, parameters.remoteConfig.htlcMinimum)
        policy.htlcMaximum = min(policy.htlcMaximum, (try? parameters.capacity.msat) ?? policy.htlcMaximum,
                                 parameters.remoteConfig.maxHTLCValueInFlight)
        return policy
    }
}
