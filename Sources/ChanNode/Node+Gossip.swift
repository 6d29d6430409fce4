import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// The public network as this node learns it (BOLT 7): gossip from peers is checked (against
/// the ledger for announcements), applied to the node's `NetworkGraph`, stored raw and relayed
/// to every other peer; a new peer gets everything known; a channel whose funding is spent is
/// forgotten. The rules live in ChanCore (`NetworkGraph`, `GossipValidation`); the node looks
/// up the ledger, stores and sends.
extension Node {
    /// Rebuilds the graph from the store at start, each message checked again as it was when it
    /// arrived (signatures included: fine for networks of this size; a mainnet-size graph would
    /// want to trust its own store); a channel whose funding was spent while the node was away
    /// is forgotten now.
    func loadGossip() throws {
        let stored = try local.store.gossip()
        // One ledger read for all of them.
        let fundings = try ledger.read { ledger in
            try stored.channels.map { try Node.fundingOutput(at: $0.shortChannelID, in: ledger) }
        }
        for (channel, funding) in zip(stored.channels, fundings) {
            guard let announcement = try? ChannelAnnouncement.decode(channel.announcement) else { continue }
            guard case .accepted = network.apply(announcement, fundingOutput: funding?.output) else {
                try local.store.removeGossipChannel(channel.shortChannelID, orphanedNodes: [])
                continue
            }
            if let funding { gossipFundings[funding.outPoint] = channel.shortChannelID }
            for raw in channel.updates.compactMap(\.self) {
                if let update = try? ChannelUpdateMessage.decode(raw) { _ = network.apply(update) }
            }
        }
        for raw in stored.nodes {
            if let announcement = try? NodeAnnouncement.decode(raw) { _ = network.apply(announcement) }
        }
        for (index, raw) in try local.store.peerUpdates() where channels[index] != nil {
            peerUpdates[index] = try? ChannelUpdateMessage.decode(raw)
        }
        logger.info("gossip loaded", metadata: ["channels": "\(network.channels.count)", "nodes": "\(network.nodeAnnouncements.count)"])
    }

    /// The output a short channel id points at, if it exists and is unspent. A failed read throws:
    /// it must not pass for "spent".
    func fundingOutput(at id: ShortChannelID) throws -> UnspentOutput? {
        try ledger.read { ledger in try Node.fundingOutput(at: id, in: ledger) }
    }

    private static func fundingOutput(at id: ShortChannelID, in ledger: Ledger<SQLiteLedgerStore>) throws -> UnspentOutput? {
        let block = try ledger.store.transactions(atHeight: id.block)
        guard Int(id.transactionIndex) < block.count else { return nil }
        let transaction = block[Int(id.transactionIndex)]
        guard Int(id.outputIndex) < transaction.outputs.count else { return nil }
        return try ledger.store.unspentOutput(OutPoint(txid: transaction.txid, index: UInt32(id.outputIndex)))
    }

    // MARK: Receiving

    /// A gossip message from `peer`: applied, stored and relayed when it is new and valid.
    func gossipReceived(_ message: GossipMessage, from peer: PublicKey) {
        switch message {
        case .channelAnnouncement(let announcement):
            // A channel known already needs no ledger read: the graph tells a duplicate apart first.
            let funding: UnspentOutput?
            do {
                funding = network.channels[announcement.shortChannelID] == nil ? try fundingOutput(at: announcement.shortChannelID) : nil
            } catch {
                return logger.error("cannot read the ledger to check an announcement", metadata: ["why": "\(error)"])
            }
            let outcome = network.apply(announcement, fundingOutput: funding?.output)
            if outcome == .accepted, let funding { gossipFundings[funding.outPoint] = announcement.shortChannelID }
            keepIfNew(outcome, message, from: peer)
        case .channelUpdate(let update):
            let outcome = network.apply(update)
            if outcome == .unknownChannel { return peerUpdateOfPrivateChannel(update, from: peer) }
            keepIfNew(outcome, message, from: peer)
        case .nodeAnnouncement(let announcement):
            keepIfNew(network.apply(announcement), message, from: peer)
        case .gossipTimestampFilter:
            // Every peer gets everything when it connects; a filter asks for nothing more.
            break
        }
    }

    /// Stores and relays what the graph took; logs what it refused (a peer relaying bad gossip
    /// is not dropped: it may only pass on what others sent).
    func keepIfNew(_ outcome: GossipOutcome, _ message: GossipMessage, from peer: PublicKey?) {
        switch outcome {
        case .accepted:
            storeGossip(message)
            relay(message, except: peer)
        case .rejected(let error):
            logger.debug("gossip refused", metadata: ["peer": "\(peer.map { "\($0)" } ?? "us")", "why": "\(error.message)"])
        case .duplicate, .stale, .unknownChannel, .unknownNode:
            break
        }
    }

    private func storeGossip(_ message: GossipMessage) {
        do {
            switch message {
            case .channelAnnouncement(let announcement):
                guard let channel = network.channels[announcement.shortChannelID] else { return }
                try local.store.storeChannelAnnouncement(channel.shortChannelID, raw: channel.announcement.raw, capacity: channel.capacity,
                                                         durability: joinBatch())
            case .channelUpdate(let update):
                guard let stored = network.channels[update.shortChannelID]?.update(update.direction) else { return }
                try local.store.storeChannelUpdate(update.shortChannelID, direction: update.direction, raw: stored.raw,
                                                   durability: joinBatch())
            case .nodeAnnouncement(let announcement):
                guard let id = NodeID(bytes: announcement.nodeID.bytes), let stored = network.nodeAnnouncements[id],
                      let key = try? PublicKey(compressed: id.bytes) else { return }
                try local.store.storeNodeAnnouncement(key, raw: stored.raw, durability: joinBatch())
            case .gossipTimestampFilter:
                break
            }
        } catch {
            halt("cannot store gossip: \(error)")
        }
    }

    /// Sends `message` to every ready peer but `origin`.
    func relay(_ message: GossipMessage, except origin: PublicKey?) {
        for (peer, connection) in registry.peers where peer != origin && connection.isReady {
            send(message.wireMessage, to: peer)
        }
    }

    /// A new peer gets the whole graph (BOLT 7 initial sync, announcements before their
    /// updates) and our updates of the channels we share with it.
    func syncGossip(to peer: PublicKey) {
        for message in network.fullSync() { send(message.wireMessage, to: peer) }
        for (index, update) in ourUpdates.sorted(by: { $0.key < $1.key }) where channels[index]?.peerID == peer {
            send(.channelUpdate(update), to: peer)
        }
    }

    /// Forgets the public channels whose funding this block spends, and those whose ends have
    /// not updated them for two weeks (BOLT 7).
    func pruneChannels(_ transactions: [Transaction]) {
        for transaction in transactions {
            for input in transaction.inputs {
                guard let id = gossipFundings.removeValue(forKey: input.previousOutput), let channel = network.removeChannel(id) else { continue }
                forget(channel, why: "closed on the ledger")
            }
        }
        let stale = network.pruneStaleChannels(now: UInt32(clamping: now))
        guard !stale.isEmpty else { return }
        let removed = Set(stale.map(\.shortChannelID))
        gossipFundings = gossipFundings.filter { !removed.contains($0.value) }
        for channel in stale { forget(channel, why: "no update for two weeks") }
    }

    /// A channel the graph let go: out of the store, with the announcements of the nodes it leaves alone.
    private func forget(_ channel: AnnouncedChannel, why: String) {
        let orphaned = [channel.ends.nodeID1, channel.ends.nodeID2].filter { network.channels(of: $0).isEmpty }
            .compactMap { try? PublicKey(compressed: $0.bytes) }
        do {
            try local.store.removeGossipChannel(channel.shortChannelID, orphanedNodes: orphaned, durability: joinBatch())
        } catch {
            halt("cannot store gossip: \(error)")
        }
        logger.info("channel forgotten: \(why)", metadata: ["short_channel_id": "\(channel.shortChannelID)"])
    }

    /// A `channel_update` for a channel the network does not know: our peer's end of a channel
    /// we share and have not announced (yet). Kept, unrelayed: its policy goes into our
    /// invoices' route hints, and into the graph once the channel is announced.
    private func peerUpdateOfPrivateChannel(_ update: ChannelUpdateMessage, from peer: PublicKey) {
        guard update.chainHash == chainHash,
              let index = channels.first(where: { $0.value.peerID == peer && $0.value.shortChannelID == update.shortChannelID })?.key,
              update.direction == ChannelDirection(local: peer, remote: nodeID), update.verifySignature(nodeKey: peer),
              update.timestamp > (peerUpdates[index]?.timestamp ?? 0)
        else { return }
        peerUpdates[index] = update
        do {
            try local.store.storePeerUpdate(try update.encode(), channel: index, durability: joinBatch())
        } catch {
            halt("cannot store the peer's channel update: \(error)")
        }
    }

    // MARK: The graph, as the RPC shows it

    func graphResult() -> GraphJSON {
        var nodes: [NodeID: GraphNodeJSON] = [:]
        for node in network.nodes {
            let announcement = network.nodeAnnouncements[node]?.message
            let addresses = ((try? announcement?.decodedAddresses()) ?? []).map(\.description)
            nodes[node] = GraphNodeJSON(nodeId: node.hex, alias: announcement?.alias.text, addresses: addresses,
                                        lastUpdate: announcement?.timestamp)
        }
        var channelsJSON = network.channels.values.sorted { $0.shortChannelID < $1.shortChannelID }.map { channel in
            GraphChannelJSON(shortChannelId: channel.shortChannelID.description, node1: channel.ends.nodeID1.hex,
                             node2: channel.ends.nodeID2.hex, capacitySat: channel.capacity, isPrivate: false,
                             node1Policy: channel.update1.map { Self.policyJSON($0.message) },
                             node2Policy: channel.update2.map { Self.policyJSON($0.message) })
        }
        // Our own channels the network does not know (private, or not announced yet): each
        // end's update as we have it.
        for (index, channel) in channels.sorted(by: { $0.key < $1.key }) {
            guard let scid = channel.shortChannelID, network.channels[scid] == nil, channel.phase == .normal || channel.phase == .shuttingDown else { continue }
            let ours = ourUpdates[index].map(Self.policyJSON), theirs = peerUpdates[index].map(Self.policyJSON)
            let weAreNode1 = ChannelDirection(local: nodeID, remote: channel.peerID) == .fromNode1
            let (node1, node2) = weAreNode1 ? (nodeID, channel.peerID) : (channel.peerID, nodeID)
            channelsJSON.append(GraphChannelJSON(
                shortChannelId: scid.description, node1: node1.hex, node2: node2.hex, capacitySat: channel.opening.fundingAmount,
                isPrivate: !channel.opening.announceChannel, node1Policy: weAreNode1 ? ours : theirs, node2Policy: weAreNode1 ? theirs : ours))
            for key in [nodeID, channel.peerID] {
                let id = NodeID(publicKey: key)
                if nodes[id] == nil { nodes[id] = GraphNodeJSON(nodeId: id.hex, alias: nil, addresses: [], lastUpdate: nil) }
            }
        }
        return GraphJSON(nodes: nodes.values.sorted { $0.nodeId < $1.nodeId }, channels: channelsJSON)
    }

    static func policyJSON(_ update: ChannelUpdateMessage) -> PolicyJSON {
        PolicyJSON(feeBaseMsat: update.feeBase, feeProportionalMillionths: update.feeProportionalMillionths,
                   cltvExpiryDelta: update.cltvExpiryDelta, htlcMinimumMsat: update.htlcMinimum, htlcMaximumMsat: update.htlcMaximum,
                   disabled: update.isDisabled, lastUpdate: update.timestamp)
    }
}
