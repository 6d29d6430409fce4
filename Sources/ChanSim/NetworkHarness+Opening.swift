import ChanCore
import ChanCrypto
import ChanLedger

/// Opening the network: keys and wallets from the seed, the faucet's coins for each opener on
/// one ledger, then each channel opened as `PairOpening` opens the pair's (open, accept,
/// funding from the opener's wallet, `funding_created` .. `channel_ready` over its link).
extension NetworkHarness {
    /// What each funding transaction pays the miner, and gives back to the opener besides the capacity.
    static let fundingFee = Satoshi(1000)
    static let openerChange = Satoshi(100_000)

    public init(configuration: NetworkConfiguration) throws(SimulationError) {
        do {
            try self.init(opening: configuration)
        } catch let error as SimulationError {
            throw error
        } catch {
            throw .openFailed("\(error)")
        }
    }

    private init(opening configuration: NetworkConfiguration) throws {
        guard configuration.nodeCount >= 2, configuration.policies.count == configuration.nodeCount else {
            throw SimulationError.openFailed("a network needs at least two nodes and a policy for each")
        }
        func secret(_ label: String) throws -> PrivateKey {
            var message = Array("chan sim network \(label)".utf8)
            withUnsafeBytes(of: configuration.keySeed.bigEndian) { message += $0 }
            return try PrivateKey(secretBytes: SHA256.hash(message))
        }
        self.configuration = configuration
        self.clock = SimulatedClock(start: configuration.startTime)
        self.nodes = try (0..<configuration.nodeCount).map { index in
            NetworkNode(index: index, keys: try NodeKeys(seed: try secret("node \(index)").secretBytes),
                        wallet: try secret("wallet \(index)"), policy: configuration.policies[index])
        }
        let ends = configuration.edges
        self.edges = ends.enumerated().map { NetworkEdge(index: $0.offset, ends: $0.element) }

        var ledger = try Ledger(store: InMemoryLedgerStore())
        let minted = try configuration.capacity.adding(Self.fundingFee).adding(Self.openerChange)
        let wallets = nodes.map { OutputCondition.key($0.wallet.publicKey) }
        var mints: [Transaction] = []
        for end in ends { mints.append(try ledger.faucet(to: wallets[end.opener], amount: minted)) }
        try ledger.mine()
        self.ledger = ledger
        ledgerChanges = 1

        for (edge, mint) in mints.enumerated() { try open(edge, spending: mint) }
        mine(blocks: Int(configuration.minimumDepth))
        deliverAll()
        for edge in edges.indices {
            for node in [edges[edge].ends.opener, edges[edge].ends.acceptor] where channel(node, edge)?.phase != .normal {
                throw SimulationError.openFailed("channel \(edge) is \(channel(node, edge)?.phase.rawValue ?? "missing") at node \(node); \(violations.messages)")
            }
            edges[edge].shortChannelID = channel(edges[edge].ends.opener, edge)?.shortChannelID
        }
        openingBalances = nodes.map(\.offChainBalance)
    }

    /// Opens channel `edge`: its opener's `open_channel`, the acceptor's `accept_channel`, the
    /// funding transaction (spending `mint`, change back to the opener), then `funding_created`
    /// and `funding_signed` over the link; the funding is broadcast, not mined.
    private mutating func open(_ edge: Int, spending mint: Transaction) throws {
        let ends = edges[edge].ends
        let opener = nodes[ends.opener], acceptor = nodes[ends.acceptor]
        let chainHash = try Hash32(ledger.chainHash.bytes)
        // Each node's channel keys by edge index: unique per node.
        let openerKeys = opener.keys.channelKeys(index: UInt64(edge))
        let (opening, openEffects) = try Channel.open(
            keys: openerKeys, peerID: acceptor.nodeID, chainHash: chainHash,
            temporaryChannelID: try ChannelID(SHA256.hash(Array("temporary \(edge)".utf8) + openerKeys.shachainSeed)),
            fundingAmount: configuration.capacity, pushAmount: configuration.pushAmount, feeratePerKw: configuration.feeratePerKw,
            localConfig: configuration.channelConfig, destination: .key(opener.wallet.publicKey), currentHeight: height, now: clock.now)
        guard case .send(.openChannel(let open)) = openEffects.first else { throw SimulationError.openFailed("no open_channel") }
        let (accepting, acceptEffects) = try Channel.accept(
            open, keys: acceptor.keys.channelKeys(index: UInt64(edge)), peerID: opener.nodeID, chainHash: chainHash,
            localConfig: configuration.channelConfig, minimumDepth: configuration.minimumDepth,
            destination: .key(acceptor.wallet.publicKey), currentHeight: height, now: clock.now)
        guard case .send(.acceptChannel(let accept)) = acceptEffects.first else { throw SimulationError.openFailed("no accept_channel") }
        var openerChannel = opening
        let fundingEffects = try openerChannel.handle(.message(.acceptChannel(accept)), now: clock.now)
        guard case .fundingNeeded(let amount, let condition) = fundingEffects.first else { throw SimulationError.openFailed("no funding request") }
        nodes[ends.opener].channels[edge] = openerChannel
        nodes[ends.acceptor].channels[edge] = accepting

        var funding = Transaction(
            inputs: [TxInput(previousOutput: mint.outPoint(0))],
            outputs: [TxOutput(amount: amount, condition: condition),
                      TxOutput(amount: Self.openerChange, condition: .key(opener.wallet.publicKey))])
        funding.inputs[0].witness = .keySignature(try opener.wallet.sign(digest: funding.sighash(inputIndex: 0)))
        edges[edge].fundingTxid = funding.txid
        try execute(ends.opener, edge, .fundingTransactionReady(funding, outputIndex: 0))
        deliverAll()
        guard channel(ends.opener, edge)?.phase == .awaitingFunding, channel(ends.acceptor, edge)?.phase == .awaitingFunding else {
            throw SimulationError.openFailed("channel \(edge) funding not signed")
        }
    }
}
