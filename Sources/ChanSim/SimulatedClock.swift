import ChanCore
/// The wall clock a simulation hands to the channels (`now`, seconds since 1970). Injected so
/// that runs are reproducible: it only moves when the driver advances it.
public struct SimulatedClock: Hashable, Sendable {
    public private(set) var now: UInt64

    public init(start: UInt64) { now = start }

    public mutating func advance(seconds: UInt64 = 1) { now += seconds }
}
