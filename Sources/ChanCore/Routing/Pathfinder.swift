import ChanLedger

/// Finds routes on one `ChannelGraph`: a backward Dijkstra from the payee, so each hop's
/// amount and CLTV are known exactly when its fee is computed (docs/ROUTING.md).
///
/// A pathfinder keeps its search state (labels, heap, per-edge overlay) between queries so a
/// query allocates almost nothing. It is therefore not thread-safe: use one per thread; they
/// can share the same immutable graph.
public final class Pathfinder {
    public let graph: ChannelGraph

    private let labels: UnsafeMutableBufferPointer<NodeLabel>
    private var generation: UInt32 = 0
    private var heap: SearchHeap
    let overlay: EdgeOverlay
    var tally = RejectionTally()
    /// Counters of the most recent search.
    public private(set) var lastSearch = SearchStatistics()

    public init(graph: ChannelGraph) {
        self.graph = graph
        labels = .allocate(capacity: max(graph.nodeCount, 1))
        labels.initialize(repeating: NodeLabel())
        heap = SearchHeap(capacity: 1024)
        overlay = EdgeOverlay(edgeCount: graph.edgeCount)
    }

    deinit { labels.deallocate() }

    // MARK: Public queries

    /// The cheapest single route, or `RoutingError.noRoute` explaining why there is none.
    public func findRoute(_ query: RouteQuery) throws(RoutingError) -> Route {
        try acceptableRoute(query).route
    }

    /// The cheapest single route within the query's limits and the parameters that found it
    /// (the labels and tally are still those of its search), or the diagnosis of why not.
    func acceptableRoute(_ query: RouteQuery) throws(RoutingError) -> (route: Route, parameters: SearchParameters) {
        try validate(query)
        prepareOverlay(query)
        let parameters = SearchParameters(query, amount: query.amount.value)
        guard search(parameters) else { throw .noRoute(diagnoseRoute(query, parameters, found: nil)) }
        let route = buildRoute(parameters)
        guard query.options.acceptsProbability(route.probability) else {
            throw .noRoute(diagnoseRoute(query, parameters, found: route))
        }
        return (route, parameters)
    }

    /// The cheapest single route, or nil (also when it is less likely than the options'
    /// minimum probability); skips the diagnosis `findRoute` makes on failure.
    public func route(_ query: RouteQuery) -> Route? {
        guard (try? validate(query)) != nil else { return nil }
        prepareOverlay(query)
        let parameters = SearchParameters(query, amount: query.amount.value)
        guard search(parameters) else { return nil }
        let route = buildRoute(parameters)
        return query.options.acceptsProbability(route.probability) ? route : nil
    }

    func validate(_ query: RouteQuery) throws(RoutingError) {
        guard query.amount > .zero else { throw .zeroAmount }
        let count = Int32(graph.nodeCount)
        guard (0..<count).contains(query.payer.rawValue), (0..<count).contains(query.payee.rawValue) else {
            throw .nodeOutOfRange
        }
        guard query.payer != query.payee else { throw .samePayerAndPayee(graph.nodeID(query.payer)) }
    }

    /// Loads what mission control knows into the overlay, decayed to the query's time, and
    /// the amounts the payment has in flight.
    func prepareOverlay(_ query: RouteQuery) {
        overlay.removeAll()
        if let missionControl = query.missionControl, query.options.useProbability {
            for side in missionControl.channelSides {
                guard let edge = graph.edge(side.shortChannelID, side.direction),
                      let bounds = missionControl.bounds(side, at: query.now)
                else { continue }
                overlay.setBounds(edge.rawValue, lowerMsat: bounds.lower.value, upperMsat: bounds.upper.value)
            }
        }
        for (side, amount) in query.inFlight where amount > .zero {
            guard let edge = graph.edge(side.shortChannelID, side.direction) else { continue }
            overlay.reserve(edge.rawValue, amount.value)
        }
    }

    // MARK: The search

    /// Runs the backward Dijkstra; true when the payer was reached. The labels then hold
    /// the route until the next search.
    func search(_ p: SearchParameters) -> Bool {
        beginGeneration()
        // Work on local copies of the heap and tally: mutating a class's stored properties
        // in the loop would cost a dynamic exclusivity check per access.
        var heap = SearchHeap(capacity: 0)
        var tally = RejectionTally.placeholder
        swap(&heap, &self.heap)
        swap(&tally, &self.tally)
        heap.removeAll()
        tally.reset()
        var statistics = SearchStatistics()
        defer {
            swap(&heap, &self.heap)
            swap(&tally, &self.tally)
            lastSearch = statistics
        }

        let storage = graph.storage
        let labels = self.labels
        let generation = self.generation
        let payer = Int(p.payer)
        let payee = Int(p.payee)

        let checkCltvLimit = !p.relaxations.contains(.ignoreCltvLimit)
        let checkMaxFee = !p.relaxations.contains(.ignoreMaxFee) && p.maxFeeMsat != .max
        let checkHtlcMinimum = !p.relaxations.contains(.ignoreHtlcMinimum)
        let useLearned = !p.relaxations.contains(.ignoreLearnedLiquidity)
        let maxHops = p.relaxations.contains(.ignoreHopLimit) ? Int(UInt16.max) : p.maxHops
        let useOverlay = !overlay.isEmpty
        let useProbability = p.useProbability

        if checkCltvLimit && p.finalCltv > p.cltvLimit { return false }
        labels[payee] = NodeLabel(
            cost: 0, weight: 0, probability: 1, amountMsat: p.amountMsat, cltv: p.finalCltv,
            generation: generation, nextEdge: -1, hops: 0, settled: false)
        heap.push(0, p.payee)

        while let top = heap.popMin() {
            let v = Int(top.node)
            let label = labels[v]
            if label.settled || top.cost > label.cost { continue }
            labels[v].settled = true
            statistics.settledNodes += 1
            if v == payer { return true }

            let hops = Int(label.hops) + 1
            let firstEdge = Int(storage.incomingStart[v])
            let enabledEnd = Int(storage.incomingEnabledEnd[v])
            let endEdge = Int(storage.incomingStart[v + 1])
            if hops > maxHops {
                tally.note(.maxHops, firstEdge..<endEdge)
                continue
            }
            if enabledEnd < endEdge { tally.note(.disabled, enabledEnd..<endEdge) }
            let amount = label.amountMsat

            for edge in firstEdge..<enabledEnd {
                let u = Int(storage.edgeSource[edge])
                let previous = labels[u]
                let hasLabel = previous.generation == generation
                if hasLabel && previous.settled { continue }
                statistics.relaxedEdges += 1

                // Hard limits of the side.
                if checkHtlcMinimum && amount < storage.edgeHtlcMinimumMsat[edge] { tally.note(.htlcMinimum, edge); continue }
                let capacity = storage.edgeCapacityMsat[edge]
                if amount > storage.edgeHtlcMaximumMsat[edge] { tally.note(.htlcMaximum, edge); continue }
                if amount > capacity { tally.note(.capacity, edge); continue }

                // Success probability, from capacity or from what the overlay knows.
                var probability = 1.0
                let slot = useOverlay ? overlay.slot(edge) : -1
                if slot >= 0 {
                    let known = overlay.entry(slot)
                    if known.excluded { tally.note(.excluded, edge); continue }
                    let (needed, overflow) = known.usedMsat.addingReportingOverflow(amount)
                    if overflow || needed > capacity { tally.note(.capacity, edge); continue }
                    if useProbability {
                        let upper = useLearned ? min(known.upperMsat, capacity) : capacity
                        let lower = max(useLearned ? known.lowerMsat : 0, known.usedMsat)
                        if needed > upper { tally.note(.liquidity, edge); continue }
                        probability = SuccessProbability.uniform(amountMsat: needed, lowerMsat: lower, upperMsat: upper)
                    }
                } else if useProbability {
                    probability = Double(capacity - amount + 1) / Double(capacity + 1)
                }

                // The payer forwards nothing: no fee and no CLTV delta on its own channel.
                var newAmount = amount
                var newCltv = label.cltv
                var newWeight = label.weight
                if u != payer {
                    guard let fee = ForwardingFee.msat(
                        forwarding: amount, base: storage.edgeFeeBaseMsat[edge],
                        proportionalMillionths: storage.edgeFeeProportional[edge])
                    else { tally.note(.feeOverflow, edge); continue }
                    let (total, overflow) = amount.addingReportingOverflow(fee)
                    if overflow { tally.note(.feeOverflow, edge); continue }
                    if checkMaxFee && total - p.amountMsat > p.maxFeeMsat { tally.note(.maxFee, edge); continue }
                    let delta = UInt32(storage.edgeCltvDelta[edge])
                    newCltv = label.cltv &+ delta
                    if checkCltvLimit && newCltv > p.cltvLimit { tally.note(.cltvLimit, edge); continue }
                    newAmount = total
                    newWeight += Double(fee) + Double(amount) * Double(delta) * p.riskPerMsatBlock
                }
                let newProbability = label.probability * probability
                let newCost = useProbability ? newWeight + p.attemptCostMsat / newProbability : newWeight

                if hasLabel {
                    if newCost > previous.cost { continue }
                    if newCost == previous.cost && !winsTie(edge: edge, hops: hops, over: previous) { continue }
                }
                labels[u] = NodeLabel(
                    cost: newCost, weight: newWeight, probability: newProbability, amountMsat: newAmount,
                    cltv: newCltv, generation: generation, nextEdge: Int32(edge), hops: UInt16(hops), settled: false)
                heap.push(newCost, Int32(u))
            }
        }
        return false
    }

    /// Equal costs: fewer hops first, then the lower short channel id, so the answer does not
    /// depend on the order edges are met.
    @inline(__always)
    private func winsTie(edge: Int, hops: Int, over previous: NodeLabel) -> Bool {
        if hops != Int(previous.hops) { return hops < Int(previous.hops) }
        let storage = graph.storage
        let channel = storage.edgeChannel[edge]
        let previousChannel = storage.edgeChannel[Int(previous.nextEdge)]
        if channel != previousChannel { return channel < previousChannel }
        return edge < Int(previous.nextEdge)
    }

    private func beginGeneration() {
        generation &+= 1
        if generation == 0 {
            // After 2^32 searches the stamps wrap: clear them once.
            for index in labels.indices { labels[index].generation = 0 }
            generation = 1
        }
    }

    // MARK: Reading the result

    /// The route the last successful search found, read from the labels.
    func buildRoute(_ p: SearchParameters) -> Route {
        let storage = graph.storage
        var edges: [Int] = []
        var node = Int(p.payer)
        while labels[node].nextEdge >= 0 {
            let edge = Int(labels[node].nextEdge)
            edges.append(edge)
            node = Int(storage.edgeTarget[edge])
        }
        var hops: [RouteHop] = []
        hops.reserveCapacity(edges.count)
        var risk = 0.0
        for (index, edge) in edges.enumerated() {
            let target = Int(storage.edgeTarget[edge])
            let here = labels[target]
            let isLast = index == edges.count - 1
            let next = isLast ? here : labels[Int(storage.edgeTarget[edges[index + 1]])]
            if !isLast {
                let delta = Double(storage.edgeCltvDelta[edges[index + 1]])
                risk += Double(next.amountMsat) * delta * p.riskPerMsatBlock
            }
            let channel = Int(storage.edgeChannel[edge])
            hops.append(RouteHop(
                node: NodeIndex(Int32(target)),
                nodeID: storage.nodeIDs[target],
                edge: EdgeIndex(Int32(edge)),
                shortChannelID: ShortChannelID(rawValue: storage.channelScid[channel]),
                direction: storage.edgeDirection[edge] == 0 ? .fromNode1 : .fromNode2,
                capacity: Satoshi(storage.channelCapacitySat[channel]),
                amount: MilliSatoshi(here.amountMsat),
                fee: MilliSatoshi(isLast ? 0 : here.amountMsat - next.amountMsat),
                cltvExpiryDelta: isLast ? here.cltv : here.cltv - next.cltv,
                probability: edgeProbability(edge, amountMsat: here.amountMsat, p)))
        }
        let start = labels[Int(p.payer)]
        let fees = Double(start.amountMsat - p.amountMsat)
        return Route(
            payer: storage.nodeIDs[Int(p.payer)],
            amount: MilliSatoshi(p.amountMsat),
            totalAmount: MilliSatoshi(start.amountMsat),
            totalCltv: start.cltv,
            probability: start.probability,
            cost: RouteCost(fees: fees, cltvRisk: risk, attemptPenalty: start.cost - start.weight),
            hops: hops)
    }

    /// The probability the search used for one edge at one amount.
    func edgeProbability(_ edge: Int, amountMsat: UInt64, _ p: SearchParameters) -> Double {
        guard p.useProbability else { return 1 }
        let capacity = graph.storage.edgeCapacityMsat[edge]
        let slot = overlay.isEmpty ? -1 : overlay.slot(edge)
        guard slot >= 0 else {
            return SuccessProbability.uniform(amountMsat: amountMsat, lowerMsat: 0, upperMsat: capacity)
        }
        let known = overlay.entry(slot)
        let useLearned = !p.relaxations.contains(.ignoreLearnedLiquidity)
        let upper = useLearned ? min(known.upperMsat, capacity) : capacity
        let lower = max(useLearned ? known.lowerMsat : 0, known.usedMsat)
        return SuccessProbability.uniform(amountMsat: known.usedMsat &+ amountMsat, lowerMsat: lower, upperMsat: upper)
    }
}
