import ChanAPI
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The JSON-RPC server on `nodes/NAME/rpc.sock` (mode 0600): one task per connection reads a
/// line, answers it, and reads the next; a connection that sends a line too long is closed.
struct RPCServer {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let server: NIOAsyncChannel<Connection, Never>

    static func bind(path: String, group: any EventLoopGroup) async throws -> RPCServer {
        let server = try await ServerBootstrap(group: group)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLength: RPCJSON.maximumLineLength)))
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
        // The daemon's umask already makes it 0600; say so explicitly for the socket anyway.
        chmod(path, 0o600)
        return RPCServer(server: server)
    }

    /// Serves until the server channel is closed.
    func serve(router: RPCRouter, node: Node, logger: Logger) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await RPCServer.serve(connection, router: router, node: node, logger: logger) }
                }
            }
        }
    }

    private static func serve(_ connection: Connection, router: RPCRouter, node: Node, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                let writer = RPCLineWriter { line in
                    do {
                        try await outbound.write(ByteBuffer(bytes: line))
                        return true
                    } catch {
                        return false
                    }
                }
                for try await line in inbound {
                    let (answer, afterwards) = await router.handle(Array(buffer: line), node: node, writer: writer)
                    if let answer { try await outbound.write(ByteBuffer(bytes: answer)) }
                    if let afterwards { await afterwards(node) }
                }
            }
        } catch {
            logger.debug("rpc connection ended", metadata: ["error": "\(error)"])
        }
    }

    func close() { server.channel.close(promise: nil) }
}
