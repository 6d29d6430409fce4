import ArgumentParser
import ChanStore

struct NodeCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a node: a fresh seed, its node key, a free TCP port.",
        discussion: "NAME is 1 to 32 of a-z, 0-9, _ and -. Fails with node_exists if the node is there.\n\nExample: chan node create alice --alias Alice"
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The node's local name.")
    var name: String

    @Option(help: "The alias other nodes see (default: NAME; 1 to 32 bytes).")
    var alias: String?

    @Option(help: "Confirmations of a public channel's funding before the node announces it to the network (BOLT 7: 6).")
    var announceDepth: UInt32?

    func run() throws {
        if let announceDepth, !NodeConfig.announceDepths.contains(announceDepth) {
            throw ValidationError("--announce-depth is 1 to 144 blocks, not \(announceDepth)")
        }
        let home = global.resolvedHome
        let config = try LocalNode.create(home: home, name: name, alias: alias, announceDepth: announceDepth)
        Output.restrictPermissions(of: home)
        try Output.json(NodeJSON(name: config.name, alias: config.alias, nodeId: config.nodeId, port: config.port))
    }
}
