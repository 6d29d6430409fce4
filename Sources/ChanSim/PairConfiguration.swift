import ChanCore
import ChanLedger

/// How a simulated channel is opened: its size, the push, the feerate and what each side asks
/// of the other. `random(seed:)` varies all of it so that many seeds cover many shapes.
public struct PairConfiguration: Hashable, Sendable {
    /// Derives both parties' node seeds and wallets: a different seed, different keys and txids.
    public var keySeed: UInt64
    public var capacity: Satoshi
    /// What the opener gives the other side at open, so that it can pay from the start.
    public var pushAmount: MilliSatoshi
    public var feeratePerKw: UInt32
    /// What alice asks of bob, and bob of alice (see `ChannelConfig`).
    public var aliceConfig: ChannelConfig
    public var bobConfig: ChannelConfig
    /// Confirmations the accepting side asks for before `channel_ready`.
    public var minimumDepth: UInt32
    /// Seconds since 1970 when the run starts (the injected clock).
    public var startTime: UInt64
    /// The side that keeps signed copies of its commitments to cheat with later, if any.
    public var cheater: PairSide?
    /// The side that opens and funds the channel, pushes `pushAmount` and pays the
    /// commitment and closing fees (the only one allowed to update the fee); the other accepts.
    public var opener: PairSide

    public init(keySeed: UInt64, capacity: Satoshi, pushAmount: MilliSatoshi, feeratePerKw: UInt32,
                aliceConfig: ChannelConfig, bobConfig: ChannelConfig, minimumDepth: UInt32 = Channel.defaultMinimumDepth,
                startTime: UInt64 = 1_700_000_000, cheater: PairSide? = nil, opener: PairSide = .alice) {
        self.keySeed = keySeed
        self.capacity = capacity
        self.pushAmount = pushAmount
        self.feeratePerKw = feeratePerKw
        self.aliceConfig = aliceConfig
        self.bobConfig = bobConfig
        self.minimumDepth = minimumDepth
        self.startTime = startTime
        self.cheater = cheater
        self.opener = opener
    }

    /// A 1,000,000-sat channel with lnd-like defaults, a 100,000-sat push and a short delay, so
    /// that force closes resolve in few blocks.
    public static func standard(keySeed: UInt64 = 1, cheater: PairSide? = nil) -> PairConfiguration {
        let capacity = Satoshi(1_000_000)
        var config = ChannelConfig.defaults(capacity: capacity)
        config.toSelfDelay = 12
        config.maxAcceptedHTLCs = 30
        return PairConfiguration(keySeed: keySeed, capacity: capacity, pushAmount: MilliSatoshi(100_000_000),
                                 feeratePerKw: 2500, aliceConfig: config, bobConfig: config, cheater: cheater)
    }

    /// A channel as nodes open one by default, the channel tests' starting point: each side
    /// asks `ChannelConfig.defaults` for the capacity unless given a config, no push.
    public static func defaults(capacity: Satoshi = Satoshi(1_000_000), pushAmount: MilliSatoshi = .zero,
                                feeratePerKw: UInt32 = 2500, aliceConfig: ChannelConfig? = nil, bobConfig: ChannelConfig? = nil,
                                keySeed: UInt64 = 1, cheater: PairSide? = nil) -> PairConfiguration {
        PairConfiguration(keySeed: keySeed, capacity: capacity, pushAmount: pushAmount, feeratePerKw: feeratePerKw,
                          aliceConfig: aliceConfig ?? .defaults(capacity: capacity), bobConfig: bobConfig ?? .defaults(capacity: capacity),
                          cheater: cheater)
    }

    /// Channel shapes drawn from `random`: small and large channels, pushes with msat
    /// remainders, feerates from the floor to 10,000 per kw, dust limits, reserves, HTLC limits
    /// and delays that differ between the sides.
    public static func random(keySeed: UInt64, using random: inout SimulationRandom, cheater: PairSide? = nil) -> PairConfiguration {
        let capacity = Satoshi(random.chance(0.2) ? random.uint64(in: 20_000...100_000) : random.uint64(in: 100_000...4_000_000))
        let capacityMsat = capacity.value * 1000
        let push = random.chance(0.4) ? MilliSatoshi.zero : MilliSatoshi(random.uint64(in: 1...capacityMsat / 2))
        let feerate = UInt32(random.chance(0.3) ? random.uint64(in: 253...1000) : random.uint64(in: 1000...10_000))
        let aliceDust = Satoshi(random.uint64(in: 354...800))
        let bobDust = Satoshi(random.uint64(in: 354...800))
        // BOLT 2: each side's dust limit must not exceed the reserve the other side asks of it.
        let reserveFloor = max(aliceDust, bobDust).value
        func config(dust: Satoshi) -> ChannelConfig {
            ChannelConfig(
                dustLimit: dust,
                channelReserve: Satoshi(random.uint64(in: reserveFloor...max(reserveFloor, capacity.value / 50))),
                htlcMinimum: MilliSatoshi(random.chance(0.5) ? 1 : random.uint64(in: 1...5000)),
                maxHTLCValueInFlight: MilliSatoshi(random.chance(0.5) ? capacityMsat : random.uint64(in: capacityMsat / 4...capacityMsat)),
                toSelfDelay: UInt16(random.uint64(in: 6...144)),
                maxAcceptedHTLCs: UInt16(random.chance(0.2) ? 483 : random.uint64(in: 3...30)))
        }
        return PairConfiguration(
            keySeed: keySeed, capacity: capacity, pushAmount: push, feeratePerKw: feerate,
            aliceConfig: config(dust: aliceDust), bobConfig: config(dust: bobDust),
            minimumDepth: UInt32(random.uint64(in: 1...6)), cheater: cheater)
    }

    /// The configuration a side asks of its peer.
    public func config(of side: PairSide) -> ChannelConfig {
        switch side {
        case .alice: aliceConfig
        case .bob: bobConfig
        }
    }
}
