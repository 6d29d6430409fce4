import ChanCore
/// Broken invariants found by a simulation: counted, the first few kept word for word. A
/// violation never stops the run (the simulator reports, it does not crash).
public struct ViolationLog: Hashable, Sendable {
    /// How many messages are kept; the count goes on.
    public static let keptMessages = 20

    public private(set) var count = 0
    public private(set) var messages: [String] = []

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func record(_ message: String) {
        count += 1
        if messages.count < ViolationLog.keptMessages { messages.append(message) }
    }

    public mutating func record(_ problem: String, context: String) { record("\(context): \(problem)") }

    public mutating func record(_ problems: [String], context: String) {
        for problem in problems { record("\(context): \(problem)") }
    }
}
