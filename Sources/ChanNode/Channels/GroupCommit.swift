import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Group commit: the channel writes of one turn of the node's loop (every message and command
/// that turn handled, on every channel) go to the store in one transaction, one fsync, at the
/// end of the turn. What must not leave before its state is durable (messages to peers,
/// broadcasts, events) waits for that commit, in the order it was produced; once anything
/// waits, everything after it waits too, so no message overtakes one produced before it.
struct GroupCommit {
    /// Staged writes by channel, merged, in the order channels were first staged.
    private(set) var writes: [ChannelWrite] = []
    private var positions: [UInt64: Int] = [:]
    /// What waits for the commit, in order.
    private(set) var held: [Held] = []

    enum Held {
        case send(WireMessage, to: PublicKey)
        case broadcast(Transaction, channel: UInt64)
        case publish(NodeEvent)
    }

    /// Whether effects must wait (a write is staged, or something already waits).
    var isHolding: Bool { !writes.isEmpty || !held.isEmpty }

    mutating func stage(_ write: ChannelWrite) {
        if let position = positions[write.index] {
            writes[position].merge(write)
        } else {
            positions[write.index] = writes.count
            writes.append(write)
        }
    }

    mutating func hold(_ effect: Held) { held.append(effect) }

    /// Hands over what is staged and held, leaving the batch empty.
    mutating func take() -> (writes: [ChannelWrite], held: [Held]) {
        defer { self = GroupCommit() }
        return (writes, held)
    }
}

extension Node {
    /// Stages a channel write; the commit runs at the end of the loop's turn.
    func stage(_ write: ChannelWrite) {
        if !pending.isHolding { scheduleCommit() }
        pending.stage(write)
    }

    /// Sends `message` to `peer` once what was staged before it is durable.
    func send(_ message: WireMessage, to peer: PublicKey) {
        if pending.isHolding { pending.hold(.send(message, to: peer)) } else { sendNow(message, to: peer) }
    }

    /// Submits a channel's transaction once what was staged before it is durable.
    func broadcast(_ transaction: Transaction, channel index: UInt64) {
        if pending.isHolding { pending.hold(.broadcast(transaction, channel: index)) } else { broadcastNow(transaction, channel: index) }
    }

    /// Tells subscribers and waiters of `event` once what was staged before it is durable.
    func publish(_ event: NodeEvent) {
        if pending.isHolding { pending.hold(.publish(event)) } else { publishNow(event) }
    }

    private func scheduleCommit() {
        loop.execute { self.assumeIsolated { $0.commitPending() } }
    }

    /// Commits what is staged, then performs what waited for it. On a failed write the node
    /// halts and nothing that waited leaves it. Safe to call at any time (a read that must see
    /// the staged writes calls it first); it does nothing when nothing is staged.
    func commitPending() {
        guard pending.isHolding else { return }
        let (writes, held) = pending.take()
        do {
            try local.store.persist(writes, now: now)
        } catch {
            halt("cannot persist channels \(writes.map(\.index)): \(error)")
            return
        }
        for effect in held {
            switch effect {
            case .send(let message, let peer): sendNow(message, to: peer)
            case .broadcast(let transaction, let index): broadcastNow(transaction, channel: index)
            case .publish(let event): publishNow(event)
            }
        }
    }
}
