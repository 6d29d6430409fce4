import ArgumentParser
import ChanAPI

struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect the node (-n NAME) to a peer over BOLT 8; returns once init is exchanged.",
        discussion: "PEER is a node of this home (`bob`) or PUBKEY@HOST:PORT. The node reconnects by itself to peers it has channels with.\n\nExample: chan -n alice connect bob"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A local node name, or PUBKEY@HOST:PORT.")
    var peer: String

    func run() throws {
        let address = try PeerAddress.resolve(peer, home: global.resolvedHome)
        guard let host = address.host, let port = address.port else {
            throw APIError(code: "invalid_peer", message: "connect needs where the peer listens: PUBKEY@HOST:PORT")
        }
        try global.printCall("connect", ConnectParams(nodeId: address.nodeID, host: host, port: port))
    }
}
