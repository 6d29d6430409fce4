import ChanCore
/// The connection between the two channels: one FIFO queue per direction, as on a TCP
/// connection (a direction keeps its order; the two directions are independent, so the driver
/// interleaves them as it likes). When the connection drops, whatever is in flight is lost.
public struct MessageLink: Hashable, Sendable {
    public private(set) var isUp = true
    /// Messages on their way, indexed by the side that will receive them.
    private var queues: [[WireMessage]] = [[], []]
    /// Index of the next message to deliver in each queue (popping from the front in O(1)).
    private var heads: [Int] = [0, 0]

    public init() {}

    /// Messages in flight towards `side`.
    public func inFlight(to side: PairSide) -> Int { queues[side.rawValue].count - heads[side.rawValue] }

    public var inFlightCount: Int { inFlight(to: .alice) + inFlight(to: .bob) }

    public var isEmpty: Bool { inFlightCount == 0 }

    /// The next message `side` would receive.
    public func peek(at side: PairSide) -> WireMessage? {
        inFlight(to: side) > 0 ? queues[side.rawValue][heads[side.rawValue]] : nil
    }

    /// Queues `message` for `side`; false (and the message is lost) if the connection is down.
    @discardableResult
    public mutating func send(_ message: WireMessage, to side: PairSide) -> Bool {
        guard isUp else { return false }
        queues[side.rawValue].append(message)
        return true
    }

    /// The next message for `side`, in the order it was sent.
    public mutating func receive(at side: PairSide) -> WireMessage? {
        let index = side.rawValue
        guard heads[index] < queues[index].count else { return nil }
        let message = queues[index][heads[index]]
        heads[index] += 1
        if heads[index] == queues[index].count {
            queues[index].removeAll(keepingCapacity: true)
            heads[index] = 0
        }
        return message
    }

    /// The connection drops: both directions lose what is in flight. Returns how many messages.
    @discardableResult
    public mutating func drop() -> Int {
        let lost = inFlightCount
        isUp = false
        queues = [[], []]
        heads = [0, 0]
        return lost
    }

    public mutating func restore() { isUp = true }
}
