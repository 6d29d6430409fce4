import ArgumentParser
import ChanNode
import ChanStore

struct NodeStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a node's daemon in the background; returns once it answers.",
        discussion: """
            Prints name, node_id, pid, uri (PUBKEY@127.0.0.1:PORT, what other nodes connect to) and \
            rpc_socket. The daemon logs to nodes/NAME/node.log; `chan node stop NAME` stops it. \
            Fails with node_running if it runs already.

            Example: chan node start alice
            """
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The node's local name.")
    var name: String

    func run() throws {
        let node = try LocalNode.open(home: global.resolvedHome, name: name)
        try Output.json(try NodeProcess.start(node, executable: NodeProcess.currentExecutable))
    }
}
