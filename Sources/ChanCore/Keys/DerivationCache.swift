import ChanCrypto

/// A bounded memo of a pure key derivation, shared by every channel of the process: the same
/// inputs always give the same keys, so a hit changes nothing but the time. Only public data
/// is kept (points and public keys; never a secret). The oldest entry leaves when it is full.
final class DerivationCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var values: [Key: Value] = [:]
        /// Keys in insertion order, as a ring: `next` is the oldest once full.
        var order: [Key] = []
        var next = 0
    }

    private let capacity: Int
    private let entries = Locked(Entries())

    init(capacity: Int) { self.capacity = capacity }

    /// The value for `key`, computed (outside the lock) and kept when not known yet.
    func value<E: Error>(for key: Key, _ compute: () throws(E) -> Value) throws(E) -> Value {
        if let known = entries.withLock({ $0.values[key] }) { return known }
        let value = try compute()
        entries.withLock { entries in
            guard entries.values.updateValue(value, forKey: key) == nil else { return }
            if entries.order.count < capacity {
                entries.order.append(key)
            } else {
                entries.values[entries.order[entries.next]] = nil
                entries.order[entries.next] = key
                entries.next = (entries.next + 1) % capacity
            }
        }
        return value
    }
}

/// The caches of the channel core's derivations.
enum DerivationCaches {
    /// Our per-commitment points, by channel and commitment number.
    static let perCommitmentPoints = DerivationCache<ChannelKeys.PointKey, PublicKey>(capacity: 1024)
    /// Commitment keys, by both sides' basepoints and the per-commitment point.
    static let commitmentKeys = DerivationCache<CommitmentKeys.DerivationInputs, CommitmentKeys>(capacity: 1024)
}
