import ArgumentParser

struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Create, start, stop and list the local nodes of this home.",
        discussion: """
            A node lives in $CHAN_HOME/nodes/NAME/ (mode 0700): seed (32 random bytes, mode 0600; \
            the node key and wallet keys derive from it), config.json (node id, alias, TCP port) \
            and node.sqlite. `start` runs its daemon (rpc.sock, node.log, node.pid); act as the \
            node with `chan -n NAME COMMAND`.
            """,
        subcommands: [NodeCreateCommand.self, NodeStartCommand.self, NodeStopCommand.self, NodeRunCommand.self, NodeListCommand.self]
    )
}

/// A node as `node create` and `node list` print it (no secrets).
struct NodeJSON: Encodable {
    let name: String
    let alias: String
    let nodeId: String
    let port: UInt16
}
