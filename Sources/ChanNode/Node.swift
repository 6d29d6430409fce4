import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running node: the one serial place where its channels' state machines are driven. Every
/// event (a peer's message, a command from the RPC, a block) enters here, goes to the channel
/// it concerns, and the channel's effects are performed in order by its `ChannelDriver`. The
/// node holds no protocol rule: it routes events and performs effects.
public actor Node {
    let local: LocalNode
    let ledger: LedgerDatabase
    let wallet: NodeWallet
    let logger: Logger
    let chainHash: Hash32
    /// Where the peer listener listens, once bound.
    var listeningPort: UInt16
    /// The ledger height the node has processed.
    var blockHeight: UInt32 = 0

    private var stopRequested = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []

    init(local: LocalNode, ledger: LedgerDatabase, logger: Logger) throws {
        self.local = local
        self.ledger = ledger
        self.logger = logger
        wallet = NodeWallet(node: local, ledger: ledger)
        chainHash = try Hash32(try ledger.read { $0.chainHash }.bytes)
        listeningPort = local.config.port
        blockHeight = try ledger.read { try $0.tip().height }
    }

    var nodeID: PublicKey { local.keys.nodeKey.publicKey }
    var uri: String { "\(nodeID.hex)@127.0.0.1:\(listeningPort)" }

    // MARK: Info and shutdown

    func info() -> NodeInfo {
        NodeInfo(
            name: local.name, alias: local.config.alias, nodeId: nodeID.hex, uri: uri, pid: getpid(),
            version: ChanVersion.current, chainHash: chainHash.hex, blockHeight: blockHeight, peers: 0,
            channels: NodeInfo.ChannelCounts(pending: 0, active: 0, inactive: 0, closing: 0, closed: 0))
    }

    /// Asks the daemon to stop (RPC `stop`, SIGTERM, SIGINT); `untilStopRequested` returns.
    func requestStop() {
        guard !stopRequested else { return }
        stopRequested = true
        logger.info("stop requested")
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters = []
    }

    func untilStopRequested() async {
        guard !stopRequested else { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }
}
