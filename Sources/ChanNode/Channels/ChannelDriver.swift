import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Driving a channel: an event in, the channel's effects out, performed in order. Persist
/// comes before the sends that follow it (the channel's record and its log entries in one
/// durable transaction); outcomes that start new work (an HTLC to settle, a funding to make)
/// wait until the whole list is done, so no new update slips between a message and the
/// `commitment_signed` the channel already produced.
extension Node {
    /// Gives `event` to channel `index` and performs its effects. A command the channel refuses
    /// throws and changes nothing; messages and ledger events never throw.
    func drive(_ index: UInt64, _ event: ChannelEvent) throws(ChannelError) {
        guard var channel = channels[index] else { return }
        let effects = try channel.handle(event, now: now)
        channels[index] = channel
        for id in channel.messageChannelIDs { channelIndexByID[id] = index }
        perform(effects, channel: index)
    }

    /// `drive` for events that cannot be refused (messages, ledger events, connection changes).
    func deliver(_ index: UInt64, _ event: ChannelEvent) {
        do { try drive(index, event) } catch { logger.error("a channel refused an event", metadata: ["channel": "\(index)", "error": "\(error.message)"]) }
    }

    private enum Deferred {
        case resolution(HTLCResolution)
        case funding(amount: Satoshi, condition: OutputCondition)
    }

    func perform(_ effects: [ChannelEffect], channel index: UInt64) {
        guard let peer = channels[index]?.peerID else { return }
        var history: [StateChange] = []
        var deferred: [Deferred] = []
        for effect in effects {
            switch effect {
            case .persist(let revoked):
                guard persist(index, revoked: revoked, history: history) else {
                    // Nothing that depends on this state may leave: drop the connection instead.
                    registry[peer]?.link.close()
                    return
                }
                history = []
            case .send(let message):
                send(message, to: peer)
            case .broadcast(let transaction):
                broadcast(transaction, channel: index)
            case .fundingNeeded(let amount, let condition):
                deferred.append(.funding(amount: amount, condition: condition))
            case .htlc(let resolution):
                deferred.append(.resolution(resolution))
            case .phaseChanged(let change):
                history.append(change)
                phaseChanged(index, change)
            case .disconnect:
                registry[peer]?.link.outbound.finish()
                registry[peer]?.link.close()
            }
        }
        if !history.isEmpty {
            do { try local.store.appendStateChanges(channel: index, history) } catch { logger.error("state history not written: \(error)") }
        }
        for item in deferred {
            switch item {
            case .resolution(let resolution): htlcResolved(resolution, channel: index)
            case .funding(let amount, let condition): makeFunding(index, amount: amount, condition: condition)
            }
        }
    }

    /// Writes the channel's record, its new revocation-log entry, its history since the last
    /// write, and (when our commitment changed) the signed commitment for the archive.
    private func persist(_ index: UInt64, revoked: RevokedCommitment?, history: [StateChange]) -> Bool {
        guard let channel = channels[index] else { return false }
        do {
            var archived: (number: UInt64, transaction: Transaction)?
            if let commitments = channel.commitments, archivedNumbers[index] != commitments.local.number {
                archived = (commitments.local.number, channel.signedLocalCommitment(commitments))
            }
            try local.store.persist([ChannelWrite(
                index: index, channelID: channel.channelID, peerID: channel.peerID, phase: channel.phase,
                record: try ChannelRecord.encode(channel), revoked: revoked, stateChanges: history, archived: archived)], now: now)
            if let archived { archivedNumbers[index] = archived.number }
            return true
        } catch {
            logger.critical("cannot persist a channel", metadata: ["channel": "\(index)", "error": "\(error)"])
            return false
        }
    }

    /// Submits a channel's transaction to the mempool. Refusals are normal (claims go out again
    /// each block until one confirms; both sides broadcast a mutual close) and only logged.
    func broadcast(_ transaction: Transaction, channel index: UInt64) {
        do {
            try ledger.write { try $0.submit(transaction) }
            logger.info("broadcast", metadata: ["channel": "\(index)", "txid": "\(transaction.txid)"])
        } catch {
            logger.debug("broadcast refused", metadata: ["channel": "\(index)", "txid": "\(transaction.txid)", "why": "\(error)"])
        }
        if let channel = channels[index], channel.fundingTransaction?.txid == transaction.txid {
            fundingBroadcast(index, channel: channel, transaction: transaction)
        }
    }

    /// The opener's wallet makes the funding transaction the channel asked for.
    private func makeFunding(_ index: UInt64, amount: Satoshi, condition: OutputCondition) {
        let reserved = reservedCoins.values.reduce(into: Set<OutPoint>()) { $0.formUnion($1) }
        do {
            let transaction = try wallet.fundingTransaction(
                amount: amount, condition: condition, feeRate: fundingFeeRates[index] ?? LedgerRules.defaultFeeRate, excluding: reserved)
            reservedCoins[index] = Set(transaction.inputs.map(\.previousOutput))
            try drive(index, .command(.fundingTransactionReady(transaction, outputIndex: 0)))
        } catch {
            abandonOpening(index, reason: APIError(error as? any CodedError ?? APIError(code: "funding_failed", message: "\(error)")))
        }
    }

    /// How long updates gather before they are signed: one signature round then carries every
    /// update that arrived meanwhile (each round costs a signature per HTLC in flight).
    static let signBatchWindow: UInt64 = 1_000_000  // 1 ms

    /// Schedules a `commitment_signed` for the channel's new updates. It runs after the work
    /// already queued on the node, so updates that arrive together share one signature round.
    func scheduleSign(_ index: UInt64) {
        guard signScheduled.insert(index).inserted else { return }
        Task {
            try? await Task.sleep(nanoseconds: Node.signBatchWindow)
            self.signNow(index)
        }
    }

    private func signNow(_ index: UInt64) {
        signScheduled.remove(index)
        guard let commitments = channels[index]?.commitments, commitments.localHasChanges, !commitments.isAwaitingRevocation else { return }
        do { try drive(index, .command(.sign)) } catch { logger.debug("nothing signed", metadata: ["channel": "\(index)", "why": "\(error.message)"]) }
    }
}
