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
    public let costMsat: Double
    public let shortChannelIds: [String]
    public let nodeIDs: [String]

    public init(_ route: Route) {
        totalAmountMsat = route.totalAmount.value
        feeMsat = route.fee.value
        totalCltv = route.totalCltv
        probability = route.probability
        costMsat = route.cost.total
        shortChannelIds = route.hops.map(\.shortChannelID.description)
        nodeIDs = route.hops.map(\.nodeID.hex)
    }
}

public struct CostJSON: Encodable, Sendable {
    public let feesMsat: Double
    public let cltvRiskMsat: Double
    public let attemptPenaltyMsat: Double
    public let totalMsat: Double

    public init(_ cost: RouteCost) {
        feesMsat = cost.fees
        cltvRiskMsat = cost.cltvRisk
        attemptPenaltyMsat = cost.attemptPenalty
        totalMsat = cost.total
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

    enum CodingKeys: String, CodingKey { case avoiding, route, leftOut }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(avoiding, forKey: .avoiding)
        try container.encode(route, forKey: .route)  // null when there is no alternative
        try container.encodeIfPresent(leftOut, forKey: .leftOut)
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
    public let parts: Int?
    public let feeMsat: UInt64?
    public let probability: Double?
    public let costMsat: Double?
    public let chosen: Bool

    public init(_ plan: ConsideredPlan, chosen: MultiPartRoute) {
        targetParts = plan.targetParts
        found = plan.payment != nil
        parts = plan.payment?.parts.count
        feeMsat = plan.payment?.fee.value
        probability = plan.payment?.probability
        costMsat = plan.payment?.cost
        self.chosen = plan.payment == chosen
    }
}

public struct MultiPartExplainJSON: Encodable, Sendable {
    public let parameters: ParametersJSON
    public let costMsat: Double
    public let plans: [PlanJSON]
    public let alternatives: [AlternativeJSON]

    public init(_ explanation: MultiPartExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        costMsat = explanation.payment.cost
        plans = explanation.plans.map { PlanJSON($0, chosen: explanation.payment) }
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
        case (false, true):
            let explanation = try pathfinder.explainRoute(query)
            return Explained(route: RouteJSON(explanation.route, graph), explain: ExplainJSON(explanation, query.options))
        case (true, false):
            return MultiPartJSON(try pathfinder.findMultiPartRoute(query), graph)
        case (true, true):
            let explanation = try pathfinder.explainMultiPartRoute(query)
            return Explained(route: MultiPartJSON(explanation.payment, graph), explain: MultiPartExplainJSON(explanation, query.options))
        }
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
    @Nullable public var maxFeeMsat: MilliSatoshi?
    @Nullable public var cltvLimit: UInt32?
    @Nullable public var finalCltv: UInt32?
    @Nullable public var riskFactor: Double?
    public let noProbability: Bool

    public init(maxFeeMsat: MilliSatoshi?, cltvLimit: UInt32?, finalCltv: UInt32?, riskFactor: Double?, noProbability: Bool) {
        self.maxFeeMsat = maxFeeMsat
        self.cltvLimit = cltvLimit
        self.finalCltv = finalCltv
        self.riskFactor = riskFactor
        self.noProbability = noProbability
    }

    /// The pathfinder's options; a risk factor that is not a finite non-negative number is refused.
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
        options.useProbability = !noProbability
        return options
    }
}
