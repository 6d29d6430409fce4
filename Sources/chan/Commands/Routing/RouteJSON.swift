import ChanCore

/// The JSON shapes of `chan route` (keys become snake_case on output).
struct RouteJSON: Encodable {
    let amountMsat: UInt64
    let totalAmountMsat: UInt64
    let feeMsat: UInt64
    let totalCltv: UInt32
    let probability: Double
    let hops: [HopJSON]

    init(_ route: Route, _ graph: ChannelGraph) {
        amountMsat = route.amount.value
        totalAmountMsat = route.totalAmount.value
        feeMsat = route.fee.value
        totalCltv = route.totalCltv
        probability = route.probability
        hops = route.hops.map { HopJSON($0, graph) }
    }
}

struct HopJSON: Encodable {
    let nodeID: String
    let alias: String?
    let shortChannelID: String
    let amountMsat: UInt64
    let feeMsat: UInt64
    let cltvExpiryDelta: UInt32

    init(_ hop: RouteHop, _ graph: ChannelGraph) {
        nodeID = hop.nodeID.hex
        alias = graph.alias(hop.node)
        shortChannelID = hop.shortChannelID.description
        amountMsat = hop.amount.value
        feeMsat = hop.fee.value
        cltvExpiryDelta = hop.cltvExpiryDelta
    }
}

struct MultiPartJSON: Encodable {
    let amountMsat: UInt64
    let totalAmountMsat: UInt64
    let feeMsat: UInt64
    let totalCltv: UInt32
    let probability: Double
    let parts: [RouteJSON]

    init(_ payment: MultiPartRoute, _ graph: ChannelGraph) {
        amountMsat = payment.amount.value
        totalAmountMsat = payment.totalAmount.value
        feeMsat = payment.fee.value
        totalCltv = payment.totalCltv
        probability = payment.probability
        parts = payment.parts.map { RouteJSON($0, graph) }
    }
}

/// A route in one line: enough to compare alternatives.
struct RouteSummaryJSON: Encodable {
    let totalAmountMsat: UInt64
    let feeMsat: UInt64
    let totalCltv: UInt32
    let probability: Double
    let costMsat: Double
    let shortChannelIds: [String]
    let nodeIDs: [String]

    init(_ route: Route) {
        totalAmountMsat = route.totalAmount.value
        feeMsat = route.fee.value
        totalCltv = route.totalCltv
        probability = route.probability
        costMsat = route.cost.total
        shortChannelIds = route.hops.map(\.shortChannelID.description)
        nodeIDs = route.hops.map(\.nodeID.hex)
    }
}

struct CostJSON: Encodable {
    let feesMsat: Double
    let cltvRiskMsat: Double
    let attemptPenaltyMsat: Double
    let totalMsat: Double

    init(_ cost: RouteCost) {
        feesMsat = cost.fees
        cltvRiskMsat = cost.cltvRisk
        attemptPenaltyMsat = cost.attemptPenalty
        totalMsat = cost.total
    }
}

struct AlternativeJSON: Encodable {
    let avoiding: EdgeDescription
    let route: RouteSummaryJSON?
    let leftOut: [RejectionSummary]?

    init(_ alternative: RouteAlternative) {
        avoiding = alternative.avoiding
        route = alternative.route.map(RouteSummaryJSON.init)
        leftOut = alternative.leftOut.isEmpty ? nil : alternative.leftOut
    }

    enum CodingKeys: String, CodingKey { case avoiding, route, leftOut }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(avoiding, forKey: .avoiding)
        try container.encode(route, forKey: .route)  // null when there is no alternative
        try container.encodeIfPresent(leftOut, forKey: .leftOut)
    }
}

struct ParametersJSON: Encodable {
    let finalCltv: UInt32
    let cltvLimit: UInt32
    let maxFeeMsat: UInt64?
    let riskFactor: Double
    let attemptCostMsat: UInt64
    let attemptCostPpm: UInt64
    let useProbability: Bool
    let maxParts: Int
    let minPartMsat: UInt64

    init(_ options: RouteOptions) {
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

struct ExplainJSON: Encodable {
    let parameters: ParametersJSON
    let cost: CostJSON
    let search: SearchStatistics
    let leftOut: [RejectionSummary]
    let alternatives: [AlternativeJSON]

    init(_ explanation: RouteExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        cost = CostJSON(explanation.route.cost)
        search = explanation.search
        leftOut = explanation.rejections
        alternatives = explanation.alternatives.map(AlternativeJSON.init)
    }
}

struct PlanJSON: Encodable {
    let targetParts: Int
    let found: Bool
    let parts: Int?
    let feeMsat: UInt64?
    let probability: Double?
    let costMsat: Double?
    let chosen: Bool

    init(_ plan: ConsideredPlan, chosen: MultiPartRoute) {
        targetParts = plan.targetParts
        found = plan.payment != nil
        parts = plan.payment?.parts.count
        feeMsat = plan.payment?.fee.value
        probability = plan.payment?.probability
        costMsat = plan.payment?.cost
        self.chosen = plan.payment == chosen
    }
}

struct MultiPartExplainJSON: Encodable {
    let parameters: ParametersJSON
    let costMsat: Double
    let plans: [PlanJSON]
    let alternatives: [AlternativeJSON]

    init(_ explanation: MultiPartExplanation, _ options: RouteOptions) {
        parameters = ParametersJSON(options)
        costMsat = explanation.payment.cost
        plans = explanation.plans.map { PlanJSON($0, chosen: explanation.payment) }
        alternatives = explanation.alternatives.map(AlternativeJSON.init)
    }
}
