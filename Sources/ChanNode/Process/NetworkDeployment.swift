import ChanAPI
import ChanCore
import ChanLedger
import ChanStore
import FoundationEssentials
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
            try waitForGossip(nodes: topology.nodes.map { nodes[$0.name]! }, publicChannels: channels.filter { !$0.private }.count)
            return NetworkUpResult(
                home: home.path,
                nodes: topology.nodes.map { spec in
                    let started = uris[spec.name]!
                    return NetworkUpResult.Node(name: spec.name, nodeId: started.nodeId, uri: started.uri)
                },
                channels: channels,
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

    /// Connects and opens every channel, mines until they are ready and announced, and waits
    /// until both ends see each one `normal`. The channels in the file's order.
    private func openChannels(_ topology: Topology, nodes: [String: LocalNode], ledger: LedgerDatabase) throws -> [NetworkUpResult.Channel] {
        progress("opening \(topology.channels.count) channels")
        var channelIDs = [String](repeating: "", count: topology.channels.count)
        // Largest first: each takes the coin `fund` made for it.
        for (index, channel) in topology.channels.enumerated().sorted(by: { $0.element.capacitySat > $1.element.capacitySat }) {
            let peer = nodes[channel.to]!
            channelIDs[index] = try NodeProcess.client(nodes[channel.from]!).call("open", OpenParams(
                nodeId: peer.config.nodeId, host: "127.0.0.1", port: peer.config.port, amountSat: channel.capacitySat,
                pushMsat: channel.pushMsat ?? .zero, minDepth: nil, feeRate: nil, private: channel.private), as: OpenResult.self).channelId
        }
        let depth = max(Channel.defaultMinimumDepth, topology.announceDepth ?? NodeConfig.defaultAnnounceDepth)
        progress("mining \(depth) blocks")
        try ledger.write { ledger in _ = try ledger.mine(blocks: Int(depth)) }
        let timeout = UInt64(timeoutSeconds)
        return try zip(topology.channels, channelIDs).map { channel, channelID in
            var shortChannelID: String?
            for name in [channel.from, channel.to] {
                let ready = try NodeProcess.client(nodes[name]!).call(
                    "wait", WaitParams(channel: channelID, state: .normal, timeoutSeconds: timeout), as: NodeEvent.self)
                shortChannelID = shortChannelID ?? ready.shortChannelId
            }
            return NetworkUpResult.Channel(from: channel.from, to: channel.to, channelId: channelID, shortChannelId: shortChannelID,
                                           capacitySat: channel.capacitySat, private: channel.private == true)
        }
    }

    /// Each end's policy from the file, where it gives one.
    private func setPolicies(_ topology: Topology, channels: [NetworkUpResult.Channel], nodes: [String: LocalNode]) throws {
        for (spec, channel) in zip(topology.channels, channels) {
            for (name, policy) in [(channel.from, spec.fromPolicy), (channel.to, spec.toPolicy)] {
                guard let policy else { continue }
                _ = try NodeProcess.client(nodes[name]!).call("fees_set", FeesSetParams(channel: channel.channelId, policy: policy), as: FeesResult.self)
            }
        }
    }

    /// Until every node's graph holds every public channel with both ends' current policies
    /// (as each end reports them) and a node announcement for every node with a public channel.
    private func waitForGossip(nodes: [LocalNode], publicChannels: Int) throws {
        let deadline = NodeProcess.monotonicSeconds() + timeoutSeconds
        let clients = try nodes.map(NodeProcess.client)
        while true {
            let graphs = try clients.map { try $0.call("graph", NoParams(), as: GraphJSON.self) }
            let expected = try expectedGraph(nodes, clients: clients, graphs: graphs)
            let converged = expected.channels.count == publicChannels && graphs.allSatisfy { graph in
                let seen = Set(graph.channels.filter { !$0.private }.map(GossipView.Channel.init))
                let announced = Set(graph.nodes.filter { $0.lastUpdate != nil }.map(\.nodeId))
                return seen == expected.channels && expected.nodes.isSubset(of: announced)
            }
            if converged { return }
            guard NodeProcess.monotonicSeconds() < deadline else {
                throw APIError(code: "gossip_timeout", message: "the nodes' graphs did not converge within \(Int(timeoutSeconds)) s")
            }
            usleep(50_000)
        }
    }

    /// What every node should see: each public channel with the policies its two ends have now.
    private func expectedGraph(_ nodes: [LocalNode], clients: [RPCClient], graphs: [GraphJSON]) throws -> GossipView {
        var policies: [String: [String: PolicyJSON]] = [:]  // scid -> node id -> its policy
        for (node, client) in zip(nodes, clients) {
            for channel in try client.call("fees", NoParams(), as: FeesResult.self).channels {
                guard let scid = channel.shortChannelId else { continue }
                policies[scid, default: [:]][node.config.nodeId] = channel.policy
            }
        }
        var view = GossipView()
        for graph in graphs {
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
        }

        var channels: Set<Channel> = []
        var nodes: Set<String> = []
    }

    // MARK: Down

    /// Stops every daemon of the home; the names of those that ran.
    public func down() throws -> NetworkDownResult {
        let running = try runningNodes()
        for node in running { _ = try NodeProcess.stop(node) }
        return NetworkDownResult(stopped: running.map(\.config.name))
    }

    /// The home's nodes whose daemon runs, by name.
    private func runningNodes() throws -> [LocalNode] {
        try LocalNode.list(home: home).sorted(by: { $0.name < $1.name }).compactMap { config in
            let node = try LocalNode.open(home: home, name: config.name)
            return NodeProcess.runningPid(node) != nil ? node : nil
        }
    }

    // MARK: Export

    /// The running network as a topology: every node (its wallet's balance), every channel
    /// from its opener's side (the peer's balance now as its push), each end's policy.
    public func export() throws -> Topology {
        var nodes: [Topology.Node] = []
        var names: [String: String] = [:]  // node id -> name
        var clients: [(String, RPCClient)] = []
        for node in try runningNodes() {
            let config = node.config
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
                policies[channel.channelId, default: [:]][name] = Topology.Policy(channel.policy)
            }
        }
        var channels: [Topology.Channel] = []
        for (name, client) in clients {
            // The snapshot's keys are its own (snake_case already): a plain decoder reads them.
            let answer = try JSONDecoder().decode(RPCResult<ChannelsResult>.self, from: Data(client.callRaw("channels", NoParams())))
            for channel in answer.result.channels where channel.opener == .local && channel.state != .closed {
                guard let peer = names[channel.peerID] else { continue }  // a node of another home
                channels.append(Topology.Channel(
                    from: name, to: peer, capacitySat: Satoshi(channel.capacitySat),
                    pushMsat: channel.toRemoteMsat > 0 ? MilliSatoshi(channel.toRemoteMsat) : nil, isPrivate: channel.isPrivate ? true : nil,
                    fromPolicy: policies[channel.channelID]?[name], toPolicy: policies[channel.channelID]?[peer]))
            }
        }
        return Topology(nodes: nodes, channels: channels)
    }
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
        public var shortChannelId: String?
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
            do { try NodeName.validate(node.name) } catch { throw invalid(error.message) }
            guard names.insert(node.name).inserted else { throw invalid("node '\(node.name)' is listed twice") }
            if let alias = node.alias { do { try NodeConfig.validateAlias(alias) } catch { throw invalid("node '\(node.name)': \(error.message)") } }
        }
        guard !nodes.isEmpty else { throw invalid("the topology has no nodes") }
        if let announceDepth, !NodeConfig.announceDepths.contains(announceDepth) { throw invalid("announce_depth is 1 to 144 blocks, not \(announceDepth)") }
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

extension NetworkDeployment.GossipView.Channel {
    init(_ json: GraphChannelJSON) {
        self.init(scid: json.shortChannelId, node1: json.node1, node2: json.node2, policy1: json.node1Policy, policy2: json.node2Policy)
    }
}
