/// Explain mode: the chosen route, what the search left out and why, and the best route
/// avoiding each channel of the chosen one (what the payment would fall back to if that
/// channel failed).
extension Pathfinder {
    public func explainRoute(_ query: RouteQuery) throws(RoutingError) -> RouteExplanation {
        let (route, parameters) = try acceptableRoute(query)
        let statistics = lastSearch
        let rejections = tally.summaries(graph)
        let alternatives = alternatives(avoidingEdgesOf: route, parameters)
        return RouteExplanation(route: route, search: statistics, rejections: rejections, alternatives: alternatives)
    }

    public func explainMultiPartRoute(_ query: RouteQuery) throws(RoutingError) -> MultiPartExplanation {
        try validate(query)
        var considered: [ConsideredPlan]? = []
        guard let payment = planPayment(query, considered: &considered) else {
            var explanation = diagnoseSplit(query, considered: considered)
            explanation.plans = considered ?? []
            throw .noRoute(explanation)
        }
        // For a single-part plan, also show the fallbacks of its route.
        var alternatives: [RouteAlternative] = []
        if payment.parts.count == 1 {
            prepareOverlay(query)
            alternatives = self.alternatives(
                avoidingEdgesOf: payment.parts[0], SearchParameters(query, amount: query.amount.value))
        }
        return MultiPartExplanation(payment: payment, plans: considered ?? [], alternatives: alternatives)
    }

    private func alternatives(avoidingEdgesOf route: Route, _ parameters: SearchParameters) -> [RouteAlternative] {
        route.hops.map { hop in
            let edge = hop.edge.rawValue
            overlay.setExcluded(edge, true)
            defer { overlay.setExcluded(edge, false) }
            let found = search(parameters) ? buildRoute(parameters) : nil
            return RouteAlternative(
                avoiding: EdgeDescription(graph, hop.edge),
                route: found,
                leftOut: found == nil ? tally.summaries(graph).filter { $0.reason != .excluded } : [])
        }
    }
}

public struct RouteExplanation: Sendable, Equatable {
    public let route: Route
    /// Work done by the search that found the route.
    public let search: SearchStatistics
    /// Edges that search left out, by reason, with examples nearest the payee.
    public let rejections: [RejectionSummary]
    /// For each hop of the route, the best route that avoids its channel.
    public let alternatives: [RouteAlternative]
}

public struct RouteAlternative: Sendable, Equatable {
    /// The channel side of the chosen route this alternative avoids.
    public let avoiding: EdgeDescription
    /// The best route without it; nil when there is none.
    public let route: Route?
    /// When there is none: what the search left out.
    public let leftOut: [RejectionSummary]
}

public struct MultiPartExplanation: Sendable, Equatable {
    public let payment: MultiPartRoute
    /// Every plan tried, in order, the chosen one among them.
    public let plans: [ConsideredPlan]
    /// When the payment is one part: the best route avoiding each of its channels.
    public let alternatives: [RouteAlternative]
}
