import ChanAPI

/// What the node tells its `events` streams and `wait` calls. Owned by the node (its actor):
/// publishing hands the event to every subscriber in order and lets waiters re-check.
struct EventBus {
    private var subscribers: [UInt64: AsyncStream<NodeEvent>.Continuation] = [:]
    private var nextID: UInt64 = 0

    mutating func subscribe() -> (id: UInt64, stream: AsyncStream<NodeEvent>) {
        nextID += 1
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        subscribers[nextID] = continuation
        return (nextID, stream)
    }

    mutating func unsubscribe(_ id: UInt64) { subscribers.removeValue(forKey: id)?.finish() }

    func publish(_ event: NodeEvent) {
        for subscriber in subscribers.values { subscriber.yield(event) }
    }

    mutating func finishAll() {
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }
}
