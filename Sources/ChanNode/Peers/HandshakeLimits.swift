import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an inbound connection may cost before it has proved anything: how long its handshake
/// may take, and how many such connections may wait at once (a flood of silent connections
/// must not hold unbounded memory and descriptors).
enum HandshakeLimits {
    /// 10 s, as other BOLT 8 implementations allow; `CHAN_HANDSHAKE_TIMEOUT_MS` shortens it
    /// for tests.
    static let timeout: TimeAmount = {
        if let text = getenv("CHAN_HANDSHAKE_TIMEOUT_MS").flatMap({ String(validatingCString: $0) }),
           let milliseconds = Int64(text), milliseconds > 0 {
            return .milliseconds(milliseconds)
        }
        return .seconds(10)
    }()

    /// Inbound connections still in their handshake; one more is closed at once.
    static let maximumPending = 64
}

/// The inbound connections of one listener still in their handshake. (They all run on the
/// node's loop; the lock only makes the count shareable with the listener's initializer.)
final class PendingHandshakes: Sendable {
    private let count = Mutex(0)
    let limit: Int

    init(limit: Int = HandshakeLimits.maximumPending) { self.limit = limit }

    /// Takes a slot; false when every slot is taken.
    func acquire() -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { count.withLock { $0 -= 1 } }
}
