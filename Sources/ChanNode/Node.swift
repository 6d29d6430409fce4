import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running node: the one serial place where its channels' state machines are driven. Every
/// event (a peer's message, a command from the RPC, a block) enters here, goes to the channel
/// it concerns, and the channel's effects are performed in order (`perform`, ChannelDriver.swift).
/// The node holds no protocol rule: channels, sessions, onions and invoices decide (ChanCore);
/// the node routes events to them and performs what they return. Everything the node does to
/// a channel is synchronous inside the actor, so a channel's events never interleave.
public actor Node {
    let local: LocalNode
    let ledger: LedgerDatabase
    let wallet: NodeWallet
    let logger: Logger
    /// The event loop the node runs on: its connections live there too, so a message read from
    /// a peer reaches the node without a hop to another thread.
    let loop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    let chainHash: Hash32
    /// Where the peer listener listens, once bound.
    var listeningPort: UInt16
    /// The ledger height the node has processed.
    var blockHeight: UInt32

    // Peers
    var registry = PeerRegistry()
    /// Peers we are dialing, and who waits for each connection.
    var pendingConnects: Set<PublicKey> = []
    var connectWaiters: [PublicKey: [CheckedContinuation<Void, any Error>]] = [:]
    /// Reconnection attempts by peer: how many failed in a row, and when to try next.
    var reconnectBackoff: [PublicKey: (failures: Int, next: Double)] = [:]

    // Channels
    var channels: [UInt64: ChanCore.Channel] = [:]
    /// Every id a channel answers to (temporary while opening, then its funding-derived id),
    /// with the peer it shares it with: another peer naming the same id reaches nothing of ours.
    var channelIndexByKey: [ChannelKey: UInt64] = [:]
    /// The RPC `open` waiting for each channel's funding to be signed and broadcast.
    var openWaiters: [UInt64: CheckedContinuation<OpenResult, any Error>] = [:]
    /// The funding fee rate each opening asked for, and the wallet coins its funding spends.
    var fundingFeeRates: [UInt64: FeeRate] = [:]
    var reservedCoins: [UInt64: Set<OutPoint>] = [:]
    /// Channels with updates to sign at the end of the turn (many HTLCs per `commitment_signed`).
    var signScheduled: Set<UInt64> = []
    /// Whether the end of the loop's turn (signatures, then the group commit) is scheduled.
    var turnEndScheduled = false
    /// The local commitment number last archived, by channel.
    var archivedNumbers: [UInt64: UInt64] = [:]
    /// The writes of this turn of the loop and what waits for them (GroupCommit.swift).
    var pending = GroupCommit()
    /// The funding height and position of each channel's funding transaction, once confirmed.
    var fundingPositions: [UInt64: (height: UInt32, index: UInt32)] = [:]

    // Payments
    /// Our payments started by this process and not over (a restart finishes the others from
    /// their stored attempts).
    var outgoingPayments: [PaymentHash: OutgoingPayment] = [:]
    /// The attempt each of our HTLCs carries, by the HTLC.
    var attemptsInFlight: [HTLCKey: AttemptRecord] = [:]

    /// Multi-part payments to our invoices whose parts are arriving (Node+MultiPartReceipt.swift).
    var incomingPayments: [PaymentHash: IncomingPaymentSet] = [:]

    /// What our payments taught us of the network's liquidity (Node+Routing.swift).
    var missionControl = MissionControl()

    // Forwards (Node+Forwarding.swift)
    /// Forwards whose outgoing HTLC is out, by that HTLC.
    var forwardsInFlight: [HTLCKey: ForwardRecord] = [:]

    // Gossip (Node+Gossip.swift, Node+Announcements.swift)
    /// The public network as we learned it.
    var network: NetworkGraph
    /// The funding outpoint of each public channel known, to forget the channel once it is spent.
    var gossipFundings: [OutPoint: ShortChannelID] = [:]
    /// Our latest `channel_update` of each of our usable channels, and the peer's, by channel.
    var ourUpdates: [UInt64: ChannelUpdateMessage] = [:]
    var peerUpdates: [UInt64: ChannelUpdateMessage] = [:]
    /// Our forwarding policy of each channel, as stored (`policySetting`), and the one `fees set`
    /// replaced, still honoured until its time is up.
    var policySettings: [UInt64: ChannelPolicySetting] = [:]
    var previousPolicies: [UInt64: (policy: ForwardingPolicy, until: UInt64)] = [:]
    /// The peer's `announcement_signatures` waiting for ours, and the channels whose ours went
    /// out on the current connection.
    var remoteAnnouncementSignatures: [UInt64: AnnouncementSignatures] = [:]
    var announcementSignaturesSent: Set<UInt64> = []

    // Events
    var events = EventBus()
    var waiters: [UInt64: Waiter] = [:]
    var nextWaiterID: UInt64 = 0

    /// Why the node stopped serving: its store failed a write or read, so no state it cannot
    /// make durable may leave it. Nothing is driven after that; the daemon exits with this.
    private(set) var halted: String?
    private var stopRequested = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []

    init(local: LocalNode, ledger: LedgerDatabase, group: any EventLoopGroup, logger: Logger) throws {
        self.local = local
        self.ledger = ledger
        loop = group.next()
        self.logger = logger
        wallet = NodeWallet(node: local, ledger: ledger)
        chainHash = try Hash32(try ledger.read { $0.chainHash }.bytes)
        network = NetworkGraph(chainHash: chainHash)
        listeningPort = local.config.port
        blockHeight = try ledger.read { try $0.tip().height }
    }

    var nodeID: PublicKey { local.keys.nodeID }
    var uri: String { "\(nodeID.hex)@127.0.0.1:\(listeningPort)" }

    /// Seconds since 1970: the clock the channels are given.
    var now: UInt64 { UInt64(time(nil)) }

    // MARK: Info and shutdown

    func info() -> NodeInfo {
        var counts = (pending: 0, active: 0, inactive: 0, closing: 0, closed: 0)
        for channel in channels.values {
            switch channel.phase {
            case .opening, .awaitingFunding: counts.pending += 1
            case .normal: if channel.isConnected && isReady(channel.peerID) { counts.active += 1 } else { counts.inactive += 1 }
            case .shuttingDown: counts.inactive += 1
            case .closing, .forceClosing: counts.closing += 1
            case .closed: counts.closed += 1
            }
        }
        return NodeInfo(
            name: local.name, alias: local.config.alias, nodeId: nodeID.hex, uri: uri, pid: getpid(),
            version: ChanVersion.current, chainHash: chainHash.hex, blockHeight: blockHeight,
            peers: registry.peers.values.count(where: \.isReady),
            channels: NodeInfo.ChannelCounts(pending: counts.pending, active: counts.active, inactive: counts.inactive,
                                             closing: counts.closing, closed: counts.closed))
    }

    /// Asks the daemon to stop (RPC `stop`, SIGTERM, SIGINT); `untilStopRequested` returns.
    func requestStop() {
        guard !stopRequested else { return }
        stopRequested = true
        logger.info("stop requested")
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters = []
    }

    /// A storage failure: every connection closes at once, and the daemon stops. A restart
    /// resumes from what is stored (and replays the blocks not yet processed).
    func halt(_ reason: String) {
        guard halted == nil else { return }
        halted = reason
        logger.critical("halting: \(reason)")
        local.store.rollbackBatch()  // nothing after the failure is kept, nor committed later
        for peer in registry.peers.values { peer.link.close() }
        requestStop()
    }

    func untilStopRequested() async {
        guard !stopRequested else { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// Closes every connection and stream on the way out (what is staged is written first).
    func shutdown() {
        commitPending()
        for peer in registry.peers.values { peer.link.close() }
        events.finishAll()
        let stopping = APIError(code: "node_stopping", message: "the node is stopping")
        for (_, waiter) in waiters { waiter.resume(with: .failure(stopping)) }
        waiters = [:]
        for (_, waiter) in openWaiters { waiter.resume(throwing: stopping) }
        openWaiters = [:]
    }
}

/// A channel id as one peer uses it.
struct ChannelKey: Hashable {
    var peer: PublicKey
    var id: ChannelID
}

/// An HTLC of one of our channels, by channel index and id.
struct HTLCKey: Hashable {
    let channel: UInt64
    let id: UInt64
}

extension Node {
    /// Our channel (with commitments) at `scid`, by index.
    func channelIndex(at scid: ShortChannelID) -> UInt64? {
        channels.first { $0.value.shortChannelID == scid && $0.value.commitments != nil }?.key
    }

    /// Whether an HTLC can be added on `channel` now: normal, its peer connected and reestablished.
    func canAddHTLC(_ channel: ChanCore.Channel) -> Bool {
        channel.phase == .normal && channel.isConnected && !channel.awaitingReestablish && isReady(channel.peerID)
    }
}
