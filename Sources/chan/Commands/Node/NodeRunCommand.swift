import ArgumentParser
import ChanNode

struct NodeRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a node's daemon in the foreground, its log on stderr, until Ctrl-C or SIGTERM.",
        discussion: "Example: chan node run alice --verbose"
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The node's local name.")
    var name: String

    @Flag(help: "Debug-level log lines.")
    var verbose = false

    /// Set by `chan node start`: log to node.log and let go of the starter's stderr once ready.
    @Flag(help: .hidden)
    var detached = false

    func run() async throws {
        let options = NodeDaemon.Options(logToStandardError: !detached, detached: detached, logLevel: verbose ? .debug : .info)
        try await NodeDaemon.run(home: global.resolvedHome, name: name, options: options)
    }
}
