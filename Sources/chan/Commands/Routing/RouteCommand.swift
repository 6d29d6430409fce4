import ArgumentParser
import ChanAPI
import ChanCore
import ChanLedger
import ChanStore

/// `chan route`: the cheapest route on a graph file (offline), or on a node's view of the
/// network (`-n NAME`, from the node to `--to`).
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Find a route between two nodes of a channel graph file (offline), or from a node to another (-n NAME).",
        discussion: """
            Prints the route as JSON: amount_msat (what the payee receives), total_amount_msat \
            (what the payer sends), fee_msat, total_cltv, probability and hops (node_id, \
            short_channel_id, amount_msat received, fee_msat kept, cltv_expiry_delta added). \
            The cost minimised is fees + CLTV risk + attempt cost / probability (docs/ROUTING.md). \
            With -n NAME and no --graph, the node's daemon searches its own graph (gossip, its \
            channels with their live balances, what it learned from its payments).

            Example: chan -n alice route --to $(chan -n dave info | jq -r .node_id) --amount 50000 --explain
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    @Option(name: .long, help: "The graph file (.json or .json.gz; Core Lightning listchannels or LND describegraph; - reads standard input); without it, the node of -n.", completion: .file(extensions: ["json", "gz"]))
    var graph: String?

    @Option(name: .long, help: "The payer's node id (default: the graph's source node, if it marks one; with -n, the node).")
    var from: String?

    @Option(name: .long, help: "The payee's node id.")
    var to: String?

    @Option(name: .long, help: "What the payee receives: an integer of sat, or with a sat, msat or btc suffix.")
    var amount: String?

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

    @Option(name: .long, help: "The least success probability of an answer, from 0 to 1 (default 0.01); below it: no_route.")
    var minProbability: Double?

    @Flag(name: .long, help: "Treat every channel as certain: cost = fees + CLTV risk only.")
    var noProbability = false

    @Flag(name: .long, help: "Answer many queries on one load of --graph: NDJSON lines {\"from\", \"to\", \"amount_msat\", options...} on stdin, one answer per line on stdout.")
    var batch = false

    func validate() throws {
        if let minProbability, !RouteOptionsJSON.isProbability(minProbability) {
            throw ValidationError("--min-probability must be a number from 0 to 1, not '\(minProbability)'")
        }
        if batch {
            guard let graph else { throw ValidationError("--batch needs --graph: it routes on a graph file") }
            guard graph != GraphFile.standardInput else { throw ValidationError("--batch reads queries from standard input: give the graph as a file, not --graph -") }
            guard from == nil, to == nil, amount == nil else { throw ValidationError("--batch reads from, to and amount_msat from each line: drop --from, --to and --amount") }
        } else {
            guard to != nil else { throw ValidationError("Missing expected argument '--to <to>'") }
            guard amount != nil else { throw ValidationError("Missing expected argument '--amount <amount>'") }
        }
    }

    func run() throws {
        let optionsJSON = RouteOptionsJSON(maxFeeMsat: try maxFee.map { try MilliSatoshi.parse($0) }, cltvLimit: cltvLimit,
                                           finalCltv: finalCltv, riskFactor: riskFactor, minProbability: minProbability,
                                           noProbability: noProbability)
        if batch, let graph {
            return try RouteBatch(graph: try GraphFile.load(path: graph), mpp: mpp, explain: explain, options: optionsJSON).run()
        }
        guard let to, let amountText = amount else { return }  // validate() made sure of both
        // Check the arguments before the (slower) graph load.
        let payeeId = try RouteArguments.nodeID(to, option: "--to")
        let payerId = try from.map { try RouteArguments.nodeID($0, option: "--from") }
        let amount = try RouteArguments.positiveAmount(amountText, option: "--amount")
        let options = try optionsJSON.routeOptions()
        guard let path = self.graph else {
            guard payerId == nil else { throw ValidationError("--from goes with --graph: a node routes from itself") }
            return try global.printCall("route", RouteParams(to: payeeId.hex, amountMsat: amount, mpp: mpp, explain: explain, options: optionsJSON),
                                        human: display.human)
        }
        let graph = try GraphFile.load(path: path)
        let payee = try RouteArguments.node(payeeId, in: graph, option: "--to")
        let payer: NodeIndex
        if let payerId {
            payer = try RouteArguments.node(payerId, in: graph, option: "--from")
        } else if let source = graph.defaultPayer {
            payer = source
        } else {
            throw RouteInputError.missingPayer
        }
        let query = RouteQuery(payer: payer, payee: payee, amount: amount, options: options)
        let answer = try RouteAnswer.json(Pathfinder(graph: graph), query, multiPart: mpp, explain: explain)
        if display.human { try Output.result(answer, method: "route", human: true) } else { try Output.json(answer) }
    }
}
