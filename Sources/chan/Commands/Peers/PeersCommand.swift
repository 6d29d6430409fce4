import ArgumentParser
import ChanAPI

struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "The node's connected peers: node id, address, direction, features, channels.",
        discussion: "Example: chan -n alice peers -H"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("peers", NoParams(), human: display.human) }
}
