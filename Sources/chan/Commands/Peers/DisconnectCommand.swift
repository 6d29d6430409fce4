import ArgumentParser
import ChanAPI

struct DisconnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "Drop the connection to a peer (it is dialed again if you share a channel).",
        discussion: "Example: chan -n alice disconnect bob"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A local node name or a node id.")
    var peer: String

    func run() throws {
        try global.printCall("disconnect", PeerParams(nodeId: try PeerAddress.resolve(peer, home: global.resolvedHome).nodeID))
    }
}
