import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import NIOCore

/// Waiting without sleeping: `wait` and the commands that wait (`close`, `pay`) register a
/// condition that the node re-checks after every change; `events` streams every change.
extension Node {
    /// What a waiter waits for.
    enum Condition: Sendable {
        case channel(index: UInt64, phases: Set<ChannelPhase>)
        case height(UInt32)
        case payment(PaymentHash)
        case peer(PublicKey)
    }

    struct Waiter {
        let condition: Condition
        let continuation: CheckedContinuation<NodeEvent, any Error>
        /// Ends the wait with `timeout`; canceled when the condition holds first. A task on the
        /// node's own loop: no thread of Swift's pool is woken for it (every `pay` sets one).
        let timer: Scheduled<Void>

        func resume(with result: Result<NodeEvent, any Error>) {
            timer.cancel()
            continuation.resume(with: result)
        }
    }

    /// The longest wait a timer is set for (a larger timeout waits this long).
    static let longestWait: UInt64 = 10 * 365 * 86_400

    func publishNow(_ event: NodeEvent) {
        events.publish(event)
        // Only the waiters this event can concern look again (a payment's waiter at its payment).
        let hash = event.paymentHash.flatMap(Hex.decode).flatMap { try? PaymentHash(bytes: $0) }
        for (id, waiter) in waiters where waiter.condition.mayHold(after: event, paymentHash: hash) {
            if let satisfied = satisfied(waiter.condition) {
                waiters[id] = nil
                waiter.resume(with: .success(satisfied))
            }
        }
    }

    func subscribe() -> (id: UInt64, stream: AsyncStream<NodeEvent>) { events.subscribe() }

    func unsubscribe(_ id: UInt64) { events.unsubscribe(id) }

    /// Returns once `condition` holds, or throws `timeout`.
    func waitFor(_ condition: Condition, timeout seconds: UInt64) async throws -> NodeEvent {
        if let event = satisfied(condition) {
            // It may hold in this turn's writes only: they are made durable before it is reported.
            commitPending()
            if let halted { throw APIError(code: "node_halted", message: "the node stopped: \(halted)") }
            return event
        }
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withCheckedThrowingContinuation { continuation in
            let timer = loop.scheduleTask(in: .seconds(Int64(min(seconds, Node.longestWait)))) {
                self.assumeIsolated { node in node.expireWaiter(id, after: seconds) }
            }
            waiters[id] = Waiter(condition: condition, continuation: continuation, timer: timer)
        }
    }

    private func expireWaiter(_ id: UInt64, after seconds: UInt64) {
        waiters.removeValue(forKey: id)?.resume(with: .failure(APIError.timeout("the condition did not hold within \(seconds) s")))
    }

    /// The event that shows `condition` holds now, or nil.
    private func satisfied(_ condition: Condition) -> NodeEvent? {
        switch condition {
        case .channel(let index, let phases):
            guard let channel = channels[index], phases.contains(channel.phase) else { return nil }
            return NodeEvent(type: "channel", channelId: channel.channelID.hex, shortChannelId: channel.shortChannelID?.description,
                             state: channel.phase.rawValue)
        case .height(let height):
            return blockHeight >= height ? .block(height: blockHeight) : nil
        case .payment(let hash):
            // One of our payments with parts still in flight: not over yet, whatever its row says.
            guard outgoingPayments[hash] == nil else { return nil }
            if let payment = try? local.store.payment(hash), payment.status != .pending {
                return Node.paymentEvent(payment)
            }
            if let invoice = try? local.store.invoice(hash), invoice.status != .open {
                return NodeEvent(type: "invoice", state: invoice.status.rawValue, paymentHash: hash.hex, amountMsat: invoice.received?.value)
            }
            return nil
        case .peer(let peer):
            return isReady(peer) ? .peer(nodeId: peer.hex, connected: true) : nil
        }
    }

    /// `wait`: one condition of `params`.
    func wait(_ params: WaitParams) async throws -> NodeEvent {
        let given = [params.channel != nil, params.height != nil, params.payment != nil, params.peer != nil].count(where: { $0 })
        guard given == 1 else { throw APIError.badParams("wait for exactly one of --channel, --height, --payment, --peer") }
        let condition: Condition
        if let channel = params.channel {
            guard let state = params.state else { throw APIError.badParams("--channel needs --state") }
            condition = .channel(index: try channelIndex(channel), phases: [state])
        } else if let height = params.height {
            condition = .height(height)
        } else if let payment = params.payment {
            condition = .payment(try paymentHash(payment))
        } else {
            condition = .peer(try parsePeer(params.peer!))
        }
        return try await waitFor(condition, timeout: params.timeoutSeconds)
    }
}

extension Node.Condition {
    /// Whether `event` can have made the condition true (so that it is worth checking);
    /// `paymentHash` is the event's, decoded once for all waiters.
    func mayHold(after event: NodeEvent, paymentHash: PaymentHash?) -> Bool {
        switch self {
        case .channel: event.type == "channel"
        case .height: event.type == "block"
        case .payment(let hash): (event.type == "payment" || event.type == "invoice") && paymentHash == hash
        case .peer(let peer): event.type == "peer" && event.nodeId == peer.hex
        }
    }
}
