import ArgumentParser
import ChanAPI

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "What the node's (-n NAME) daemon knows of itself: id, uri, height, peers, channels.",
        discussion: "Example: chan -n alice info -H"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("info", NoParams(), human: display.human) }
}
