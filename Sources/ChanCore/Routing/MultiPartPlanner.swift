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
/// arrive; planning stops as soon as more parts stop helping. The answer is the cheapest plan
/// within the limits of the whole payment: `maxFee` for all parts together (each part is
/// searched within what the earlier parts left of it) and `minProbability` for all arriving.
extension Pathfinder {
    /// The cheapest plan of at most `maxParts` parts, or `RoutingError.noRoute` with reasons.
    public func findMultiPartRoute(_ query: RouteQuery) throws(RoutingError) -> MultiPartRoute {
        try validate(query)
        var considered: [ConsideredPlan]? = []
        if let payment = planPayment(query, considered: &considered) { return payment }
        var explanation = diagnoseSplit(query, considered: considered)
        explanation.plans = considered ?? []
        throw .noRoute(explanation)
    }

    /// The cheapest plan, or nil; skips the diagnosis `findMultiPartRoute` makes on failure.
    public func multiPartRoute(_ query: RouteQuery) -> MultiPartRoute? {
        var considered: [ConsideredPlan]?
        return planPayment(query, considered: &considered)
    }

    /// `singleSearchFailed`: the caller's search for the whole amount just failed, so it is not
    /// repeated. `firstAnswerSuffices`: stop at the first plan within the limits (to learn
    /// whether splitting helps at all) instead of trying more parts while they lower the cost.
    func planPayment(
        _ query: RouteQuery, considered: inout [ConsideredPlan]?, singleSearchFailed: Bool = false,
        firstAnswerSuffices: Bool = false
    ) -> MultiPartRoute? {
        guard (try? validate(query)) != nil else { return nil }
        prepareOverlay(query)
        defer { overlay.clearUsage() }
        let options = query.options
        let amount = query.amount.value
        // Usage only makes sides harder to use, and larger amounts only harder to route, so a
        // part at least as large as one that failed on the empty graph fails too.
        var smallestFailure = UInt64.max

        // `best` is the cheapest plan so far (more parts are tried while they lower its cost);
        // `answer` the cheapest of those within the limits of the whole payment.
        var best: MultiPartRoute?
        var answer: (plan: MultiPartRoute, index: Int)?
        func note(_ plan: MultiPartRoute?, targetParts: Int) {
            let withinLimits = plan.map { isWithinLimits($0, options) } ?? false
            considered?.append(ConsideredPlan(targetParts: targetParts, payment: plan, withinLimits: withinLimits))
            guard let plan else { return }
            if best.map({ plan.cost < $0.cost }) ?? true { best = plan }
            if withinLimits, answer.map({ plan.cost < $0.plan.cost }) ?? true { answer = (plan, (considered?.count ?? 0) - 1) }
        }
        defer { if let index = answer?.index, considered != nil { considered?[index].chosen = true } }

        let single = SearchParameters(query, amount: amount)
        if !singleSearchFailed && search(single) {
            let route = buildRoute(single)
            note(combine([route], options), targetParts: 1)
            if !options.useProbability { return answer?.plan }
            if route.probability >= options.splitBelowProbability, answer != nil { return answer?.plan }
        } else {
            smallestFailure = amount
            note(nil, targetParts: 1)
        }

        let minPart = min(options.minPartAmount.value, amount)
        guard options.maxParts >= 2, minPart > 0, amount >= 2 * minPart else { return answer?.plan }
        // If not even the smallest part finds a route, no plan will: say so after one search
        // instead of halving every plan down to it.
        if best == nil && !search(SearchParameters(query, amount: minPart)) { return nil }
        var targetParts = 2
        while targetParts <= options.maxParts {
            let plan = planParts(query, targetParts: targetParts, minPart: minPart, smallestFailure: &smallestFailure)
            let previous = best
            note(plan, targetParts: targetParts)
            guard let plan else { break }
            if let previous, previous.cost <= plan.cost { break }
            if firstAnswerSuffices, answer != nil { break }
            targetParts *= 2
        }
        return answer?.plan
    }

    /// Whether a whole plan keeps to the payment's limits: its total fee (each part is searched
    /// within what the parts before it left of the fee limit, so this holds by construction;
    /// checked all the same) and its success probability.
    func isWithinLimits(_ plan: MultiPartRoute, _ options: RouteOptions) -> Bool {
        if let maxFee = options.maxFee, plan.fee > maxFee { return false }
        return options.acceptsProbability(plan.probability)
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
        // The fee limit is for the whole payment: each part may spend what the earlier left.
        var feeLeft = options.maxFee?.value
        while remaining > 0 {
            guard parts.count < options.maxParts else { return nil }
            var size = min(shard, remaining)
            let rest = remaining - size
            // Never leave a remainder smaller than a part may be.
            if rest > 0 && rest < minPart { size = remaining >= 2 * minPart ? remaining - minPart : remaining }

            var route: Route?
            if size < smallestFailure {
                var parameters = SearchParameters(query, amount: size)
                if let feeLeft { parameters.maxFeeMsat = feeLeft }
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
            if let left = feeLeft { feeLeft = left - min(left, route.fee.value) }
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

    /// Why no plan was found: plans that break the fee limit or the minimum probability (the
    /// cheapest and the likeliest of them named), else what stops even the smallest part, or
    /// else that the parts could not be fitted together. `considered`: the plans the failed
    /// planning tried (nil: plan again).
    func diagnoseSplit(_ query: RouteQuery, considered: [ConsideredPlan]? = nil) -> NoRouteExplanation {
        let options = query.options
        var tried = considered
        if tried == nil {
            tried = []
            _ = planPayment(query, considered: &tried)
        }
        var planned = (tried ?? []).compactMap(\.payment)
        if options.maxFee != nil {
            var unlimited = query
            unlimited.options.maxFee = nil
            var withoutLimit: [ConsideredPlan]? = []
            _ = planPayment(unlimited, considered: &withoutLimit)
            planned += (withoutLimit ?? []).compactMap(\.payment)
        }
        if !planned.isEmpty {
            var reasons: [NoRouteReason] = []
            if let maxFee = options.maxFee, let cheapest = planned.min(by: { $0.fee < $1.fee }), cheapest.fee > maxFee {
                reasons.append(.planFeeAboveLimit(needed: cheapest.fee, limit: maxFee, partCount: cheapest.parts.count))
            }
            if let likeliest = planned.max(by: { $0.probability < $1.probability }), !options.acceptsProbability(likeliest.probability) {
                reasons.append(.probabilityBelowMinimum(
                    probability: likeliest.probability, minimum: options.minProbability, partCount: likeliest.parts.count))
            }
            return NoRouteExplanation(
                payer: graph.nodeID(query.payer), payee: graph.nodeID(query.payee), amount: query.amount,
                reasons: reasons.isEmpty ? [.limitsTogether] : reasons, rejections: leftOut(query))
        }

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

    /// What a search for the whole amount in one part leaves out.
    func leftOut(_ query: RouteQuery) -> [RejectionSummary] {
        prepareOverlay(query)
        _ = search(SearchParameters(query, amount: query.amount.value))
        return tally.summaries(graph)
    }
}

/// One plan the multi-part planner tried, for explain output.
public struct ConsideredPlan: Sendable, Equatable {
    /// How many equal parts the plan started from (1: the single route).
    public let targetParts: Int
    /// The plan, or nil when it could not be completed.
    public let payment: MultiPartRoute?
    /// Whether the plan keeps to the payment's fee limit and minimum probability.
    public let withinLimits: Bool
    /// Whether it is the plan the planner answered with (at most one of those it tried).
    public internal(set) var chosen = false
}
