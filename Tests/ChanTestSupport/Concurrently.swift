import Foundation
import Synchronization

/// Runs `body` on `count` threads at once and waits for all of them; returns what they threw.
public func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [any Error] {
    let errors = Mutex<[any Error]>([])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            do { try body(index) } catch { errors.withLock { $0.append(error) } }
        }
    }
    group.wait()
    return errors.withLock { $0 }
}
