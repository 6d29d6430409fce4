import ArgumentParser
import ChanAPI

/// `chan -n NAME graph`: the node's view of the network; `chan graph stats --graph FILE`:
/// offline questions about a channel graph file.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "The network as a node learned it from gossip (-n NAME), or `graph stats` on a graph file.",
        discussion: """
            With a node: every announced channel (node_1 < node_2, each end's policy from its \
            channel_update, null until one arrived) and every node (alias and addresses from its \
            node_announcement), plus the node's own private channels (private: true). --dot \
            writes Graphviz instead: an edge per direction with a policy, labelled base/ppm/delta.

            Example: chan -n alice graph --dot | dot -Tsvg > network.svg
            """,
        subcommands: [GraphStatsCommand.self]
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Graphviz instead of JSON.")
    var dot = false

    func run() throws {
        let graph = try global.call("graph", NoParams(), as: GraphJSON.self)
        if dot { Output.write(to: 1, Array(GraphDot.render(graph).utf8)) } else { try Output.json(graph) }
    }
}

/// A node's graph as Graphviz: nodes by alias (or the start of their id), an edge per
/// direction that has a policy, private channels dashed.
enum GraphDot {
    static func render(_ graph: GraphJSON) -> String {
        var lines = ["digraph network {", "  node [shape=ellipse];"]
        for node in graph.nodes { lines.append("  \"\(node.nodeId)\" [label=\"\(node.alias ?? String(node.nodeId.prefix(12)))\"];") }
        for channel in graph.channels {
            let style = channel.private ? ", style=dashed" : ""
            for (source, target, policy) in [(channel.node1, channel.node2, channel.node1Policy), (channel.node2, channel.node1, channel.node2Policy)] {
                guard let policy else { continue }
                let label = "\(channel.shortChannelId)\\n\(policy.feeBaseMsat.value)/\(policy.feeProportionalMillionths)/\(policy.cltvExpiryDelta)"
                lines.append("  \"\(source)\" -> \"\(target)\" [label=\"\(label)\"\(style)\(policy.disabled ? ", color=gray" : "")];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
