import Logging
import NIOCore
import NIOPosix

/// The node's TCP port on 127.0.0.1: each connection runs the BOLT 8 handshake as responder.
struct PeerListener {
    let server: NIOAsyncChannel<PeerConnection.Channel, Never>

    static func bind(port: Int, group: any EventLoopGroup) async throws -> PeerListener {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture { try PeerConnection.Channel(wrappingChannelSynchronously: child) }
            }
        return PeerListener(server: server)
    }

    var port: Int? { server.channel.localAddress?.port }

    func serve(node: Node, logger: Logger) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await PeerConnection.run(connection, role: .responder, node: node, logger: logger) }
                }
            }
        }
    }

    func close() { server.channel.close(promise: nil) }
}
