import ChanAPI
import ChanCore
import ChanLedger
import ChanStore

/// A network of daemons in a temporary home, for benchmarks and integration tests: nodes
/// created, funded, started with this binary, connected and given channels; every daemon is
/// stopped when the network is (or when the value goes away), so a failed run leaves none behind.
public final class LocalNetwork {
    public let directory: TemporaryDirectory
    public var home: Home { directory.home }
    public let ledger: LedgerDatabase
    private let executable: String
    private var started: [String: LocalNode] = [:]

    public init(executable: String) throws {
        directory = try TemporaryDirectory(prefix: "chan-network")
        ledger = try LedgerDatabase.create(home: directory.home)
        self.executable = executable
    }

    deinit { stopAll() }

    /// Creates node `name` with `funding` in its wallet (mined), and starts its daemon.
    @discardableResult
    public func startNode(_ name: String, funding: Satoshi = .zero) throws -> NodeStarted {
        _ = try LocalNode.create(home: home, name: name)
        let node = try LocalNode.open(home: home, name: name)
        if funding > .zero {
            let address = try NodeWallet(node: node, ledger: ledger).newAddress()
            try ledger.write { ledger in
                _ = try ledger.faucet(to: address.condition, amount: funding)
                _ = try ledger.mine()
            }
        }
        let result = try NodeProcess.start(node, executable: executable)
        started[name] = node
        return result
    }

    public func client(_ name: String) throws -> RPCClient {
        guard let node = started[name] else { throw APIError.nodeNotRunning(name) }
        return try NodeProcess.client(node)
    }

    public func mine(_ blocks: Int = 1) throws {
        try ledger.write { ledger in _ = try ledger.mine(blocks: blocks) }
    }

    /// Opens a channel from `opener` to `acceptor` and waits until both see it `normal`.
    public func openChannel(from opener: String, to acceptor: String, capacity: Satoshi, push: MilliSatoshi = .zero) throws -> String {
        guard let peer = started[acceptor] else { throw APIError.nodeNotRunning(acceptor) }
        let opened = try client(opener).call("open", OpenParams(
            nodeId: peer.config.nodeId, host: "127.0.0.1", port: peer.config.port, amountSat: capacity, pushMsat: push,
            minDepth: nil, feeRate: nil), as: OpenResult.self)
        try mine(Int(Channel.defaultMinimumDepth))
        for name in [opener, acceptor] {
            _ = try client(name).call("wait", WaitParams(channel: opened.channelId, state: .normal, timeoutSeconds: 30), as: NodeEvent.self)
        }
        return opened.channelId
    }

    /// Stops every daemon this network started.
    public func stopAll() {
        for node in started.values where NodeProcess.runningPid(node) != nil { _ = try? NodeProcess.stop(node) }
        started = [:]
    }
}
