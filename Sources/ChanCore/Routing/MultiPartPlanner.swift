import ChanLedger

/// Multi-part payments (docs/ROUTING.md, "Multi-part payments").
///
/// The single cheapest route is used when it exists and is likely enough. Otherwise the
/// payment is planned as 2, 4, 8, 16 equal parts: each part is routed in turn with the
/// amounts of the parts before it counted on the channel sides they use (a side carrying two
/// parts must hold both, and its success probability is conditioned on the earlier parts),
/// and a part that finds no route is halved, down to the minimum part size (when not even
/// a minimum-size part finds a route, no plan is tried at all). Plans are
/// compared by fees + CLTV risk + the sum of attempt costs / the probability that all parts
/// arrive; planning stops as soon as more parts stop helping.
extension Pathfinder {
    /// The cheapest plan of at most `maxParts` parts, or `RoutingError.noRoute` with reasons.
    public func findMultiPartRoute(_ query: RouteQuery) throws(RoutingError) -> MultiPartRoute {
        try validate(query)
        if let payment = multiPartRoute(query) { return payment }
        throw .noRoute(diagnoseSplit(query))
    }

    /// The cheapest plan, or nil; skips the diagnosis `findMultiPartRoute` makes on failure.
    public func multiPartRoute(_ query: RouteQuery) -> MultiPartRoute? {
        var considered: [ConsideredPlan]?
        return planPayment(query, considered: &considered)
    }

    func planPayment(_ query: RouteQuery, considered: inout [ConsideredPlan]?) -> MultiPartRoute? {
        guard (try? validate(query)) != nil else { return nil }
        prepareOverlay(query)
        defer { overlay.clearUsage() }
        let options = query.options
        let amount = query.amount.value
        // Usage only makes sides harder to use, and larger amounts only harder to route, so a
        // part at least as large as one that failed on the empty graph fails too.
        var smallestFailure = UInt64.max

        var best: MultiPartRoute?
        let single = SearchParameters(query, amount: amount)
        if search(single) {
            let route = buildRoute(single)
            best = combine([route], options)
            considered?.append(ConsideredPlan(targetParts: 1, payment: best))
            if route.probability >= options.splitBelowProbability || !options.useProbability { return best }
        } else {
            smallestFailure = amount
            considered?.append(ConsideredPlan(targetParts: 1, payment: nil))
        }

        let minPart = min(options.minPartAmount.value, amount)
        guard options.maxParts >= 2, minPart > 0, amount >= 2 * minPart else { return best }
        // If not even the smallest part finds a route, no plan will: say so after one search
        // instead of halving every plan down to it.
        if best == nil && !search(SearchParameters(query, amount: minPart)) { return nil }
        var targetParts = 2
        while targetParts <= options.maxParts {
            let plan = planParts(query, targetParts: targetParts, minPart: minPart, smallestFailure: &smallestFailure)
            considered?.append(ConsideredPlan(targetParts: targetParts, payment: plan))
            guard let plan else { break }
            if let current = best, current.cost <= plan.cost { break }
            best = plan
            targetParts *= 2
        }
        return best
    }

    /// Routes `amount / targetParts` at a time, halving a part that finds no route.
    private func planParts(
        _ query: RouteQuery, targetParts: Int, minPart: UInt64, smallestFailure: inout UInt64
    ) -> MultiPartRoute? {
        overlay.clearUsage()
        let options = query.options
        let amount = query.amount.value
        var shard = amount / UInt64(targetParts) + (amount % UInt64(targetParts) == 0 ? 0 : 1)
        var remaining = amount
        var parts: [Route] = []
        while remaining > 0 {
            guard parts.count < options.maxParts else { return nil }
            var size = min(shard, remaining)
            let rest = remaining - size
            // Never leave a remainder smaller than a part may be.
            if rest > 0 && rest < minPart { size = remaining >= 2 * minPart ? remaining - minPart : remaining }

            var route: Route?
            if size < smallestFailure {
                let parameters = SearchParameters(query, amount: size)
                if search(parameters) {
                    route = buildRoute(parameters)
                } else if parts.isEmpty {
                    smallestFailure = size
                }
            }
            guard let route else {
                // Halve, but try the minimum part size itself before giving up; a remainder
                // below two minimum parts cannot be split further.
                if size <= minPart || (size == remaining && remaining < 2 * minPart) { return nil }
                shard = max(min(shard, size) / 2, minPart)
                continue
            }
            for hop in route.hops { overlay.addUsage(hop.edge.rawValue, hop.amount.value) }
            parts.append(route)
            remaining -= size
        }
        return combine(parts, options)
    }

    private func combine(_ parts: [Route], _ options: RouteOptions) -> MultiPartRoute {
        var amount: UInt64 = 0
        var total: UInt64 = 0
        var probability = 1.0
        var weight = 0.0
        var attempts = 0.0
        for part in parts {
            amount += part.amount.value
            total += part.totalAmount.value
            probability *= part.probability
            weight += part.cost.fees + part.cost.cltvRisk
            attempts += options.attemptCost(for: part.amount.value)
        }
        let cost = options.useProbability ? weight + attempts / probability : weight
        return MultiPartRoute(
            parts: parts, amount: MilliSatoshi(amount), totalAmount: MilliSatoshi(total),
            probability: probability, cost: cost)
    }

    /// Why no plan was found: what stops even the smallest part, or else that the parts
    /// could not be fitted together.
    func diagnoseSplit(_ query: RouteQuery) -> NoRouteExplanation {
        let options = query.options
        let minPart = MilliSatoshi(min(options.minPartAmount.value, query.amount.value))
        var smallest = query
        smallest.amount = minPart
        prepareOverlay(smallest)
        if !search(SearchParameters(smallest, amount: minPart.value)) {
            let inner = diagnose(smallest)
            return NoRouteExplanation(
                payer: inner.payer, payee: inner.payee, amount: query.amount,
                reasons: [.splitFailed(maxParts: options.maxParts, minPart: minPart)] + inner.reasons,
                rejections: inner.rejections)
        }
        let whole = diagnose(query)
        var reasons = whole.reasons.filter {
            switch $0 {
            case .amountAbovePayeeInbound: true
            default: false
            }
        }
        reasons.append(.splitFailed(maxParts: options.maxParts, minPart: minPart))
        return NoRouteExplanation(
            payer: whole.payer, payee: whole.payee, amount: query.amount, reasons: reasons, rejections: whole.rejections)
    }
}

/// One plan the multi-part planner tried, for explain output.
public struct ConsideredPlan: Sendable, Equatable {
    /// How many equal parts the plan started from (1: the single route).
    public let targetParts: Int
    /// The plan, or nil when it could not be completed.
    public let payment: MultiPartRoute?
}
