/// One run of the backward search, in raw units for the inner loop.
struct SearchParameters {
    var payer: Int32
    var payee: Int32
    var amountMsat: UInt64
    var finalCltv: UInt32
    var cltvLimit: UInt32
    var maxFeeMsat: UInt64
    var maxHops: Int
    /// Risk factor / 1e9: the cost of locking one msat for one block.
    var riskPerMsatBlock: Double
    var attemptCostMsat: Double
    var useProbability: Bool
    var relaxations: SearchRelaxations = []

    init(_ query: RouteQuery, amount: UInt64) {
        let options = query.options
        payer = query.payer.rawValue
        payee = query.payee.rawValue
        amountMsat = amount
        finalCltv = options.finalCltvDelta
        cltvLimit = options.cltvLimit
        maxFeeMsat = options.maxFee?.value ?? .max
        maxHops = options.maxHops
        riskPerMsatBlock = options.riskFactor / 1_000_000_000
        attemptCostMsat = options.attemptCost(for: amount)
        useProbability = options.useProbability
    }
}

/// Limits a diagnosis lifts one at a time to find which one stands in the way.
struct SearchRelaxations: OptionSet {
    let rawValue: UInt8
    static let ignoreCltvLimit = SearchRelaxations(rawValue: 1 << 0)
    static let ignoreMaxFee = SearchRelaxations(rawValue: 1 << 1)
    static let ignoreHtlcMinimum = SearchRelaxations(rawValue: 1 << 2)
    static let ignoreHopLimit = SearchRelaxations(rawValue: 1 << 3)
    static let ignoreLearnedLiquidity = SearchRelaxations(rawValue: 1 << 4)
}

/// The best way found so far from a node to the payee.
struct NodeLabel {
    /// Fees + risk + attempt cost / probability: what the heap orders by.
    var cost: Double = .infinity
    /// Fees + CLTV risk of the path to the payee, in msat.
    var weight: Double = 0
    var probability: Double = 0
    /// What this node must receive (for the payer: what it sends).
    var amountMsat: UInt64 = 0
    /// CLTV delta from this node to the payee, final delta included.
    var cltv: UInt32 = 0
    /// The label is valid only when this equals the search's generation, so starting a
    /// search never has to clear the whole array.
    var generation: UInt32 = 0
    /// The first edge of the path towards the payee.
    var nextEdge: Int32 = -1
    var hops: UInt16 = 0
    var settled = false
}

/// What one search did, for explain output and tuning.
public struct SearchStatistics: Sendable, Equatable, Encodable {
    public var settledNodes = 0
    public var relaxedEdges = 0
}
