import ChanAPI
import ChanCore
import ChanLedger
import ChanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chan network up|down|export`: a whole network of daemons in one home, from a topology file
/// and back to one. `up` creates and funds every node, starts its daemon, opens every channel,
/// mines until the channels are announced, sets every policy, and returns once every node's
/// gossip has converged; if anything fails, the daemons it started are stopped again.
public struct NetworkDeployment {
    public let home: Home
    public let executable: String
    /// Told what happens, for a person watching (`Progress.note` in the CLI).
    public var progress: (String) -> Void = { _ in }
    /// How long `up` waits for the channels to be ready and the gossip to converge.
    public var timeoutSeconds = 120.0

    public init(home: Home, executable: String) {
        self.home = home
        self.executable = executable
    }

    /// What a channel's opener adds to its capacity in the coin that funds it (the funding fee).
    static let fundingMargin = Satoshi(10_000)

    // MARK: Up

    public func up(_ topology: Topology) throws -> NetworkUpResult {
        try topology.validate()
        let started = NodeProcess.monotonicSeconds()
        let ledger = try FileSystem.exists(home.ledgerPath) ? LedgerDatabase.open(home: home) : LedgerDatabase.create(home: home)
        if let existing = topology.nodes.first(where: { FileSystem.exists(home.nodePath($0.name)) }) {
            throw StoreError.nodeExists(existing.name)
        }
        progress("creating and funding \(topology.nodes.count) nodes")
        var nodes: [String: LocalNode] = [:]
        var running: [String] = []
        do {
            for spec in topology.nodes {
                _ = try LocalNode.create(home: home, name: spec.name, alias: spec.alias, announceDepth: topology.announceDepth)
                nodes[spec.name] = try LocalNode.open(home: home, name: spec.name)
            }
            try fund(topology, nodes: nodes, ledger: ledger)
            progress("starting \(nodes.count) daemons")
            var uris: [String: NodeStarted] = [:]
            for spec in topology.nodes {
                uris[spec.name] = try NodeProcess.start(nodes[spec.name]!, executable: executable)
                running.append(spec.name)
            }
            let channels = try openChannels(topology, nodes: nodes, ledger: ledger)
            try fundWallets(topology, nodes: nodes, ledger: ledger)
            try setPolicies(topology, channels: channels, nodes: nodes)
            progress("waiting for the gossip to converge")
            try waitForGossip(nodes: topology.nodes.map { nodes[$0.name]! }, publicChannels: channels.filter { !$0.isPrivate }.count)
            return NetworkUpResult(
                home: home.path,
                nodes: topology.nodes.map { spec in
                    let started = uris[spec.name]!
                    return NetworkUpResult.Node(name: spec.name, nodeId: started.nodeId, uri: started.uri)
                },
                channels: channels.map { channel in
                    NetworkUpResult.Channel(from: channel.from, to: channel.to, channelId: channel.channelID, shortChannelId: channel.shortChannelID,
                                            capacitySat: channel.capacity, private: channel.isPrivate)
                },
                seconds: ((NodeProcess.monotonicSeconds() - started) * 1000).rounded() / 1000)
        } catch {
            // Nothing of the network stays: its daemons stop and its nodes go (what the faucet
            // minted for them stays on the ledger, counted by the audit like any coin).
            for name in running { _ = try? NodeProcess.stop(nodes[name]!) }
            for name in nodes.keys { FileSystem.removeFlatDirectory(home.nodePath(name)) }
            throw error
        }
    }

    /// One confirmed coin per channel a node opens (capacity plus the funding fee): opened
    /// largest first, each open takes its own coin (the wallet spends its largest coins first),
    /// and none waits for another's change to confirm.
    private func fund(_ topology: Topology, nodes: [String: LocalNode], ledger: LedgerDatabase) throws {
        var coins: [(LocalNode, Satoshi)] = []
        for spec in topology.nodes {
            for channel in topology.channels where channel.from == spec.name {
                coins.append((nodes[spec.name]!, try channel.capacitySat.adding(NetworkDeployment.fundingMargin)))
            }
        }
        try faucet(coins, ledger: ledger)
    }

    /// What each wallet should hold besides its channels, once they are funded.
    private func fundWallets(_ topology: Topology, nodes: [String: LocalNode], ledger: LedgerDatabase) throws {
        try faucet(topology.nodes.compactMap { spec in spec.walletSat.flatMap { $0 > .zero ? (nodes[spec.name]!, $0) : nil } }, ledger: ledger)
    }

    /// Mints each coin to a fresh address of its node's wallet, and mines them.
    private func faucet(_ coins: [(LocalNode, Satoshi)], ledger: LedgerDatabase) throws {
        guard !coins.isEmpty else { return }
        let addressed = try coins.map { node, amount in (try NodeWallet(node: node, ledger: ledger).newAddress(), amount) }
        try ledger.write { ledger in
            for (address, amount) in addressed { _ = try ledger.faucet(to: address.condition, amount: amount) }
            _ = try ledger.mine()
        }
    }

    struct OpenedChannel {
        let from: String
        let to: String
        let channelID: String
        var shortChannelID: String?
        let capacity: Satoshi
        let isPrivate: Bool
        let index: Int
    }

    /// Connects and opens every channel, mines until they are ready and announced, and waits
    /// until both ends see each one `normal`.
    private func openChannels(_ topology: Topology, nodes: [String: LocalNode], ledger: LedgerDatabase) throws -> [OpenedChannel] {
        progress("opening \(topology.channels.count) channels")
        var opened: [OpenedChannel] = []
        // Largest first: each takes the coin `fund` made for it.
        for (index, channel) in topology.channels.enumerated().sorted(by: { $0.element.capacitySat > $1.element.capacitySat }) {
            let peer = nodes[channel.to]!
            let result = try NodeProcess.client(nodes[channel.from]!).call("open", OpenParams(
                nodeId: peer.config.nodeId, host: "127.0.0.1", port: peer.config.port, amountSat: channel.capacitySat,
                pushMsat: channel.pushMsat ?? .zero, minDepth: nil, feeRate: nil, private: channel.private), as: OpenResult.self)
            opened.append(OpenedChannel(from: channel.from, to: channel.to, channelID: result.channelId, capacity: channel.capacitySat,
                                        isPrivate: channel.private == true, index: index))
        }
        opened.sort { $0.index < $1.index }
        let depth = max(Channel.defaultMinimumDepth, topology.announceDepth ?? NodeConfig.defaultAnnounceDepth)
        progress("mining \(depth) blocks")
        try ledger.write { ledger in _ = try ledger.mine(blocks: Int(depth)) }
        let timeout = UInt64(timeoutSeconds)
        for position in opened.indices {
            for name in [opened[position].from, opened[position].to] {
                let ready = try NodeProcess.client(nodes[name]!).call(
                    "wait", WaitParams(channel: opened[position].channelID, state: .normal, timeoutSeconds: timeout), as: NodeEvent.self)
                opened[position].shortChannelID = opened[position].shortChannelID ?? ready.shortChannelId
            }
        }
        return opened
    }

    /// Each end's policy from the file, where it gives one.
    private func setPolicies(_ topology: Topology, channels: [OpenedChannel], nodes: [String: LocalNode]) throws {
        for channel in channels {
            let spec = topology.channels[channel.index]
            for (name, policy) in [(channel.from, spec.fromPolicy), (channel.to, spec.toPolicy)] {
                guard let policy else { continue }
                _ = try NodeProcess.client(nodes[name]!).call("fees_set", FeesSetParams(
                    channel: channel.channelID, feeBaseMsat: policy.feeBaseMsat, feeProportionalMillionths: policy.feeProportionalMillionths,
                    cltvExpiryDelta: policy.cltvExpiryDelta), as: FeesResult.self)
            }
        }
    }

    /// Until every node's graph holds every public channel with both ends' current policies
    /// (as each end reports them) and a node announcement for every node with a public channel.
    private func waitForGossip(nodes: [LocalNode], publicChannels: Int) throws {
        let deadline = NodeProcess.monotonicSeconds() + timeoutSeconds
        while true {
            let expected = try expectedGraph(nodes)
            var converged = expected.channels.count == publicChannels
            for node in nodes where converged {
                let graph = try NodeProcess.client(node).call("graph", NoParams(), as: GraphJSON.self)
                let seen = Set(graph.channels.filter { !$0.private }.map(GossipView.Channel.init))
                let announced = Set(graph.nodes.filter { $0.lastUpdate != nil }.map(\.nodeId))
                converged = seen == expected.channels && expected.nodes.isSubset(of: announced)
            }
            if converged { return }
            guard NodeProcess.monotonicSeconds() < deadline else {
                throw APIError(code: "gossip_timeout", message: "the nodes' graphs did not converge within \(Int(timeoutSeconds)) s")
            }
            usleep(50_000)
        }
    }

    /// What every node should see: each public channel with the policies its two ends have now.
    private func expectedGraph(_ nodes: [LocalNode]) throws -> GossipView {
        var policies: [String: [String: PolicyJSON]] = [:]  // scid -> node id -> its policy
        for node in nodes {
            for channel in try NodeProcess.client(node).call("fees", NoParams(), as: FeesResult.self).channels {
                guard let scid = channel.shortChannelId else { continue }
                policies[scid, default: [:]][node.config.nodeId] = channel.policy
            }
        }
        var view = GossipView()
        for node in nodes {
            let graph = try NodeProcess.client(node).call("graph", NoParams(), as: GraphJSON.self)
            for channel in graph.channels where !channel.private {
                // The channel as its own ends announce it; capacity and ends from any view.
                guard let ends = policies[channel.shortChannelId], let first = ends[channel.node1], let second = ends[channel.node2] else { continue }
                view.channels.insert(GossipView.Channel(scid: channel.shortChannelId, node1: channel.node1, node2: channel.node2,
                                                        policy1: first, policy2: second))
                view.nodes.formUnion([channel.node1, channel.node2])
            }
        }
        return view
    }

    /// A graph reduced to what convergence compares.
    struct GossipView {
        struct Channel: Hashable {
            let scid: String
            let node1: String
            let node2: String
            let policy1: PolicyJSON?
            let policy2: PolicyJSON?

            init(scid: String, node1: String, node2: String, policy1: PolicyJSON?, policy2: PolicyJSON?) {
                self.scid = scid
                self.node1 = node1
                self.node2 = node2
                self.policy1 = policy1
                self.policy2 = policy2
            }

            init(_ json: GraphChannelJSON) {
                self.init(scid: json.shortChannelId, node1: json.node1, node2: json.node2, policy1: json.node1Policy, policy2: json.node2Policy)
            }
        }

        var channels: Set<Channel> = []
        var nodes: Set<String> = []
    }

    // MARK: Down

    /// Stops every daemon of the home; the names of those that ran.
    public func down() throws -> NetworkDownResult {
        var stopped: [String] = []
        for config in try LocalNode.list(home: home).sorted(by: { $0.name < $1.name }) {
            let node = try LocalNode.open(home: home, name: config.name)
            guard NodeProcess.runningPid(node) != nil else { continue }
            _ = try NodeProcess.stop(node)
            stopped.append(config.name)
        }
        return NetworkDownResult(stopped: stopped)
    }

    // MARK: Export

    /// The running network as a topology: every node (its wallet's balance), every channel
    /// from its opener's side (the peer's balance now as its push), each end's policy.
    public func export() throws -> Topology {
        var nodes: [Topology.Node] = []
        var names: [String: String] = [:]  // node id -> name
        var clients: [(String, RPCClient)] = []
        for config in try LocalNode.list(home: home).sorted(by: { $0.name < $1.name }) {
            let node = try LocalNode.open(home: home, name: config.name)
            guard NodeProcess.runningPid(node) != nil else { continue }
            let client = try NodeProcess.client(node)
            let balance = try client.call("balance", NoParams(), as: BalanceResult.self)
            nodes.append(Topology.Node(name: config.name, alias: config.alias == config.name ? nil : config.alias,
                                       walletSat: balance.confirmedSat > .zero ? balance.confirmedSat : nil))
            names[config.nodeId] = config.name
            clients.append((config.name, client))
        }
        var policies: [String: [String: Topology.Policy]] = [:]  // channel id -> node name -> policy
        for (name, client) in clients {
            for channel in try client.call("fees", NoParams(), as: FeesResult.self).channels {
                policies[channel.channelId, default: [:]][name] = Topology.Policy(
                    feeBaseMsat: channel.policy.feeBaseMsat, feeProportionalMillionths: channel.policy.feeProportionalMillionths,
                    cltvExpiryDelta: channel.policy.cltvExpiryDelta)
            }
        }
        var channels: [Topology.Channel] = []
        for (name, client) in clients {
            for channel in try client.call("channels", NoParams(), as: ChannelList.self).channels
            where channel.opener == .local && channel.state != .closed {
                guard let peer = names[channel.peerId] else { continue }  // a node of another home
                channels.append(Topology.Channel(
                    from: name, to: peer, capacitySat: Satoshi(channel.capacitySat),
                    pushMsat: channel.toRemoteMsat > 0 ? MilliSatoshi(channel.toRemoteMsat) : nil, isPrivate: channel.private ? true : nil,
                    fromPolicy: policies[channel.channelId]?[name], toPolicy: policies[channel.channelId]?[peer]))
            }
        }
        return Topology(nodes: nodes, channels: channels)
    }
}

/// What `export` reads of each channel snapshot (`ChannelSnapshot` itself decodes only with
/// its own keys, not through the RPC client's snake_case conversion).
private struct ChannelList: Codable {
    struct Channel: Codable {
        let channelId: String
        let peerId: String
        let opener: ChannelSnapshot.Opener
        let state: ChannelPhase
        let `private`: Bool
        let capacitySat: UInt64
        let toRemoteMsat: UInt64
    }

    let channels: [Channel]
}

/// `chan network up`: what came up.
public struct NetworkUpResult: Codable, Sendable, Equatable {
    public let home: String
    public let nodes: [Node]
    public let channels: [Channel]
    public let seconds: Double

    public struct Node: Codable, Sendable, Equatable {
        public let name: String
        public let nodeId: String
        public let uri: String
    }

    public struct Channel: Codable, Sendable, Equatable {
        public let from: String
        public let to: String
        public let channelId: String
        @Nullable public var shortChannelId: String?
        public let capacitySat: Satoshi
        public let `private`: Bool
    }
}

/// `chan network down`: the daemons that were running and are stopped now.
public struct NetworkDownResult: Codable, Sendable, Equatable {
    public let stopped: [String]
}

extension Topology {
    /// Names unique and valid, channels between two different nodes of the file, amounts in range.
    public func validate() throws {
        func invalid(_ why: String) -> APIError { APIError(code: "invalid_topology", message: why) }
        var names: Set<String> = []
        for node in nodes {
            guard NodeName.isValid(node.name) else { throw invalid("'\(node.name)' is not a node name: use 1 to 32 of a-z, 0-9, _ and -") }
            guard names.insert(node.name).inserted else { throw invalid("node '\(node.name)' is listed twice") }
            if let alias = node.alias { do { try NodeConfig.validateAlias(alias) } catch { throw invalid("node '\(node.name)': \(error.message)") } }
        }
        guard !nodes.isEmpty else { throw invalid("the topology has no nodes") }
        if let announceDepth, !(1...144).contains(announceDepth) { throw invalid("announce_depth is 1 to 144 blocks, not \(announceDepth)") }
        for (position, channel) in channels.enumerated() {
            let name = "channel \(position) (\(channel.from) -> \(channel.to))"
            guard names.contains(channel.from), names.contains(channel.to) else { throw invalid("\(name) names a node the file does not list") }
            guard channel.from != channel.to else { throw invalid("\(name) connects a node to itself") }
            guard channel.capacitySat >= ChanCore.Channel.minimumFunding, channel.capacitySat <= .maxMoney else {
                throw invalid("\(name): a channel holds at least \(ChanCore.Channel.minimumFunding.value) sat")
            }
            if let push = channel.pushMsat, push > (try channel.capacitySat.msat) { throw invalid("\(name): the push exceeds the capacity") }
        }
    }
}
