import ChanLedger

/// Works out why a search failed, from the most fundamental cause down: no channels at all,
/// no chain of channels, only disabled ones, too much for any single path, then each
/// limit (htlc_minimum, CLTV, fee, hops, learned liquidity) lifted in turn.
extension Pathfinder {
    /// Why the search for `query` just run with `parameters` gave no single route: the
    /// cheapest one it `found` is too unlikely, or what `diagnose` finds; and whether a
    /// multi-part plan would do (found by planning one). The search's state is still current:
    /// it is read, not repeated.
    func diagnoseRoute(_ query: RouteQuery, _ parameters: SearchParameters, found: Route?) -> NoRouteExplanation {
        var explanation: NoRouteExplanation
        if let route = found {
            explanation = NoRouteExplanation(
                payer: graph.nodeID(query.payer), payee: graph.nodeID(query.payee), amount: query.amount,
                reasons: [.probabilityBelowMinimum(probability: route.probability, minimum: query.options.minProbability, partCount: 1)],
                rejections: tally.summaries(graph))
        } else {
            explanation = diagnoseSearched(query, parameters)
        }
        // Smaller parts cannot cross a missing link, a disabled side, a higher htlc_minimum_msat,
        // or a CLTV or hop limit, nor fit a payee that cannot receive the whole amount: plan
        // only when no reason rules splitting out.
        let splittingMayHelp = explanation.reasons.allSatisfy {
            switch $0 {
            case .payeeHasNoIncomingChannels, .payerHasNoOutgoingChannels, .notConnected, .onlyThroughDisabled,
                 .htlcMinimum, .cltvLimit, .maxHops, .amountAbovePayeeInbound: false
            default: true
            }
        }
        var none: [ConsideredPlan]?
        if splittingMayHelp, query.options.maxParts >= 2,
           let plan = planPayment(query, considered: &none, singleSearchFailed: found == nil, firstAnswerSuffices: true),
           plan.parts.count >= 2 {
            explanation.reasons.append(.multiPartPossible(partCount: plan.parts.count, fee: plan.fee, probability: plan.probability))
        }
        return explanation
    }

    func diagnose(_ query: RouteQuery) -> NoRouteExplanation {
        prepareOverlay(query)
        let parameters = SearchParameters(query, amount: query.amount.value)
        _ = search(parameters)
        return diagnoseSearched(query, parameters)
    }

    /// `diagnose` once the failed search for `query` has run.
    private func diagnoseSearched(_ query: RouteQuery, _ parameters: SearchParameters) -> NoRouteExplanation {
        let rejections = tally.summaries(graph)
        let reasons = reasonsForNoRoute(query, parameters)
        return NoRouteExplanation(
            payer: graph.nodeID(query.payer), payee: graph.nodeID(query.payee), amount: query.amount,
            reasons: reasons, rejections: rejections)
    }

    private func reasonsForNoRoute(_ query: RouteQuery, _ parameters: SearchParameters) -> [NoRouteReason] {
        let storage = graph.storage
        let payee = Int(query.payee.rawValue)
        let payer = Int(query.payer.rawValue)

        var structural: [NoRouteReason] = []
        if storage.incomingStart[payee] == storage.incomingStart[payee + 1] {
            structural.append(.payeeHasNoIncomingChannels)
        }
        if !(0..<graph.edgeCount).contains(where: { storage.edgeSource[$0] == Int32(payer) }) {
            structural.append(.payerHasNoOutgoingChannels)
        }
        if !structural.isEmpty { return structural }
        guard let anyPath = fewestDisabledPath(from: payer, to: payee) else { return [.notConnected] }
        let disabledOnPath = anyPath.filter { storage.edgeDisabled[$0] }
        if !disabledOnPath.isEmpty {
            return [.onlyThroughDisabled(disabledOnPath.prefix(5).map { EdgeDescription(graph, EdgeIndex(Int32($0))) })]
        }

        let amount = query.amount.value
        let widest = widestPath(from: payer, to: payee)
        if amount > widest.widthMsat {
            var reasons: [NoRouteReason] = [.amountAboveSinglePathLimit(
                maximum: MilliSatoshi(widest.widthMsat),
                bottleneck: widest.bottleneck.map { EdgeDescription(graph, EdgeIndex(Int32($0))) },
                limitedBy: widest.limit)]
            let inbound = payeeInboundMsat(payee)
            if amount > inbound { reasons.append(.amountAbovePayeeInbound(maximum: MilliSatoshi(inbound))) }
            return reasons
        }

        // Lift one limit at a time and see which one makes a route appear.
        var reasons: [NoRouteReason] = []
        let options = query.options
        for relaxation in [SearchRelaxations.ignoreHtlcMinimum, .ignoreCltvLimit, .ignoreMaxFee, .ignoreHopLimit, .ignoreLearnedLiquidity] {
            var relaxed = parameters
            relaxed.relaxations = relaxation
            guard search(relaxed) else { continue }
            let route = buildRoute(relaxed)
            let via = route.hops.map(\.shortChannelID)
            switch relaxation {
            case .ignoreHtlcMinimum:
                let below = route.hops.filter { graph.policy($0.edge).htlcMinimum > $0.amount }
                reasons.append(.htlcMinimum(below.prefix(5).map { EdgeDescription(graph, $0.edge) }))
            case .ignoreCltvLimit:
                reasons.append(.cltvLimit(needed: route.totalCltv, limit: options.cltvLimit, via: via))
            case .ignoreMaxFee:
                reasons.append(.maxFee(needed: route.fee, limit: options.maxFee ?? .zero, via: via))
            case .ignoreHopLimit:
                reasons.append(.maxHops(needed: route.hops.count, limit: options.maxHops, via: via))
            default:
                let short = route.hops.filter { hop in
                    let slot = overlay.slot(Int(hop.edge.rawValue))
                    return slot >= 0 && overlay.entry(slot).upperMsat < hop.amount.value + overlay.entry(slot).usedMsat
                }
                reasons.append(.learnedLiquidity(short.prefix(5).map { EdgeDescription(graph, $0.edge) }))
            }
        }
        // Restore the tally of the real search for whoever reads it next.
        _ = search(parameters)
        return reasons.isEmpty ? [.limitsTogether] : reasons
    }

    /// The path from payer to payee over sides with a policy that crosses the fewest disabled
    /// sides (0-1 breadth-first search backwards from the payee); nil when none exists.
    func fewestDisabledPath(from payer: Int, to payee: Int) -> [Int]? {
        let storage = graph.storage
        var distance = [Int32](repeating: .max, count: graph.nodeCount)
        var nextEdge = [Int32](repeating: -1, count: graph.nodeCount)
        var queue = Deque(capacity: graph.nodeCount)
        distance[payee] = 0
        queue.pushFront(Int32(payee))
        while let node = queue.popFront() {
            let v = Int(node)
            if v == payer { break }
            for edge in Int(storage.incomingStart[v])..<Int(storage.incomingStart[v + 1]) {
                let u = Int(storage.edgeSource[edge])
                let step: Int32 = storage.edgeDisabled[edge] ? 1 : 0
                guard distance[v] + step < distance[u] else { continue }
                distance[u] = distance[v] + step
                nextEdge[u] = Int32(edge)
                if step == 0 { queue.pushFront(Int32(u)) } else { queue.pushBack(Int32(u)) }
            }
        }
        guard distance[payer] != .max else { return nil }
        var path: [Int] = []
        var node = payer
        while node != payee {
            let edge = Int(nextEdge[node])
            path.append(edge)
            node = Int(storage.edgeTarget[edge])
        }
        return path
    }

    /// The largest amount one path of enabled sides can carry, ignoring fees and
    /// htlc_minimum_msat (a bottleneck Dijkstra backwards from the payee), with the side that
    /// limits it and which of its limits does.
    func widestPath(from payer: Int, to payee: Int) -> (widthMsat: UInt64, bottleneck: Int?, limit: EdgeRejection) {
        let storage = graph.storage
        var width = [UInt64](repeating: 0, count: graph.nodeCount)
        var bottleneck = [Int32](repeating: -1, count: graph.nodeCount)
        var done = [Bool](repeating: false, count: graph.nodeCount)
        var heap = SearchHeap(capacity: 256)
        width[payee] = .max
        heap.push(-Double(UInt64.max), Int32(payee))
        while let top = heap.popMin() {
            let v = Int(top.node)
            if done[v] { continue }
            done[v] = true
            if v == payer { break }
            for edge in Int(storage.incomingStart[v])..<Int(storage.incomingStart[v + 1]) where !storage.edgeDisabled[edge] {
                let u = Int(storage.edgeSource[edge])
                guard !done[u] else { continue }
                let through = min(width[v], carryLimit(edge).msat)
                if through > width[u] {
                    width[u] = through
                    // Keep the side that limits the whole path: this one if it is the narrowest.
                    bottleneck[u] = carryLimit(edge).msat < width[v] ? Int32(edge) : bottleneck[v]
                    heap.push(-Double(through), Int32(u))
                }
            }
        }
        let edge = bottleneck[payer] >= 0 ? Int(bottleneck[payer]) : nil
        return (width[payer], edge, edge.map { carryLimit($0).limit } ?? .capacity)
    }

    /// The most one HTLC can carry over a side, and what sets it.
    private func carryLimit(_ edge: Int) -> (msat: UInt64, limit: EdgeRejection) {
        let storage = graph.storage
        var best = (msat: storage.edgeCapacityMsat[edge], limit: EdgeRejection.capacity)
        if storage.edgeHtlcMaximumMsat[edge] < best.msat { best = (storage.edgeHtlcMaximumMsat[edge], .htlcMaximum) }
        let slot = overlay.isEmpty ? -1 : overlay.slot(edge)
        if slot >= 0 {
            let known = overlay.entry(slot)
            let room = known.upperMsat > known.usedMsat ? known.upperMsat - known.usedMsat : 0
            if room < best.msat { best = (room, .liquidity) }
        }
        return best
    }

    /// What the payee's enabled incoming sides can receive together (their capacities).
    func payeeInboundMsat(_ payee: Int) -> UInt64 {
        let storage = graph.storage
        var total: UInt64 = 0
        for edge in Int(storage.incomingStart[payee])..<Int(storage.incomingStart[payee + 1]) where !storage.edgeDisabled[edge] {
            let (sum, overflow) = total.addingReportingOverflow(storage.edgeCapacityMsat[edge])
            total = overflow ? .max : sum
        }
        return total
    }
}

/// A double-ended queue of node indices for the 0-1 breadth-first search.
private struct Deque {
    private var storage: [Int32]
    private var head: Int
    private var tail: Int

    init(capacity: Int) {
        // Each node enters at most once per improvement; twice the nodes plus slack is ample
        // for a ring that grows when full.
        storage = [Int32](repeating: 0, count: max(16, capacity * 2))
        head = 0
        tail = 0
    }

    private var count: Int { (tail - head + storage.count) % storage.count }

    private mutating func growIfFull() {
        guard count == storage.count - 1 else { return }
        var bigger = [Int32](repeating: 0, count: storage.count * 2)
        var index = 0
        while head != tail {
            bigger[index] = storage[head]
            head = (head + 1) % storage.count
            index += 1
        }
        storage = bigger
        head = 0
        tail = index
    }

    mutating func pushFront(_ value: Int32) {
        growIfFull()
        head = (head - 1 + storage.count) % storage.count
        storage[head] = value
    }

    mutating func pushBack(_ value: Int32) {
        growIfFull()
        storage[tail] = value
        tail = (tail + 1) % storage.count
    }

    mutating func popFront() -> Int32? {
        guard head != tail else { return nil }
        let value = storage[head]
        head = (head + 1) % storage.count
        return value
    }
}
