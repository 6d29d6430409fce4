import ArgumentParser
import ChanAPI
import ChanNode
import ChanStore

struct NodeListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the nodes of this home: name, alias, node id, port, and whether each runs.",
        discussion: "Example: chan node list -H"
    )

    @OptionGroup var global: HomeOptions
    @OptionGroup var display: HumanFlag

    func run() throws {
        let home = global.resolvedHome
        let nodes = try LocalNode.list(home: home).map { config in
            let pid = (try? LocalNode.open(home: home, name: config.name)).flatMap(NodeProcess.runningPid)
            return NodeListEntry(name: config.name, alias: config.alias, nodeId: config.nodeId, port: config.port,
                                 running: pid != nil, pid: pid)
        }
        struct Result: Encodable { let nodes: [NodeListEntry] }
        if display.human {
            try Output.result(Result(nodes: nodes), method: "node_list", human: true)
        } else {
            try Output.json(Result(nodes: nodes))
        }
    }
}
