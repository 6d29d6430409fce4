import Logging
import NIOCore
import NIOPosix

/// The node's TCP port on 127.0.0.1: each connection, on the node's loop, runs the BOLT 8
/// handshake as responder; at most `HandshakeLimits.maximumPending` of them at once.
struct PeerListener {
    let server: any NIOCore.Channel

    static func bind(port: Int, node: Node, logger: Logger) async throws -> PeerListener {
        let pending = PendingHandshakes()
        let server = try await ServerBootstrap(group: node.loop, childGroup: node.loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try PeerConnection.install(on: child, role: .responder, node: node, logger: logger, pending: pending)
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        return PeerListener(server: server)
    }

    var port: Int? { server.localAddress?.port }

    /// Returns once the listener is closed.
    func serve() async throws { try await server.closeFuture.get() }

    func close() { server.close(promise: nil) }
}
