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

    @Option(name: .long, help: "The graph file (.json or .json.gz; Core Lightning listchannels or LND describegraph); without it, the node of -n.", completion: .file(extensions: ["json", "gz"]))
    var graph: String?

    @Option(name: .long, help: "The payer's node id (default: the graph's source node, if it marks one; with -n, the node).")
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
        let optionsJSON = RouteOptionsJSON(maxFeeMsat: try maxFee.map { try MilliSatoshi.parse($0) }, cltvLimit: cltvLimit,
                                           finalCltv: finalCltv, riskFactor: riskFactor, noProbability: noProbability)
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
