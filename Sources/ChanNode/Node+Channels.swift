import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// The node's channels: loading them at start, routing the peer's messages to them, and the
/// commands a user gives them (open, close, cheat).
extension Node {
    /// How long `open` and a mutual `close` wait for the peer.
    static let peerAnswerTimeout: UInt64 = 30
    /// What we ask of a peer's funding before `channel_ready`.
    static let acceptorMinimumDepth = Channel.defaultMinimumDepth
    /// The commitment feerate of the channels we open (per kw).
    static let openingFeeratePerKw: UInt32 = 2500

    /// Loads every stored channel; each starts disconnected (a restart is a reconnection).
    func loadChannels() throws {
        for stored in try local.store.channels() {
            var channel = try ChannelRecord.decode(stored.record, nodeKeys: local.keys)
            channels[stored.index] = channel
            for id in channel.messageChannelIDs { channelIndexByKey[ChannelKey(peer: channel.peerID, id: id)] = stored.index }
            if let number = channel.commitments?.local.number { archivedNumbers[stored.index] = number }
            if channel.isConnected, channel.phase != .closed {
                let effects = (try? channel.handle(.disconnected, now: now)) ?? []
                channels[stored.index] = channel
                perform(effects, channel: stored.index)
            }
        }
        logger.info("channels loaded", metadata: ["count": "\(channels.count)"])
    }

    func channelCount(with peer: PublicKey) -> Int {
        channels.values.count { $0.peerID == peer && $0.phase != .closed }
    }

    /// The channel `id` names: a 64-hex `channel_id` or a `BLOCKxTXxOUTPUT` short channel id.
    func channelIndex(_ id: String) throws -> UInt64 {
        if let channelID = try? ChannelID(hex: id),
           let index = channels.keys.sorted().first(where: { channels[$0]?.messageChannelIDs.contains(channelID) == true }) { return index }
        if let scid = try? ShortChannelID(text: id), let index = channels.first(where: { $0.value.shortChannelID == scid })?.key { return index }
        throw APIError(code: "unknown_channel", message: "no channel '\(id)' (see `chan channels`)")
    }

    func snapshot(_ index: UInt64) -> ChannelSnapshot? {
        guard let channel = channels[index] else { return nil }
        let history = (try? local.store.stateChanges(channel: index)) ?? []
        var snapshot = ChannelSnapshot(channel, stateChanges: history)
        snapshot.connected = channel.isConnected && isReady(channel.peerID)
        return snapshot
    }

    func channelsResult() -> ChannelsResult {
        ChannelsResult(channels: channels.keys.sorted().compactMap(snapshot))
    }

    func channelResult(_ params: ChannelParams) throws -> ChannelSnapshot {
        guard let snapshot = snapshot(try channelIndex(params.id)) else { throw APIError(code: "unknown_channel", message: "no channel '\(params.id)'") }
        return snapshot
    }

    // MARK: Messages and connections

    func channelMessage(_ message: WireMessage, channelID: ChannelID, from peer: PublicKey) {
        guard let index = channelIndexByKey[ChannelKey(peer: peer, id: channelID)], channels[index] != nil else {
            if let reply = PeerSession.unknownChannel(channelID, message: message) { send(reply, to: peer) }
            return
        }
        if case .fundingCreated(let created) = message,
           isKnownChannelID(ChannelID(fundingTxid: created.fundingTxid, outputIndex: created.fundingOutputIndex)) {
            // Two channels under one id would take each other's messages: this funding is refused.
            refuseOpening(index, reason: "the funding output names a channel that exists already")
            return
        }
        if case .announcementSignatures(let signatures) = message {
            // Gossip between the channel's two ends: the node's, not the channel state machine's.
            return announcementSignaturesReceived(signatures, channel: index)
        }
        deliver(index, .message(message))
        if case .channelReestablish = message {
            // What waited for the peer: a funding deep enough while it was away (channel_ready now,
            // not at the next block), the HTLCs decided meanwhile, the channel's announcement.
            if channels[index]?.phase == .awaitingFunding { reportFunding(index, height: blockHeight, transactions: []) }
            carryOutDecisions(channel: index, decideTheRest: true)
            announceOwnChannels()
        }
    }

    func channelsLostConnection(to peer: PublicKey) {
        for (index, channel) in channels where channel.peerID == peer && channel.phase != .closed && channel.isConnected {
            deliver(index, .disconnected)
        }
    }

    func channelsRegainedConnection(to peer: PublicKey) {
        for (index, channel) in channels.sorted(by: { $0.key < $1.key }) where channel.peerID == peer && channel.phase != .closed {
            // A connection replaced by another never reported its loss: report it first.
            if channel.isConnected { deliver(index, .disconnected) }
            deliver(index, .reconnected)
        }
    }

    /// An `error` for every channel (BOLT 1: the all-zero channel id).
    func failAllChannels(with peer: PublicKey, error: ErrorMessage) {
        for (index, channel) in channels where channel.peerID == peer && channel.phase != .closed {
            deliver(index, .message(.error(ErrorMessage(channelID: channel.channelID, data: error.data))))
        }
    }

    func phaseChanged(_ index: UInt64, _ change: StateChange) {
        guard let channel = channels[index] else { return }
        logger.info("channel state", metadata: ["channel": "\(channel.channelID)", "state": "\(change.new.rawValue)", "cause": "\(change.cause)"])
        publish(NodeEvent(type: "channel", channelId: channel.channelID.hex, shortChannelId: channel.shortChannelID?.description,
                          state: change.new.rawValue, previousState: change.old.rawValue, cause: change.cause))
        if change.new == .closed, openWaiters[index] != nil {
            abandonOpening(index, reason: APIError(code: "open_failed", message: "the channel closed while opening: \(change.cause)"))
        }
        channelLeftNormal(index, change)
    }

    // MARK: Opening

    func isKnownChannelID(_ id: ChannelID) -> Bool {
        channels.values.contains { $0.messageChannelIDs.contains(id) }
    }

    /// A channel the peer proposed and that we will not fund or sign: forgotten, the peer told why.
    private func refuseOpening(_ index: UInt64, reason: String) {
        guard let channel = channels[index] else { return }
        forgetUnfunded(index)
        logger.info("channel refused", metadata: ["peer": "\(channel.peerID)", "why": "\(reason)"])
        send(.error(ErrorMessage(channelID: channel.channelID, data: Array(reason.utf8))), to: channel.peerID)
    }

    /// Channels proposed to us whose funding is not yet confirmed, per peer and in all: a peer
    /// cannot make us hold unbounded state by proposing channels it never funds.
    static let maximumPendingProposals = (perPeer: 4, total: 64)

    /// The peer proposes a channel: we accept it if BOLT 2 and our defaults allow.
    func openChannelReceived(_ open: OpenChannel, from peer: PublicKey) {
        do {
            guard channelIndexByKey[ChannelKey(peer: peer, id: open.temporaryChannelID)] == nil else {
                throw APIError(code: "duplicate_channel", message: "temporary channel id \(open.temporaryChannelID.hex) is in use")
            }
            // A proposal counts until its funding is in a block: a peer cannot pile up channels
            // by signing fundings that never appear either.
            let proposals = channels.values.filter { channel in
                !channel.weAreOpener && (channel.phase == .opening || (channel.phase == .awaitingFunding && channel.fundingDepth == 0))
            }
            guard proposals.count(where: { $0.peerID == peer }) < Node.maximumPendingProposals.perPeer,
                  proposals.count < Node.maximumPendingProposals.total else {
                throw APIError(code: "too_many_openings", message: "too many channels proposed and not yet funded")
            }
            try requireChannelFeatures(of: peer)
            let index = try local.store.allocateChannelIndex()
            let destination = try wallet.newAddress().condition
            let (channel, effects) = try Channel.accept(
                open, keys: local.keys.channelKeys(index: index), peerID: peer, chainHash: chainHash,
                localConfig: .defaults(capacity: open.fundingAmount), minimumDepth: Node.acceptorMinimumDepth,
                destination: destination, currentHeight: blockHeight, now: now)
            channels[index] = channel
            channelIndexByKey[ChannelKey(peer: peer, id: open.temporaryChannelID)] = index
            logger.info("channel proposed by the peer", metadata: ["peer": "\(peer)", "capacity_sat": "\(open.fundingAmount.value)"])
            perform(effects, channel: index)
        } catch {
            let text = (error as? any CodedError)?.message ?? "\(error)"
            logger.info("channel refused", metadata: ["peer": "\(peer)", "why": "\(text)"])
            send(.error(ErrorMessage(channelID: open.temporaryChannelID, data: Array(text.utf8))), to: peer)
        }
    }

    private func requireChannelFeatures(of peer: PublicKey) throws {
        guard case .active(let features)? = registry[peer]?.session.state else {
            throw APIError(code: "peer_not_connected", message: "\(peer.hex) is not connected")
        }
        let missing = FeatureBits.requiredOfChannelPeers.filter { !features.supports($0) }
        guard missing.isEmpty else { throw APIError(code: "peer_missing_features", message: "the peer lacks features \(missing)") }
    }

    /// `open`: proposes a channel to the peer and returns once the funding is signed and in the mempool.
    func open(_ params: OpenParams) async throws -> OpenResult {
        let peer = try parsePeer(params.nodeId)
        guard peer != nodeID else { throw APIError(code: "invalid_peer", message: "a node cannot open a channel to itself") }
        if !isReady(peer) {
            if let host = params.host, let port = params.port {
                try await dial(peer, host: host, port: Int(port))
            } else if let known = try local.store.peerAddresses().first(where: { $0.nodeID == peer }) {
                try await dial(peer, host: known.host, port: Int(known.port))
            } else {
                throw APIError(code: "peer_not_connected", message: "\(peer.hex) is not connected and its address is unknown (connect first)")
            }
        }
        try requireChannelFeatures(of: peer)
        guard params.amountSat >= Channel.minimumFunding else {
            throw APIError(code: "channel_too_small", message: "a channel holds at least \(Channel.minimumFunding.value) sat, not \(params.amountSat.value)")
        }
        guard params.amountSat <= .maxMoney, let capacity = try? params.amountSat.msat, params.pushMsat <= capacity else {
            throw APIError(code: "invalid_push", message: "the push of \(params.pushMsat.value) msat exceeds the channel's \(params.amountSat.value) sat")
        }
        let feeRate = FeeRate(satPerByte: params.feeRate ?? LedgerRules.defaultFeeRate.satPerByte)
        let available = try wallet.balance().confirmed
        guard available >= params.amountSat else {
            throw APIError(code: "insufficient_funds", message: "the wallet has \(available.value) sat confirmed, the channel needs \(params.amountSat.value) sat plus the fee")
        }
        let index = try local.store.allocateChannelIndex()
        let temporaryID = try ChannelID(try SecureRandom.bytes(32))
        let (channel, effects) = try Channel.open(
            keys: local.keys.channelKeys(index: index), peerID: peer, chainHash: chainHash, temporaryChannelID: temporaryID,
            fundingAmount: params.amountSat, pushAmount: params.pushMsat, feeratePerKw: Node.openingFeeratePerKw,
            localConfig: .defaults(capacity: params.amountSat), minimumDepth: params.minDepth ?? 1, announce: params.private != true,
            destination: try wallet.newAddress().condition, currentHeight: blockHeight, now: now)
        channels[index] = channel
        channelIndexByKey[ChannelKey(peer: peer, id: temporaryID)] = index
        fundingFeeRates[index] = feeRate
        logger.info("opening a channel", metadata: ["peer": "\(peer)", "capacity_sat": "\(params.amountSat.value)"])
        return try await withCheckedThrowingContinuation { waiter in
            openWaiters[index] = waiter
            perform(effects, channel: index)
            Task {
                try? await Task.sleep(nanoseconds: Node.peerAnswerTimeout * 1_000_000_000)
                self.abandonOpening(index, reason: APIError(code: "open_timeout", message: "the peer did not complete the opening within \(Node.peerAnswerTimeout) s"))
            }
        }
    }

    /// The funding is signed by both and in the mempool: `open` has its answer.
    func fundingBroadcast(_ index: UInt64, channel: Channel, transaction: Transaction) {
        reservedCoins[index] = nil
        guard let waiter = openWaiters.removeValue(forKey: index), let outPoint = channel.commitments?.parameters.fundingOutPoint else { return }
        waiter.resume(returning: OpenResult(
            channelId: channel.channelID.hex, fundingTxid: transaction.txid.hex, fundingOutputIndex: outPoint.index,
            capacitySat: channel.opening.fundingAmount, pushMsat: channel.opening.pushAmount, state: channel.phase))
    }

    /// The ledger refused our signed funding: `open` says so (the channel exists, signed by
    /// both; its funding is submitted again at every block).
    func fundingRefused(_ index: UInt64, why: String) {
        guard let waiter = openWaiters.removeValue(forKey: index) else { return }
        let id = channels[index]?.channelID.hex ?? ""
        waiter.resume(throwing: APIError(code: "funding_refused", message: "channel \(id) is signed but the ledger refused its funding (\(why)); it is submitted again at each block"))
    }

    /// Our fundings not yet confirmed go to the mempool again (a refusal may have been passing).
    func rebroadcastFundings() {
        for (index, channel) in channels.sorted(by: { $0.key < $1.key })
        where channel.phase == .awaitingFunding && channel.weAreOpener && fundingPositions[index] == nil {
            if let funding = channel.fundingTransaction, (try? ledger.read { try $0.store.transaction(funding.txid) }) == nil {
                broadcast(funding, channel: index)
            }
        }
    }

    /// An opening that cannot finish: the peer hears why, the coins are free again, `open` fails.
    func abandonOpening(_ index: UInt64, reason: APIError) {
        reservedCoins[index] = nil
        fundingFeeRates[index] = nil
        guard let waiter = openWaiters.removeValue(forKey: index) else { return }
        if let channel = channels[index], channel.commitments == nil {
            // Nothing was signed: forget the channel (the peer forgets it on the error).
            send(.error(ErrorMessage(channelID: channel.channelID, data: Array(reason.message.utf8))), to: channel.peerID)
            forgetUnfunded(index)
        }
        waiter.resume(throwing: reason)
    }

    // MARK: Closing

    /// `close`: a mutual close (returns once the closing transaction is signed and broadcast),
    /// or with `force` our latest commitment on the ledger at once.
    func close(_ params: CloseParams) async throws -> CloseResult {
        let index = try channelIndex(params.id)
        guard let channel = channels[index] else { throw APIError(code: "unknown_channel", message: "no channel '\(params.id)'") }
        if params.force {
            try runCommand(index, .forceClose)
            commitPending()  // the answer reports the closing: it is durable, and broadcast, first
            return closeResult(index, type: "force")
        }
        guard channel.phase == .normal || channel.phase == .shuttingDown else {
            throw APIError(code: "invalid_state", message: "channel \(channel.channelID.hex) is \(channel.phase.rawValue): nothing to close mutually")
        }
        guard isReady(channel.peerID) else {
            throw APIError(code: "peer_not_connected", message: "the peer is not connected: a mutual close needs it (or use --force)")
        }
        if channel.phase == .normal { try runCommand(index, .close) }
        _ = try await waitFor(.channel(index: index, phases: [.closing, .closed, .forceClosing]), timeout: Node.peerAnswerTimeout)
        return closeResult(index, type: "mutual")
    }

    private func closeResult(_ index: UInt64, type: String) -> CloseResult {
        let snapshot = snapshot(index)
        return CloseResult(channelId: snapshot?.channelID ?? "", closingTxid: snapshot?.closingTxid ?? "",
                           state: snapshot?.state ?? .closed, type: type)
    }

    /// `cheat`: broadcasts one of our own revoked commitments, so that the peer's watcher can
    /// show the penalty. Our channel learns of it like any commitment on the ledger.
    func cheat(_ params: CheatParams) throws -> CheatResult {
        let index = try channelIndex(params.id)
        guard let commitments = channels[index]?.commitments else { throw APIError(code: "invalid_state", message: "the channel has no commitment yet") }
        commitPending()  // the archive is read below
        let revoked = try local.store.archivedCommitmentNumbers(channel: index).filter { $0 < commitments.local.number }
        guard let number = params.commitment ?? revoked.first else {
            throw APIError(code: "nothing_revoked", message: "the channel has no revoked commitment yet (make a payment first)")
        }
        guard revoked.contains(number), let transaction = try local.store.archivedCommitment(channel: index, number: number) else {
            throw APIError(code: "unknown_commitment", message: "commitment \(number) is not one of our revoked commitments (\(revoked.map(String.init).joined(separator: ", ")))")
        }
        do {
            try ledger.write { try $0.submit(transaction) }
        } catch {
            throw APIError(code: "broadcast_refused", message: "the ledger refused the revoked commitment: \(error)")
        }
        logger.warning("cheating: revoked commitment broadcast", metadata: ["channel": "\(index)", "number": "\(number)"])
        return CheatResult(channelId: commitments.channelID.hex, txid: transaction.txid.hex, commitmentNumber: number)
    }

    /// A command for channel `index`, its refusal reported as an API error.
    func runCommand(_ index: UInt64, _ command: ChannelCommand) throws(APIError) {
        do { try drive(index, .command(command)) } catch { throw APIError(error) }
    }
}
