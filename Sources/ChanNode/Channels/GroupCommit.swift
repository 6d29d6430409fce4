import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Group commit: what one turn of the node's loop writes (every message and command that turn
/// handled, on every channel, and the payment and invoice rows they change) goes to the store
/// in one transaction, one fsync, at the end of the turn. A channel's record is encoded and
/// written once, as it stands then, however many events changed it. What must not leave
/// before its state is durable (messages to peers, broadcasts, events) waits for that commit,
/// in the order it was produced; once anything waits, everything after it waits too, so no
/// message overtakes one produced before it.
struct GroupCommit {
    /// The channels' log entries of this turn, merged per channel, in first-staged order.
    private(set) var writes: [ChannelWrite] = []
    private var positions: [UInt64: Int] = [:]
    /// Whether the store's batch holds rows of this turn (payments, invoices).
    private var storeBatchOpen = false
    /// What waits for the commit, in order.
    private(set) var held: [Held] = []

    enum Held {
        /// To the peer's connection of the time (a newer one has not had its reestablish yet).
        case send(WireMessage, to: PublicKey, connection: UInt64?)
        case broadcast(Transaction, channel: UInt64)
        case publish(NodeEvent)
    }

    /// Whether anything is to be committed or waits (then new effects wait too).
    var isHolding: Bool { !writes.isEmpty || storeBatchOpen || !held.isEmpty }

    /// Stages a channel's write; its row is filled in at the commit.
    mutating func stage(_ write: ChannelWrite) {
        if let position = positions[write.index] {
            writes[position].merge(write)
        } else {
            positions[write.index] = writes.count
            writes.append(write)
        }
    }

    mutating func storeBatchOpened() { storeBatchOpen = true }

    mutating func hold(_ effect: Held) { held.append(effect) }

    /// Hands over what is staged and held, leaving the batch empty.
    mutating func take() -> (writes: [ChannelWrite], held: [Held]) {
        defer { self = GroupCommit() }
        return (writes, held)
    }
}

extension Node {
    /// Stages a channel's write (its record is taken at the commit) for the end of the turn.
    func stage(_ write: ChannelWrite) {
        scheduleTurnEnd()
        pending.stage(write)
    }

    /// The durability of a store write that joins this turn's group commit.
    func joinBatch() -> NodeStore.Durability {
        scheduleTurnEnd()
        pending.storeBatchOpened()
        return .batched
    }

    /// Sends `message` to `peer` once what was staged before it is durable.
    func send(_ message: WireMessage, to peer: PublicKey) {
        guard pending.isHolding else { return sendNow(message, to: peer) }
        pending.hold(.send(message, to: peer, connection: registry[peer]?.link.connectionID))
    }

    /// Submits a channel's transaction once what was staged before it is durable.
    func broadcast(_ transaction: Transaction, channel index: UInt64) {
        if pending.isHolding { pending.hold(.broadcast(transaction, channel: index)) } else { broadcastNow(transaction, channel: index) }
    }

    /// Tells subscribers and waiters of `event` once what was staged before it is durable.
    func publish(_ event: NodeEvent) {
        if pending.isHolding { pending.hold(.publish(event)) } else { publishNow(event) }
    }

    /// The end of this turn runs once the loop has run what is queued now (the reads of this
    /// turn and the jobs they started).
    func scheduleTurnEnd() {
        guard !turnEndScheduled else { return }
        turnEndScheduled = true
        loop.execute { self.assumeIsolated { $0.endTurn() } }
    }

    /// The turn's signatures, then its commit, then what waited for it.
    private func endTurn() {
        signScheduledChannels()  // their writes join this turn's commit
        turnEndScheduled = false
        commitPending()
    }

    /// Commits what is staged, then performs what waited for it. On a failed write the node
    /// halts and nothing that waited leaves it. Safe to call at any time (a read that must see
    /// the staged writes calls it first); it does nothing when nothing is staged.
    func commitPending() {
        guard halted == nil, pending.isHolding else { return }
        var (writes, held) = pending.take()
        do {
            for position in writes.indices {
                guard let channel = channels[writes[position].index] else { continue }  // forgotten: nothing to keep
                writes[position].row = ChannelRow(channelID: channel.channelID, peerID: channel.peerID, phase: channel.phase,
                                                  record: try ChannelRecord.encode(channel))
            }
            try local.store.persist(writes, now: now, durability: .batched)
            try local.store.commitBatch()
        } catch {
            halt("cannot persist channels \(writes.map(\.index)): \(error)")
            return
        }
        for effect in held {
            switch effect {
            case .send(let message, let peer, let connection):
                if registry[peer]?.link.connectionID == connection { sendNow(message, to: peer) }
            case .broadcast(let transaction, let index): broadcastNow(transaction, channel: index)
            case .publish(let event): publishNow(event)
            }
        }
        // Once the sends are flushed (queued before this), the wait for the peer is the time to
        // derive what the next round of these channels will need. (A busy channel has no such
        // wait: its next round is already queued.)
        let idle = writes.map(\.index).filter { (channels[$0]?.commitments?.local.spec.htlcs.count ?? .max) < Node.busyChannelHTLCs }
        guard !idle.isEmpty else { return }
        loop.execute {
            self.assumeIsolated { node in
                for index in idle { node.channels[index]?.prepareNextRound() }
            }
        }
    }
}
