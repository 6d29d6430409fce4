import ChanLedger

/// How routes are chosen and limited. The defaults follow LND's where LND has one.
public struct RouteOptions: Sendable, Equatable {
    /// CLTV delta the payee asks for (BOLT 11 `min_final_cltv_expiry`, default 18).
    public var finalCltvDelta: UInt32 = 18
    /// The largest total CLTV (final delta plus every forwarding delta) a route may lock for.
    public var cltvLimit: UInt32 = 2016
    /// The most fee the payer accepts for the whole payment; nil for no limit.
    public var maxFee: MilliSatoshi?
    /// Onion hop limit.
    public var maxHops: Int = 20
    /// Cost of locking one msat for one block, in billionths of a msat (LND's 15).
    public var riskFactor: Double = 15
    /// Fixed cost of one payment attempt, weighed against its failure probability.
    public var attemptCostBase: MilliSatoshi = MilliSatoshi(100_000)
    /// Proportional cost of one attempt, in millionths of the amount sent.
    public var attemptCostProportionalMillionths: UInt64 = 1_000
    /// False: every edge is certain and the attempt cost is zero, so the cost is fees plus
    /// CLTV risk only (a plain, checkable Dijkstra).
    public var useProbability = true
    /// A route or plan less likely than this to succeed is no answer (`no_route`); ignored
    /// when `useProbability` is false. 1% like LND's `minrtprob`: below it an attempt is
    /// mostly a wasted HTLC lock on every hop, yet it stays low enough that the uniform
    /// liquidity estimate, which is pessimistic for large amounts, rarely refuses a payment
    /// that has a fair chance.
    public var minProbability: Double = 0.01

    // Multi-part payments.
    /// At most this many parts (BOLT 4 leaves it to the payer; LND uses 16).
    public var maxParts: Int = 16
    /// No part smaller than this (unless the whole payment is).
    public var minPartAmount: MilliSatoshi = MilliSatoshi(10_000_000)
    /// A single path at least this likely to succeed is used without trying to split.
    public var splitBelowProbability: Double = 0.9

    public init() {}

    /// Whether a route or plan of this success probability may be the answer.
    func acceptsProbability(_ probability: Double) -> Bool {
        !useProbability || probability >= minProbability
    }

    /// `attemptCostBase + amount * attemptCostProportionalMillionths / 1e6`, in msat.
    func attemptCost(for amountMsat: UInt64) -> Double {
        guard useProbability else { return 0 }
        return Double(attemptCostBase.value) + Double(amountMsat) * Double(attemptCostProportionalMillionths) / 1_000_000
    }
}

/// One payment to route: who pays whom how much, under which options and with what the
/// payer has learned about liquidity so far.
public struct RouteQuery: Sendable {
    public var payer: NodeIndex
    public var payee: NodeIndex
    /// What the payee must receive.
    public var amount: MilliSatoshi
    public var options: RouteOptions
    /// Liquidity learned from earlier attempts; nil to use capacities alone.
    public var missionControl: MissionControl?
    /// The current time on the same clock as the mission control's observations.
    public var now: Duration
    /// What the payment already has in flight on channel sides (its other parts, sent and not
    /// resolved): the search counts it as used, as it counts the parts it plans, so a side
    /// must hold it and the new amount, and its probability is conditioned on it.
    public var inFlight: [MissionControl.ChannelSide: MilliSatoshi]

    public init(
        payer: NodeIndex, payee: NodeIndex, amount: MilliSatoshi, options: RouteOptions = RouteOptions(),
        missionControl: MissionControl? = nil, now: Duration = .zero,
        inFlight: [MissionControl.ChannelSide: MilliSatoshi] = [:]
    ) {
        self.payer = payer
        self.payee = payee
        self.amount = amount
        self.options = options
        self.missionControl = missionControl
        self.now = now
        self.inFlight = inFlight
    }
}
