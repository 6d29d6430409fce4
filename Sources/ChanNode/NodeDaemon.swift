import ChanAPI
import ChanStore
import Dispatch
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A node's daemon from start to stop: it takes the node's lock (one daemon per node), opens
/// the stores, serves the RPC socket and the peer port, follows the ledger, and on `stop`,
/// SIGTERM or SIGINT closes everything in order. Its log goes to `node.log`, or to stderr when
/// it runs in the foreground.
public enum NodeDaemon {
    public struct Options: Sendable {
        /// Log to stderr (`chan node run`) instead of `node.log`.
        public var logToStandardError: Bool
        /// Started by `chan node start`: once ready, stop writing to the stderr it was given (the
        /// starter reads it only until then).
        public var detached: Bool
        public var logLevel: Logger.Level

        public init(logToStandardError: Bool, detached: Bool, logLevel: Logger.Level = .info) {
            self.logToStandardError = logToStandardError
            self.detached = detached
            self.logLevel = logLevel
        }
    }

    public static func run(home: Home, name: String, options: Options) async throws {
        umask(0o077)
        signal(SIGPIPE, SIG_IGN)
        let local = try LocalNode.open(home: home, name: name)
        // Before the lock: a damaged ledger is refused with nothing of the node's touched.
        let ledger = try LedgerDatabase.open(home: home)
        let lock = try NodeLock.acquire(path: local.pidPath, node: name)
        defer { withExtendedLifetime(lock) {} }
        guard let sink = options.logToStandardError ? FileLogHandler.Sink.standardError : FileLogHandler.Sink.file(local.logPath) else {
            throw APIError(code: "file_error", message: "cannot open \(local.logPath)")
        }
        let level = options.logLevel
        let logger = Logger(label: "chan.\(name)") { label in FileLogHandler(label: label, sink: sink, level: level) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let node = try Node(local: local, ledger: ledger, group: group, logger: logger)
        try await node.loadForwards()  // before the channels: loading one may resolve a forward's HTLC
        try await node.loadChannels()
        try await node.loadGossip()
        await node.announceNode()
        try await node.reconcileAfterRestart()
        let listener: PeerListener
        do {
            listener = try await PeerListener.bind(port: Int(local.config.port), node: node, logger: logger)
        } catch {
            throw APIError(code: "port_in_use", message: "cannot listen on 127.0.0.1:\(local.config.port): \(error)")
        }
        let rpc = try await RPCServer.bind(path: local.rpcSocketPath, node: node, router: .node, logger: logger)
        let signals = installSignalHandlers(node: node)
        let watcher = LedgerWatcher(ledger: ledger, logger: logger)
        logger.info("ready", metadata: ["node_id": "\(local.config.nodeId)", "rpc": "\(local.rpcSocketPath)", "port": "\(local.config.port)"])
        if options.detached { detachStandardStreams() }

        await withDiscardingTaskGroup { tasks in
            tasks.addTask {
                do { try await rpc.serve() } catch { logger.debug("rpc server ended: \(error)") }
            }
            tasks.addTask {
                do { try await listener.serve() } catch { logger.debug("peer listener ended: \(error)") }
            }
            tasks.addTask { await watcher.run(node: node) }
            tasks.addTask { await node.reconnectLoop() }
            await node.untilStopRequested()
            rpc.close()
            listener.close()
            await node.shutdown()
            tasks.cancelAll()
        }
        signals.forEach { $0.cancel() }
        unlink(local.rpcSocketPath)
        // Asked before the loop stops: the node's actor runs on it.
        let halted = await node.halted
        try? await group.shutdownGracefully()
        if let reason = halted {
            throw APIError(code: "node_halted", message: "the node stopped: \(reason)")
        }
        logger.info("stopped")
    }

    /// SIGTERM and SIGINT stop the daemon the way `chan node stop` does.
    private static func installSignalHandlers(node: Node) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await node.requestStop() } }
            source.resume()
            return source
        }
    }

    /// After a detached start the starter stops reading our stderr: point stdin, stdout and
    /// stderr at /dev/null so a late write can neither block nor fail.
    private static func detachStandardStreams() {
        let null = open("/dev/null", O_RDWR)
        guard null >= 0 else { return }
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] { dup2(null, descriptor) }
        if null > STDERR_FILENO { close(null) }
    }
}
