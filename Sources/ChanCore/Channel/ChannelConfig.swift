import ChanLedger

/// The limits one side asks of the other in `open_channel` / `accept_channel` (BOLT 2). Each
/// side's config constrains the *other* side: my `toSelfDelay` is the delay on the peer's
/// `to_local`, my `channelReserve` is what the peer must keep, my `htlcMinimum`,
/// `maxHTLCValueInFlight` and `maxAcceptedHTLCs` bound the HTLCs the peer may offer me. Only
/// `dustLimit` is about one's own commitment: outputs below it are left out of it.
public struct ChannelConfig: Hashable, Sendable, Codable {
    public var dustLimit: Satoshi
    public var channelReserve: Satoshi
    public var htlcMinimum: MilliSatoshi
    public var maxHTLCValueInFlight: MilliSatoshi
    public var toSelfDelay: UInt16
    public var maxAcceptedHTLCs: UInt16

    public init(dustLimit: Satoshi, channelReserve: Satoshi, htlcMinimum: MilliSatoshi,
                maxHTLCValueInFlight: MilliSatoshi, toSelfDelay: UInt16, maxAcceptedHTLCs: UInt16) {
        self.dustLimit = dustLimit
        self.channelReserve = channelReserve
        self.htlcMinimum = htlcMinimum
        self.maxHTLCValueInFlight = maxHTLCValueInFlight
        self.toSelfDelay = toSelfDelay
        self.maxAcceptedHTLCs = maxAcceptedHTLCs
    }

    /// BOLT 2 caps `max_accepted_htlcs` at 483 so a commitment with every HTLC fits a transaction.
    public static let maxAcceptedHTLCsLimit = UInt16(CommitmentBuilder.maxHTLCsPerDirection)

    /// Defaults like lnd's: 1% reserve, 354 sat dust limit, 144-block delay.
    public static func defaults(capacity: Satoshi) -> ChannelConfig {
        ChannelConfig(
            dustLimit: LedgerRules.dustLimit,
            channelReserve: Satoshi(max(capacity.value / 100, LedgerRules.dustLimit.value)),
            htlcMinimum: MilliSatoshi(1),
            maxHTLCValueInFlight: (try? capacity.msat) ?? .zero,
            toSelfDelay: 144,
            maxAcceptedHTLCs: maxAcceptedHTLCsLimit)
    }
}
