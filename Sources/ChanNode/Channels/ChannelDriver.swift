import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Driving a channel: an event in, the channel's effects out, performed in order. Persist
/// comes before the sends that follow it (the channel's record and its log entries, committed
/// with every other write of the loop's turn in one durable transaction); outcomes that start new work (an HTLC to settle, a funding to make)
/// wait until the whole list is done, so no new update slips between a message and the
/// `commitment_signed` the channel already produced.
extension Node {
    /// Gives `event` to channel `index` and performs its effects. A command the channel refuses
    /// throws and changes nothing; messages and ledger events never throw.
    func drive(_ index: UInt64, _ event: ChannelEvent) throws(ChannelError) {
        guard halted == nil, var channel = channels[index] else { return }
        let effects = try channel.handle(event, now: now)
        channels[index] = channel
        for id in channel.messageChannelIDs { channelIndexByKey[ChannelKey(peer: channel.peerID, id: id)] = index }
        // A state that cannot be made durable never leaves the node: a failed commit halts it.
        perform(effects, channel: index)
    }

    /// `drive` for events that cannot be refused (messages, ledger events, connection changes).
    func deliver(_ index: UInt64, _ event: ChannelEvent) {
        do { try drive(index, event) } catch { logger.error("a channel refused an event", metadata: ["channel": "\(index)", "error": "\(error.message)"]) }
    }

    private enum Deferred {
        case incoming(CommitmentHTLC, onion: OnionRoutingPacket)
        case funding(amount: Satoshi, condition: OutputCondition)
    }

    /// Performs `effects` in order; false once the node has halted. A persist is staged for
    /// the end of the loop's turn (GroupCommit.swift), and the sends, broadcasts and events
    /// after it wait for that commit.
    @discardableResult
    func perform(_ effects: [ChannelEffect], channel index: UInt64) -> Bool {
        guard halted == nil, let peer = channels[index]?.peerID else { return false }
        // Our payments' and forwards' outcomes are recorded first: once the channel's new state is
        // stored the HTLC is gone from it, and neither may be left pending with no HTLC to end it.
        // (What a forward owes upstream is carried out after the effects, on the other channel.)
        var followUps: [OutcomeFollowUp] = []
        for case .htlc(let resolution) in effects {
            if let followUp = recordOutcome(resolution, channel: index) { followUps.append(followUp) }
        }
        guard halted == nil else { return false }
        var history: [StateChange] = []
        var deferred: [Deferred] = []
        for effect in effects {
            switch effect {
            case .persist(let revoked):
                stagePersist(index, revoked: revoked, history: history)
                history = []
            case .send(let message):
                send(message, to: peer)
            case .broadcast(let transaction):
                broadcast(transaction, channel: index)
            case .fundingNeeded(let amount, let condition):
                deferred.append(.funding(amount: amount, condition: condition))
            case .htlc(let resolution):
                if case .incomingCommitted(let htlc, let onion) = resolution { deferred.append(.incoming(htlc, onion: onion)) }
            case .phaseChanged(let change):
                history.append(change)
                phaseChanged(index, change)
            case .disconnect:
                registry[peer]?.link.close()
            }
        }
        if !history.isEmpty { stage(ChannelWrite(index: index, row: nil, stateChanges: history)) }
        if history.contains(where: { $0.new == .normal }) { announceOwnChannels() }
        for item in deferred {
            switch item {
            case .incoming(let htlc, let onion): settleIncoming(htlc, onion: onion, channel: index)
            case .funding(let amount, let condition): makeFunding(index, amount: amount, condition: condition)
            }
        }
        for followUp in followUps {
            switch followUp {
            case .upstream(let forward): carryOutForward(forward)
            case .retry(let hash): advancePayment(hash)
            }
        }
        if let channel = channels[index], channel.phase == .closed, channel.commitments == nil, openWaiters[index] == nil {
            forgetUnfunded(index)
        }
        return halted == nil
    }

    /// A channel that closed before anything was signed holds nothing: it leaves memory.
    func forgetUnfunded(_ index: UInt64) {
        channels[index] = nil
        channelIndexByKey = channelIndexByKey.filter { $0.value != index }
    }

    /// Stages the channel's write: its record (as it stands at the commit), its new
    /// revocation-log entry, its history since the last write, and (when our commitment changed)
    /// the signed commitment for the archive.
    private func stagePersist(_ index: UInt64, revoked: RevokedCommitment?, history: [StateChange]) {
        guard let channel = channels[index] else { return }  // forgotten while opening: nothing to keep
        var archived: [(number: UInt64, transaction: Transaction)] = []
        if let commitments = channel.commitments, archivedNumbers[index] != commitments.local.number {
            archived = [(commitments.local.number, channel.signedLocalCommitment(commitments))]
            archivedNumbers[index] = commitments.local.number
        }
        stage(ChannelWrite(index: index, row: nil, revoked: revoked.map { [$0] } ?? [], stateChanges: history, archived: archived))
    }

    /// Submits a channel's transaction to the mempool. Refusals are normal (claims go out again
    /// each block until one confirms; both sides broadcast a mutual close) and only logged.
    func broadcastNow(_ transaction: Transaction, channel index: UInt64) {
        let isFunding = channels[index]?.fundingTransaction?.txid == transaction.txid
        do {
            try ledger.write { try $0.submit(transaction) }
            logger.info("broadcast", metadata: ["channel": "\(index)", "txid": "\(transaction.txid)"])
            if isFunding, let channel = channels[index] { fundingBroadcast(index, channel: channel, transaction: transaction) }
        } catch {
            logger.debug("broadcast refused", metadata: ["channel": "\(index)", "txid": "\(transaction.txid)", "why": "\(error)"])
            // The funding goes out again with each block until it confirms.
            if isFunding { fundingRefused(index, why: "\(error)") }
        }
    }

    /// The opener's wallet makes the funding transaction the channel asked for.
    private func makeFunding(_ index: UInt64, amount: Satoshi, condition: OutputCondition) {
        do {
            let transaction = try wallet.fundingTransaction(
                amount: amount, condition: condition, feeRate: fundingFeeRates[index] ?? LedgerRules.defaultFeeRate, excluding: allReservedCoins)
            reservedCoins[index] = Set(transaction.inputs.map(\.previousOutput))
            try drive(index, .command(.fundingTransactionReady(transaction, outputIndex: 0)))
        } catch {
            abandonOpening(index, reason: APIError(error as? any CodedError ?? APIError(code: "funding_failed", message: "\(error)")))
        }
    }

    /// Schedules a `commitment_signed` for the channel's new updates at the end of the loop's
    /// turn (GroupCommit.swift), after the messages and commands of the turn: updates that
    /// arrive together share one signature round, whose write joins the turn's commit. While
    /// we await the peer's revocation, updates wait for the next round (`signIfNeeded`). (A
    /// busy channel gathers its rounds by itself: while one is signed and committed, the next
    /// one's updates arrive. Waiting 0.5 - 6 ms more before signing measured no difference.)
    func scheduleSign(_ index: UInt64) {
        signScheduled.insert(index)
        scheduleTurnEnd()
    }

    /// From this many HTLCs in its commitment a channel counts as busy: its next round is
    /// already queued when a round ends (GroupCommit.swift: only idle channels prepare theirs).
    static let busyChannelHTLCs = 8

    /// Signs every channel scheduled to sign.
    func signScheduledChannels() {
        let scheduled = signScheduled.sorted()
        signScheduled = []
        for index in scheduled {
            guard let commitments = channels[index]?.commitments, commitments.localHasChanges, !commitments.isAwaitingRevocation else { continue }
            do { try drive(index, .command(.sign)) } catch { logger.debug("nothing signed", metadata: ["channel": "\(index)", "why": "\(error.message)"]) }
        }
    }
}
