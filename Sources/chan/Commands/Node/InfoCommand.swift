import ArgumentParser
import ChanAPI

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "What the node's (-n NAME) daemon knows of itself: id, uri, height, peers, channels."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try Output.json(try global.call("info", NoParams(), as: NodeInfo.self))
    }
}
