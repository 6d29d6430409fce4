import ChanAPI
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The JSON-RPC server on `nodes/NAME/rpc.sock` (mode 0600). Its connections live on the
/// node's event loop, where the node's actor runs: a request reaches the node and its answer
/// the socket without a hop to another thread. Each connection answers its requests one at a
/// time, in order; a line longer than `RPCJSON.maximumLineLength` is answered with a coded
/// error (`request_too_large`) after the requests before it, and the connection then closes.
/// A client that sends faster than it reads is not buffered without end: the next request is
/// answered only while the socket takes our writes, and reading stops while
/// `RPCConnection.maximumWaiting` requests wait.
struct RPCServer {
    let server: any NIOCore.Channel

    static func bind(path: String, node: Node, router: RPCRouter, logger: Logger) async throws -> RPCServer {
        let server = try await ServerBootstrap(group: node.loop, childGroup: node.loop)
            // A client may send its last request and close its side: it is still answered.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLength: RPCJSON.maximumLineLength)))
                    try child.pipeline.syncOperations.addHandler(RPCConnection(node: node, router: router, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        // The daemon's umask already makes it 0600; say so explicitly for the socket anyway.
        chmod(path, 0o600)
        return RPCServer(server: server)
    }

    /// Returns once the server is closed.
    func serve() async throws { try await server.closeFuture.get() }

    func close() { server.close(promise: nil) }
}

/// One client of the RPC socket: its request lines wait their turn; each is answered by a task
/// on the node (`Node.answer`), and the next starts once its answer is written.
final class RPCConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let node: Node
    private let router: RPCRouter
    private let logger: Logger
    private var context: ChannelHandlerContext?
    /// What the client sent, in order: request lines, and an over-long line's place.
    private enum Request {
        case line([UInt8])
        case tooLong
    }

    private var waiting: [Request] = []
    private var answering = false
    /// A line was too long: nothing more is read; the connection closes once it is answered.
    private var refusing = false
    /// The client closed its side: close ours once everything it sent is answered.
    private var inputClosed = false
    /// Whether we read the socket (off while too many requests wait).
    private var reading = true
    /// Requests read but not yet answered before reading pauses (a read may bring a few more).
    static let maximumWaiting = 16

    init(node: Node, router: RPCRouter, logger: Logger) {
        self.node = node
        self.router = router
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        waiting.append(.line(Array(buffer: unwrapInboundIn(data))))
        if reading, waiting.count >= Self.maximumWaiting {
            reading = false
            try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        }
        answerNext()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { answerNext() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputClosed = true
            answerNext()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is LineFrameDecoder.LineTooLong:
            logger.warning("rpc request too large; closing the connection", metadata: ["limit": "\(RPCJSON.maximumLineLength)"])
            refusing = true
            waiting.append(.tooLong)
            answerNext()
        case ByteToMessageDecoderError.dataReceivedInErrorState where refusing:
            break  // what follows an over-long line is dropped while its answer goes out
        default:
            logger.debug("rpc connection ended", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private func answerNext() {
        guard !answering, let context else { return }
        guard !waiting.isEmpty else {
            if inputClosed { context.close(promise: nil) }
            return
        }
        // Answers the client has not read stay in the socket, not in our memory.
        guard context.channel.isWritable else { return }
        answering = true
        let next = waiting.removeFirst()
        if !reading, waiting.count < Self.maximumWaiting / 2 {
            reading = true
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        }
        guard case .line(let line) = next else {
            // The over-long line: its coded answer, then the close (nothing after it is read).
            waiting = []
            let channel = context.channel
            let answer = RPCRouter.failure(id: nil, APIError.requestTooLarge(limit: RPCJSON.maximumLineLength))
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer))).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
        let writer = RPCLineWriter { line in connection.value.write(line) }
        let router = router
        node.assumeIsolated { node in
            node.answer(line, router: router, writer: writer) { connection.value.answered() }
        }
    }

    /// Writes one line; false once the client has gone.
    private func write(_ line: [UInt8]) -> Bool {
        guard let context, context.channel.isActive else { return false }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line)), promise: nil)
        return true
    }

    private func answered() {
        answering = false
        answerNext()
    }
}

extension Node {
    /// Answers one RPC request in a task of the node's own (it runs on the node's loop), then
    /// runs what the method does after its answer (`stop`), then `done` (the connection's next
    /// request). What an answer reports is durable: the methods that report a change wait for
    /// its event, which is published after the commit (or commit first: `waitFor`, `close`).
    func answer(_ line: [UInt8], router: RPCRouter, writer: RPCLineWriter, done: @escaping @Sendable () -> Void) {
        Task {
            let (answer, afterwards) = await router.handle(line, node: self, writer: writer)
            if let answer { writer.write(answer) }
            if let afterwards { await afterwards(self) }
            done()
        }
    }
}
