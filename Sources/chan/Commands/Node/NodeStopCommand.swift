import ArgumentParser
import ChanNode
import ChanStore

struct NodeStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a node's daemon gracefully (as SIGTERM does); returns once it has exited.",
        discussion: "Example: chan node stop alice"
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The node's local name.")
    var name: String

    func run() throws {
        let node = try LocalNode.open(home: global.resolvedHome, name: name)
        try Output.json(try NodeProcess.stop(node))
    }
}
