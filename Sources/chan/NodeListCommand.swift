import ArgumentParser
import ChanStore

struct NodeListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the nodes of this home: name, alias, node id, port."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let nodes = try LocalNode.list(home: global.resolvedHome)
        struct Result: Encodable { let nodes: [NodeJSON] }
        try Output.json(Result(nodes: nodes.map {
            NodeJSON(name: $0.name, alias: $0.alias, nodeId: $0.nodeId, port: $0.port)
        }))
    }
}
