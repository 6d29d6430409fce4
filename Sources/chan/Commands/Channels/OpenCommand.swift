import ArgumentParser
import ChanAPI
import ChanLedger

struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a channel to a peer, funded from the node's wallet; returns once the funding is in the mempool.",
        discussion: """
            PEER is a node of this home or PUBKEY@HOST:PORT (connected first if needed). The channel is \
            `awaiting_funding` until the funding has the confirmations both sides ask for (3 by \
            default): mine blocks, then `chan -n NAME wait --channel ID --state normal`.

            Example: chan -n alice open bob 1000000 --push 10000
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A local node name, or PUBKEY@HOST:PORT.")
    var peer: String

    @Argument(help: "The channel's capacity (at least 20000 sat).")
    var amount: String

    @Option(help: "What to give the peer at open (its balance from the start).")
    var push: String?

    @Option(help: "Confirmations to wait for before the channel is ready (the peer may ask for more).")
    var minDepth: UInt32?

    @Option(help: "The funding transaction's fee rate, in sat per byte.")
    var feeRate: UInt64?

    @Flag(name: .customLong("private"), help: "Do not announce the channel to the network (payers reach it through the route hints of our peer's invoices).")
    var isPrivate = false

    func run() throws {
        let address = try PeerAddress.resolve(peer, home: global.resolvedHome)
        let params = OpenParams(nodeId: address.nodeID, host: address.host, port: address.port, amountSat: try Satoshi.parsePositive(amount),
                                pushMsat: try push.map { try MilliSatoshi.parse($0) } ?? .zero, minDepth: minDepth, feeRate: feeRate,
                                private: isPrivate)
        try global.printCall("open", params)
    }
}
