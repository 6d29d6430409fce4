import ArgumentParser
import ChanCore
import ChanStore

/// `chan graph stats --graph FILE`
struct GraphStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count nodes, channels, enabled directions, the largest connected part and total capacity.",
        discussion: "Example: chan graph stats --graph mainnet.listchannels.json.gz"
    )

    @Option(name: .long, help: "The graph file (.json or .json.gz; - reads standard input).", completion: .file(extensions: ["json", "gz"]))
    var graph: String

    func run() throws {
        let loaded = try GraphFile.load(path: graph)
        try Output.json(GraphStatistics(loaded))
    }
}
