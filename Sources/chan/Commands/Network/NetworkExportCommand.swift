import ArgumentParser
import ChanAPI
import ChanNode

struct NetworkExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the running network of this home as a topology file (JSON), or as Graphviz with --dot.",
        discussion: """
            Every running node with its wallet balance, every channel from its opener with the \
            peer's balance now as its push, and each end's fee policy: `network up` of the output \
            brings up a network of the same shape and balances in another home.

            Example: chan --home /tmp/net network export > topology.json
            """
    )

    @OptionGroup var global: HomeOptions

    @Flag(help: "Graphviz instead of JSON: nodes, and channels labelled with capacity and policies.")
    var dot = false

    func run() throws {
        let topology = try NetworkDeployment(home: global.resolvedHome, executable: NodeProcess.currentExecutable).export()
        if dot { Output.write(to: 1, Array(TopologyDot.render(topology).utf8)) } else { try Output.json(topology) }
    }
}

/// A topology as a Graphviz digraph: an edge per channel from its opener, labelled with the
/// capacity and each end's policy (base msat / ppm / CLTV delta).
enum TopologyDot {
    static func render(_ topology: Topology) -> String {
        func policy(_ policy: Topology.Policy?) -> String {
            guard let policy else { return "default" }
            let base = policy.feeBaseMsat.map { "\($0.value)" } ?? "-"
            let ppm = policy.feeProportionalMillionths.map { "\($0)" } ?? "-"
            let delta = policy.cltvExpiryDelta.map { "\($0)" } ?? "-"
            return "\(base)/\(ppm)/\(delta)"
        }
        var lines = ["digraph network {", "  node [shape=ellipse];"]
        for node in topology.nodes { lines.append("  \"\(node.name)\" [label=\"\(node.alias ?? node.name)\"];") }
        for channel in topology.channels {
            let style = channel.private == true ? ", style=dashed" : ""
            lines.append("  \"\(channel.from)\" -> \"\(channel.to)\" [label=\"\(channel.capacitySat.value) sat\\n\(policy(channel.fromPolicy)) | \(policy(channel.toPolicy))\"\(style)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
