import ChanCore
/// The last events of a run, as short sentences, to explain a violation. Off unless asked
/// for (recording costs string formatting on every step).
public struct SimulationTrace: Hashable, Sendable {
    public var isEnabled: Bool
    /// How many entries are kept (the oldest are dropped).
    public let capacity: Int
    private var entries: [String] = []
    private var next = 0

    public init(isEnabled: Bool = false, capacity: Int = 400) {
        self.isEnabled = isEnabled
        self.capacity = max(capacity, 1)
    }

    /// `entry` is only built when tracing is on.
    public mutating func record(_ entry: @autoclosure () -> String) {
        guard isEnabled else { return }
        if entries.count < capacity {
            entries.append(entry())
        } else {
            entries[next] = entry()
            next = (next + 1) % capacity
        }
    }

    /// The kept entries, oldest first.
    public var lines: [String] { Array(entries[next...] + entries[..<next]) }
}
