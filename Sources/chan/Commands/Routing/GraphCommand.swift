import ArgumentParser

/// `chan graph ...`: offline questions about a channel graph file.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Inspect a channel graph file (Core Lightning listchannels or LND describegraph JSON, optionally gzip'd).",
        subcommands: [GraphStatsCommand.self]
    )
}
