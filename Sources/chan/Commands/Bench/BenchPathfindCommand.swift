import ArgumentParser
import ChanCore
import ChanLedger
import ChanStore

/// `chan bench pathfind`: route random payments on a graph file and report latencies.
struct BenchPathfindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathfind",
        abstract: "Time the pathfinder on random pairs of a graph file's enabled core.",
        discussion: """
            Payer and payee are drawn (seeded, so runs repeat) from the enabled core: the largest \
            connected part of the graph over enabled channel directions. Latencies are per query, \
            over every pair tried, found or not; a failed query skips the no-route diagnosis.

            Example: chan bench pathfind --graph mainnet.listchannels.json.gz --pairs 1000 --mpp
            """
    )

    @Option(name: .long, help: "The graph file (.json or .json.gz; - reads standard input).", completion: .file(extensions: ["json", "gz"]))
    var graph: String

    @Option(name: .long, help: "How many payer/payee pairs to route.")
    var pairs: Int = 1000

    @Option(name: .long, help: "The amount each payment delivers (default 100000 sat).")
    var amount: String = "100000"

    @Option(name: .long, help: "Seed of the pair selection.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Also time multi-part payments.")
    var mpp = false

    func run() throws {
        guard pairs > 0 else { throw ValidationError("--pairs must be at least 1") }
        let amount = try RouteArguments.positiveAmount(self.amount, option: "--amount")

        let clock = ContinuousClock()
        let loadStart = clock.now
        let loaded = try GraphFile.loadReporting(path: self.graph)
        let loadTime = clock.now - loadStart
        let graph = loaded.graph

        let core = EnabledCore.nodes(of: graph)
        guard core.count >= 2 else { throw ValidationError("the graph's enabled core has fewer than 2 nodes") }
        var random = SplitMix64(seed: seed)
        let queries: [RouteQuery] = (0..<pairs).map { _ in
            let payer = core[Int(random.next() % UInt64(core.count))]
            var payee = payer
            while payee == payer { payee = core[Int(random.next() % UInt64(core.count))] }
            // No probability floor: the bench times the search, and its "found" counts stay
            // comparable with the figures measured before `chan route` had one.
            var options = RouteOptions()
            options.minProbability = 0
            return RouteQuery(payer: payer, payee: payee, amount: amount, options: options)
        }

        let pathfinder = Pathfinder(graph: graph)
        var single = Measurements()
        for query in queries {
            let start = clock.now
            let route = pathfinder.route(query)
            single.add(clock.now - start, hops: route.map { Double($0.hops.count) }, parts: 1)
            single.settledNodes += pathfinder.lastSearch.settledNodes
        }
        var multiPart: Measurements?
        if mpp {
            var measured = Measurements()
            for query in queries {
                let start = clock.now
                let payment = pathfinder.multiPartRoute(query)
                // Hops of a multi-part payment: the mean over its parts.
                measured.add(
                    clock.now - start,
                    hops: payment.map { Double($0.parts.reduce(0) { $0 + $1.hops.count }) / Double($0.parts.count) },
                    parts: payment?.parts.count ?? 0)
            }
            multiPart = measured
        }

        let peak = ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 }
        try Output.json(Report(
            graph: self.graph, format: graph.format, nodes: graph.nodeCount, channels: graph.channelCount,
            coreNodes: core.count, amountMsat: amount.value, pairs: pairs, seed: seed,
            loadMs: Measurements.milliseconds(loadTime), loadedFrom: loaded.origin, peakRssMb: peak.map { ($0 * 10).rounded() / 10 },
            single: single.summary(includeParts: false), mpp: multiPart?.summary(includeParts: true)))
    }

    struct Report: Encodable {
        let graph: String
        let format: GraphFormat
        let nodes: Int
        let channels: Int
        let coreNodes: Int
        let amountMsat: UInt64
        let pairs: Int
        let seed: UInt64
        let loadMs: Double
        /// Whether the graph was parsed or read from its binary cache.
        let loadedFrom: GraphFile.Loaded.Origin
        let peakRssMb: Double?
        let single: Summary
        let mpp: Summary?
    }

    struct Summary: Encodable {
        let tried: Int
        let found: Int
        let p50Ms: Double
        let p90Ms: Double
        let p99Ms: Double
        let meanMs: Double
        let maxMs: Double
        let meanHops: Double
        let meanParts: Double?
        /// Nodes the search settled per query (single-path only).
        let meanSettledNodes: Double?

        enum CodingKeys: String, CodingKey {
            case tried, found, meanHops, meanParts, meanSettledNodes
            // convertToSnakeCase would print p50Ms as "p50_ms" too, but spell them out.
            case p50Ms = "p50_ms", p90Ms = "p90_ms", p99Ms = "p99_ms", meanMs = "mean_ms", maxMs = "max_ms"
        }
    }

    struct Measurements {
        private var times: [Double] = []
        private var found = 0
        private var hops = 0.0
        private var parts = 0
        var settledNodes = 0

        /// One query: its time, and for a found route its hops and parts.
        mutating func add(_ elapsed: Duration, hops routeHops: Double?, parts routeParts: Int) {
            times.append(Self.milliseconds(elapsed))
            if let routeHops {
                found += 1
                hops += routeHops
                parts += routeParts
            }
        }

        func summary(includeParts: Bool) -> Summary {
            let sorted = times.sorted()
            func percentile(_ p: Double) -> Double {
                let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
                return Self.round(sorted[max(0, min(sorted.count - 1, rank))])
            }
            return Summary(
                tried: times.count, found: found,
                p50Ms: percentile(0.50), p90Ms: percentile(0.90), p99Ms: percentile(0.99),
                meanMs: Self.round(times.reduce(0, +) / Double(max(times.count, 1))),
                maxMs: Self.round(sorted.last ?? 0),
                meanHops: Self.round(hops / Double(max(found, 1))),
                meanParts: includeParts ? Self.round(Double(parts) / Double(max(found, 1))) : nil,
                meanSettledNodes: includeParts ? nil : Self.round(Double(settledNodes) / Double(max(times.count, 1))))
        }

        static func milliseconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return round(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        }

        static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    }
}
