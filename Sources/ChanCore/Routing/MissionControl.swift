import ChanLedger
#if canImport(Glibc)
import func Glibc.exp2
#elseif canImport(Darwin)
import func Darwin.exp2
#endif

/// What a payer has learned about channel liquidity from its own payment attempts.
///
/// Each channel direction keeps bounds on its liquidity: a success at amount A shows it holds
/// at least A, a failure at A that it holds less than A. Knowledge fades: with time the
/// bounds relax back towards "anything between 0 and the capacity", halving their distance
/// from it every `halfLife`. Time is injected (any clock, as a `Duration` since its origin),
/// so the same history always gives the same routes.
public struct MissionControl: Sendable, Equatable {
    public var halfLife: Duration

    /// A channel direction, named so that the knowledge survives reloading the graph.
    public struct ChannelSide: Hashable, Sendable {
        public let shortChannelID: ShortChannelID
        public let direction: ChannelDirection

        public init(_ shortChannelID: ShortChannelID, _ direction: ChannelDirection) {
            self.shortChannelID = shortChannelID
            self.direction = direction
        }
    }

    /// Liquidity known for sure and possible at most, in msat, both inclusive.
    public struct LiquidityBounds: Sendable, Equatable {
        public let lower: MilliSatoshi
        public let upper: MilliSatoshi

        public init(lower: MilliSatoshi, upper: MilliSatoshi) {
            self.lower = lower
            self.upper = upper
        }
    }

    private struct Record: Sendable, Equatable {
        var lowerMsat: UInt64
        var upperMsat: UInt64
        var capacityMsat: UInt64
        var observedAt: Duration
    }

    private var records: [ChannelSide: Record] = [:]

    public init(halfLife: Duration = .seconds(3600)) {
        self.halfLife = halfLife
    }

    public var isEmpty: Bool { records.isEmpty }
    public var channelSides: [ChannelSide] { Array(records.keys) }

    /// Learns from a route whose payment arrived: every channel carried its amount.
    public mutating func recordSuccess(of route: Route, at now: Duration) {
        for hop in route.hops {
            recordAtLeast(hop.amount, on: ChannelSide(hop.shortChannelID, hop.direction), capacity: hop.capacity, at: now)
        }
    }

    /// Learns from a route whose payment failed at the channel into `route.hops[failedHop]`
    /// (the node before it reported it could not forward): the channels before it carried
    /// their amounts, that one could not carry its amount.
    public mutating func recordFailure(of route: Route, failedHop: Int, at now: Duration) {
        guard route.hops.indices.contains(failedHop) else { return }
        for hop in route.hops[..<failedHop] {
            recordAtLeast(hop.amount, on: ChannelSide(hop.shortChannelID, hop.direction), capacity: hop.capacity, at: now)
        }
        let failed = route.hops[failedHop]
        recordBelow(failed.amount, on: ChannelSide(failed.shortChannelID, failed.direction), capacity: failed.capacity, at: now)
    }

    /// The side forwarded `amount`, so it held at least that much.
    public mutating func recordAtLeast(_ amount: MilliSatoshi, on side: ChannelSide, capacity: Satoshi, at now: Duration) {
        var record = current(side, capacityMsat: Self.msat(capacity), at: now)
        record.lowerMsat = max(record.lowerMsat, min(amount.value, record.capacityMsat))
        if record.upperMsat < record.lowerMsat { record.upperMsat = record.capacityMsat }
        records[side] = record
    }

    /// The side failed to forward `amount`, so it held less than that.
    public mutating func recordBelow(_ amount: MilliSatoshi, on side: ChannelSide, capacity: Satoshi, at now: Duration) {
        guard amount.value > 0 else { return }
        var record = current(side, capacityMsat: Self.msat(capacity), at: now)
        record.upperMsat = min(record.upperMsat, amount.value - 1)
        if record.lowerMsat > record.upperMsat { record.lowerMsat = 0 }
        records[side] = record
    }

    /// The bounds at time `now`, decayed; nil when nothing was learned about this side.
    public func bounds(_ side: ChannelSide, at now: Duration) -> LiquidityBounds? {
        guard let record = records[side] else { return nil }
        let decayed = decay(record, to: now)
        return LiquidityBounds(lower: MilliSatoshi(decayed.lowerMsat), upper: MilliSatoshi(decayed.upperMsat))
    }

    /// Forgets everything learned.
    public mutating func reset() { records.removeAll() }

    // MARK: Decay

    private func current(_ side: ChannelSide, capacityMsat: UInt64, at now: Duration) -> Record {
        guard let record = records[side] else {
            return Record(lowerMsat: 0, upperMsat: capacityMsat, capacityMsat: capacityMsat, observedAt: now)
        }
        return decay(record, to: now)
    }

    /// Moves both bounds towards "no knowledge" by the factor 2^(-elapsed / halfLife).
    private func decay(_ record: Record, to now: Duration) -> Record {
        guard now > record.observedAt, halfLife > .zero else { return record }
        let halfLives = (now - record.observedAt) / halfLife
        let keep = exp2(-halfLives)
        var decayed = record
        decayed.lowerMsat = UInt64(Double(record.lowerMsat) * keep)
        let missing = record.capacityMsat - min(record.upperMsat, record.capacityMsat)
        decayed.upperMsat = record.capacityMsat - UInt64(Double(missing) * keep)
        decayed.observedAt = now
        return decayed
    }

    private static func msat(_ capacity: Satoshi) -> UInt64 {
        let (value, overflow) = capacity.value.multipliedReportingOverflow(by: 1000)
        return overflow ? UInt64.max : value
    }
}
