import ArgumentParser
import ChanCore
import ChanLedger
import ChanStore

/// `chan route`: the cheapest route on a graph file, offline.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Find a route between two nodes of a channel graph file (offline).",
        discussion: """
            Prints the route as JSON: amount_msat (what the payee receives), total_amount_msat \
            (what the payer sends), fee_msat, total_cltv, probability and hops (node_id, \
            short_channel_id, amount_msat received, fee_msat kept, cltv_expiry_delta added). \
            The cost minimised is fees + CLTV risk + attempt cost / probability (docs/ROUTING.md).
            """
    )

    @Option(name: .long, help: "The graph file (.json or .json.gz; Core Lightning listchannels or LND describegraph).", completion: .file(extensions: ["json", "gz"]))
    var graph: String

    @Option(name: .long, help: "The payer's node id (default: the graph's source node, if it marks one).")
    var from: String?

    @Option(name: .long, help: "The payee's node id.")
    var to: String

    @Option(name: .long, help: "What the payee receives: an integer of sat, or with a sat, msat or btc suffix.")
    var amount: String

    @Flag(name: .long, help: "Allow a multi-part payment (up to 16 parts) when one path is not likely enough.")
    var mpp = false

    @Flag(name: .long, help: "Add the cost breakdown, the edges left out and the best alternatives.")
    var explain = false

    @Option(name: .long, help: "The most fee to pay in total (an amount).")
    var maxFee: String?

    @Option(name: .long, help: "The largest total CLTV delta, in blocks (default 2016).")
    var cltvLimit: UInt32?

    @Option(name: .long, help: "The payee's final CLTV delta, in blocks (default 18).")
    var finalCltv: UInt32?

    @Option(name: .long, help: "Cost of locking 1 msat for 1 block, in billionths (default 15).")
    var riskFactor: Double?

    @Flag(name: .long, help: "Treat every channel as certain: cost = fees + CLTV risk only.")
    var noProbability = false

    func run() throws {
        // Check the arguments before the (slower) graph load.
        let payeeId = try RouteArguments.nodeID(to, option: "--to")
        let payerId = try from.map { try RouteArguments.nodeID($0, option: "--from") }
        let amount = try RouteArguments.positiveAmount(self.amount, option: "--amount")
        var options = RouteOptions()
        if let maxFee { options.maxFee = try MilliSatoshi.parse(maxFee) }
        if let cltvLimit { options.cltvLimit = cltvLimit }
        if let finalCltv { options.finalCltvDelta = finalCltv }
        if let riskFactor {
            guard riskFactor.isFinite, riskFactor >= 0 else {
                throw RouteInputError.invalidNumber(option: "--risk-factor", text: "\(riskFactor)")
            }
            options.riskFactor = riskFactor
        }
        options.useProbability = !noProbability

        let graph = try GraphFile.load(path: self.graph)
        let payee = try RouteArguments.node(payeeId, in: graph, option: "--to")
        let payer: NodeIndex
        if let payerId {
            payer = try RouteArguments.node(payerId, in: graph, option: "--from")
        } else if let source = graph.defaultPayer {
            payer = source
        } else {
            throw RouteInputError.missingPayer
        }

        let pathfinder = Pathfinder(graph: graph)
        let query = RouteQuery(payer: payer, payee: payee, amount: amount, options: options)
        switch (mpp, explain) {
        case (false, false):
            try Output.json(RouteJSON(try pathfinder.findRoute(query), graph))
        case (false, true):
            let explanation = try pathfinder.explainRoute(query)
            try Output.json(Explained(route: RouteJSON(explanation.route, graph), explain: ExplainJSON(explanation, options)))
        case (true, false):
            try Output.json(MultiPartJSON(try pathfinder.findMultiPartRoute(query), graph))
        case (true, true):
            let explanation = try pathfinder.explainMultiPartRoute(query)
            try Output.json(Explained(
                route: MultiPartJSON(explanation.payment, graph), explain: MultiPartExplainJSON(explanation, options)))
        }
    }

    /// A route's fields with an `explain` object beside them.
    private struct Explained<Body: Encodable, Explanation: Encodable>: Encodable {
        let route: Body
        let explain: Explanation

        func encode(to encoder: any Encoder) throws {
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
}
