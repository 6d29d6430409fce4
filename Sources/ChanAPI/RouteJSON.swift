import ChanCore
import ChanLedger

/// The JSON shapes of `chan route`, offline and from a node (keys become snake_case on output).
public struct RouteJSON: Encodable, Sendable {
    public let amountMsat: UInt64
    public let totalAmountMsat: UInt64
    public let feeMsat: UInt64
    public let totalCltv: UInt32
    public let probability: Double
    public let hops: [HopJSON]

    public init(_ route: Route, _ graph: ChannelGraph) {
        amountMsat = route.amount.value
        totalAmountMsat = route.totalAmount.value
        feeMsat = route.fee.value
        totalCltv = route.totalCltv
        probability = route.probability
        hops = route.hops.map { HopJSON($0, graph) }
    }
}

public struct HopJSON: Encodable, Sendable {
    public let nodeID: String
    public let alias: String?
    public let shortChannelID: String
    public let amountMsat: UInt64
    public let feeMsat: UInt64
    public let cltvExpiryDelta: UInt32

    public init(_ hop: RouteHop, _ graph: ChannelGraph) {
        nodeID = hop.nodeID.hex
        alias = graph.alias(hop.node)
        shortChannelID = hop.shortChannelID.description
        amountMsat = hop.amount.value
        feeMsat = hop.fee.value
        cltvExpiryDelta = hop.cltvExpiryDelta
    }
}

public struct MultiPartJSON: Encodable, Sendable {
    public let amountMsat: UInt64
    public let totalAmountMsat: UInt64
    public let feeMsat: UInt64
    public let totalCltv: UInt32
    public let probability: Double
    public let parts: [RouteJSON]

    public init(_ payment: MultiPartRoute, _ graph: ChannelGraph) {
        amountMsat = payment.amount.value
        totalAmountMsat = payment.totalAmount.value
        feeMsat = payment.fee.value
        totalCltv = payment.totalCltv
        probability = payment.probability
        parts = payment.parts.map { RouteJSON($0, graph) }
    }
}

/// A route in one line: enough to compare alternatives.
public struct RouteSummaryJSON: Encodable, Sendable {
    public let totalAmountMsat: UInt64
    public let feeMsat: UInt64
    public let totalCltv: UInt32
    public let probability: Double
    public let costMsat: UInt64
    public let shortChannelIds: [String]
    /// Not `nodeIDs`: snake_case output would spell it `node_i_ds`.
    public let nodeIds: [String]

    public init(_ route: Route) {
        totalAmountMsat = route.totalAmount.value
        feeMsat = route.fee.value
        totalCltv = route.totalCltv
        probability = route.probability
        costMsat = CostJSON.msat(route.cost.total)
        shortChannelIds = route.hops.map(\.shortChannelID.description)
        nodeIds = route.hops.map(\.nodeID.hex)
    }
}

/// The pathfinder's cost, in whole msat (each term rounded on its own).
public struct CostJSON: Encodable, Sendable {
    public let feesMsat: UInt64
    public let cltvRiskMsat: UInt64
    public let attemptPenaltyMsat: UInt64
    public let totalMsat: UInt64

    public init(_ cost: RouteCost) {
        feesMsat = Self.msat(cost.fees)
        cltvRiskMsat = Self.msat(cost.cltvRisk)
        attemptPenaltyMsat = Self.msat(cost.attemptPenalty)
        totalMsat = Self.msat(cost.total)
    }

    /// A cost in msat rounded to a whole msat; an unlikely route's attempt penalty can exceed
    /// what UInt64 holds (or be infinite), and saturates at its maximum.
    public static func msat(_ cost: Double) -> UInt64 {
        guard !cost.isNaN, cost > 0 else { return 0 }
        let rounded = cost.rounded()
        return rounded >= 18_446_744_073_709_551_616.0 ? .max : UInt64(rounded)
    }
}

public struct AlternativeJSON: Encodable, Sendable {
    public let avoiding: EdgeDescription
    public let route: RouteSummaryJSON?
    public let leftOut: [RejectionSummary]?

    public init(_ alternative: RouteAlternative) {
        avoiding = alternative.avoiding
        route = alternative.route.map(RouteSummaryJSON.init)
        leftOut = alternative.leftOut.isEmpty ? nil : alternative.leftOut
    }
}

public struct ParametersJSON: Encodable, Sendable {
    public let finalCltv: UInt32
    public let cltvLimit: UInt32
    public let maxFeeMsat: UInt64?
    public let riskFactor: Double
    public let attemptCostMsat: UInt64
    public let attemptCostPpm: UInt64
    public let useProbability: Bool
    public let minProbability: Double
    public let maxParts: Int
    public let minPartMsat: UInt64

    public init(_ options: RouteOptions) {
        finalCltv = options.finalCltvDelta
        cltvLimit = options.cltvLimit
        maxFeeMsat = options.maxFee?.value
        riskFactor = options.riskFactor
        attemptCostMsat = options.attemptCostBase.value
        attemptCostPpm = options.attemptCostProportionalMillionths
        useProbability = options.useProbability
        minProbability = options.minProbability
        maxParts = options.maxParts
        minPartMsat = options.minPartAmount.value
    }
}

public struct ExplainJSON: Encodable, Sendable {
    public let parameters: ParametersJSON
    public let cost: CostJSON
    public let search: SearchStatistics
    public let leftOut: [RejectionSummary]
    public let alternatives: [AlternativeJSON]

    public init(_ explanation: RouteExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        cost = CostJSON(explanation.route.cost)
        search = explanation.search
        leftOut = explanation.rejections
        alternatives = explanation.alternatives.map(AlternativeJSON.init)
    }
}

public struct PlanJSON: Encodable, Sendable {
    public let targetParts: Int
    public let found: Bool
    /// How many parts the plan has (`parts` is the list of routes elsewhere).
    public let partCount: Int?
    public let feeMsat: UInt64?
    public let probability: Double?
    public let costMsat: UInt64?
    /// Whether the plan keeps to the fee limit and the minimum probability.
    public let withinLimits: Bool
    public let chosen: Bool

    public init(_ plan: ConsideredPlan) {
        targetParts = plan.targetParts
        found = plan.payment != nil
        partCount = plan.payment?.parts.count
        feeMsat = plan.payment?.fee.value
        probability = plan.payment?.probability
        costMsat = plan.payment.map { CostJSON.msat($0.cost) }
        withinLimits = plan.withinLimits
        chosen = plan.chosen
    }
}

public struct MultiPartExplainJSON: Encodable, Sendable {
    public let parameters: ParametersJSON
    public let costMsat: UInt64
    public let plans: [PlanJSON]
    public let alternatives: [AlternativeJSON]

    public init(_ explanation: MultiPartExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        costMsat = CostJSON.msat(explanation.payment.cost)
        plans = explanation.plans.map(PlanJSON.init)
        alternatives = explanation.alternatives.map(AlternativeJSON.init)
    }
}

/// A route's fields with an `explain` object beside them.
public struct Explained<Body: Encodable & Sendable, Explanation: Encodable & Sendable>: Encodable, Sendable {
    public let route: Body
    public let explain: Explanation

    public init(route: Body, explain: Explanation) {
        self.route = route
        self.explain = explain
    }

    public func encode(to encoder: any Encoder) throws {
        try route.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(explain, forKey: Key(stringValue: "explain"))
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// What `chan route` prints for a query, offline or from a node: the route (or the parts of a
/// multi-part payment), with its explanation when asked.
public enum RouteAnswer {
    public static func json(_ pathfinder: Pathfinder, _ query: RouteQuery, multiPart: Bool, explain: Bool) throws -> any Encodable & Sendable {
        let graph = pathfinder.graph
        switch (multiPart, explain) {
        case (false, false):
            return RouteJSON(try pathfinder.findRoute(query), graph)
        case (true, false):
            return MultiPartJSON(try pathfinder.findMultiPartRoute(query), graph)
        case (false, true), (true, true):
            do throws(RoutingError) {
                if multiPart {
                    let explanation = try pathfinder.explainMultiPartRoute(query)
                    return Explained(route: MultiPartJSON(explanation.payment, graph), explain: MultiPartExplainJSON(explanation, query.options))
                }
                let explanation = try pathfinder.explainRoute(query)
                return Explained(route: RouteJSON(explanation.route, graph), explain: ExplainJSON(explanation, query.options))
            } catch {
                // Explain a failure too: the limits searched with, the reasons, what was left out.
                guard case .noRoute(let why) = error else { throw error }
                throw APIError(code: error.code, message: error.message,
                               details: try JSONValueEncoder().encode(NoRouteDetailsJSON(why, query.options)))
            }
        }
    }
}

/// `details` of a `no_route` error under `--explain`.
public struct NoRouteDetailsJSON: Encodable, Sendable {
    public let parameters: ParametersJSON
    public let reasons: [NoRouteReason]
    /// What the search for the whole amount in one part left out, by reason, with examples.
    public let leftOut: [RejectionSummary]
    /// For a multi-part search: the plans tried under the limits.
    public let plans: [PlanJSON]?

    public init(_ explanation: NoRouteExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        reasons = explanation.reasons
        leftOut = explanation.rejections
        plans = explanation.plans.isEmpty ? nil : explanation.plans.map(PlanJSON.init)
    }
}

/// Method `route`: the node's own route to `to`, on its view of the network.
public struct RouteParams: Codable, Sendable, Equatable {
    public let to: String
    public let amountMsat: MilliSatoshi
    public let mpp: Bool
    public let explain: Bool
    public let options: RouteOptionsJSON

    public init(to: String, amountMsat: MilliSatoshi, mpp: Bool, explain: Bool, options: RouteOptionsJSON) {
        self.to = to
        self.amountMsat = amountMsat
        self.mpp = mpp
        self.explain = explain
        self.options = options
    }
}

/// The options of `chan route` that change the search (null: the default).
public struct RouteOptionsJSON: Codable, Sendable, Equatable {
    public var maxFeeMsat: MilliSatoshi?
    public var cltvLimit: UInt32?
    public var finalCltv: UInt32?
    public var riskFactor: Double?
    /// Missing from requests of older clients: the default.
    public var minProbability: Double?
    public let noProbability: Bool

    public init(maxFeeMsat: MilliSatoshi?, cltvLimit: UInt32?, finalCltv: UInt32?, riskFactor: Double?,
                minProbability: Double? = nil, noProbability: Bool) {
        self.maxFeeMsat = maxFeeMsat
        self.cltvLimit = cltvLimit
        self.finalCltv = finalCltv
        self.riskFactor = riskFactor
        self.minProbability = minProbability
        self.noProbability = noProbability
    }

    /// Whether `value` can be a minimum success probability: a number from 0 to 1.
    public static func isProbability(_ value: Double) -> Bool { value.isFinite && (0...1).contains(value) }

    /// The pathfinder's options; a risk factor that is not a finite non-negative number, or a
    /// minimum probability outside 0...1, is refused.
    public func routeOptions() throws(APIError) -> RouteOptions {
        var options = RouteOptions()
        if let maxFeeMsat { options.maxFee = maxFeeMsat }
        if let cltvLimit { options.cltvLimit = cltvLimit }
        if let finalCltv { options.finalCltvDelta = finalCltv }
        if let riskFactor {
            guard riskFactor.isFinite, riskFactor >= 0 else {
                throw APIError(code: "invalid_argument", message: "--risk-factor '\(riskFactor)' is not a valid number")
            }
            options.riskFactor = riskFactor
        }
        if let minProbability {
            guard Self.isProbability(minProbability) else {
                throw APIError(code: "invalid_argument", message: "--min-probability '\(minProbability)' is not a number from 0 to 1")
            }
            options.minProbability = minProbability
        }
        options.useProbability = !noProbability
        return options
    }
}
