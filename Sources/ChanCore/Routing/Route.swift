import ChanLedger

/// A path from payer to payee with the exact amounts and CLTV deltas of every hop.
///
/// Hop `i` is the node reached over `hops[i].shortChannelID`; it receives `amount`, keeps
/// `fee` for forwarding (zero for the payee) and adds `cltvExpiryDelta` (the payee's is the
/// final CLTV delta). So `totalAmount = hops[0].amount = amount + sum(fee)` and
/// `totalCltv = sum(cltvExpiryDelta)`; the payer pays no fee on its own channel.
public struct Route: Sendable, Equatable {
    public let payer: NodeID
    /// What the payee receives.
    public let amount: MilliSatoshi
    /// What the payer sends.
    public let totalAmount: MilliSatoshi
    /// CLTV expiry of the first HTLC, relative to the current block height.
    public let totalCltv: UInt32
    /// Estimated probability that every channel of the route can carry its amount.
    public let probability: Double
    public let cost: RouteCost
    public let hops: [RouteHop]

    public var fee: MilliSatoshi { MilliSatoshi(totalAmount.value - amount.value) }
    public var payee: NodeID { hops[hops.count - 1].nodeID }
}

public struct RouteHop: Sendable, Equatable {
    public let node: NodeIndex
    public let nodeID: NodeID
    public let edge: EdgeIndex
    public let shortChannelID: ShortChannelID
    public let direction: ChannelDirection
    public let capacity: Satoshi
    /// What this hop receives.
    public let amount: MilliSatoshi
    /// What this hop keeps for forwarding to the next one; zero for the payee.
    public let fee: MilliSatoshi
    /// CLTV delta this hop adds; for the payee, the final CLTV delta.
    public let cltvExpiryDelta: UInt32
    /// Probability that the channel into this hop carries `amount` (given earlier parts).
    public let probability: Double
}

/// The pathfinder's cost of a route, in msat: `fees + cltvRisk + attemptPenalty`.
public struct RouteCost: Sendable, Equatable {
    public let fees: Double
    /// Sum over forwarding hops of amount forwarded x CLTV delta x risk factor / 1e9.
    public let cltvRisk: Double
    /// Attempt cost / probability.
    public let attemptPenalty: Double
    public var total: Double { fees + cltvRisk + attemptPenalty }
}

/// A payment split into parts that travel separate routes (BOLT 4 multi-part payments).
/// Parts that share a channel direction were planned so that it carries all of them.
public struct MultiPartRoute: Sendable, Equatable {
    public let parts: [Route]
    /// What the payee receives in total.
    public let amount: MilliSatoshi
    public let totalAmount: MilliSatoshi
    /// Probability that every part arrives (each part given the ones before it).
    public let probability: Double
    /// Fees + CLTV risk of all parts + sum of attempt costs / probability.
    public let cost: Double

    public var fee: MilliSatoshi { MilliSatoshi(totalAmount.value - amount.value) }
    /// The largest CLTV lock among the parts.
    public var totalCltv: UInt32 { parts.map(\.totalCltv).max() ?? 0 }
}
