import ChanCrypto

/// BOLT 3 compact storage of the peer's revealed per-commitment secrets: at most 49 entries
/// hold every secret received so far, because a secret derives all secrets whose index
/// shares its leading bits. Inserting checks the new secret derives the ones it replaces,
/// which catches a peer revealing secrets from two different seeds.
public struct ShachainStore: Hashable, Sendable, Codable {
    public struct Entry: Hashable, Sendable, Codable {
        public let index: UInt64
        public let secret: [UInt8]
    }

    /// `buckets[b]` holds a secret whose index has b trailing zero bits (the BOLT 3 layout).
    /// Set from outside this file only by `ChannelRecord`, restoring a store.
    public internal(set) var buckets: [Entry?] = Array(repeating: nil, count: 49)

    public init() {}

    public enum InsertError: CodedError, Equatable {
        case inconsistentSecret(index: UInt64)
        case badLength

        public var code: String {
            switch self {
            case .inconsistentSecret: "invalid_revocation_secret"
            case .badLength: "invalid_length"
            }
        }

        public var message: String {
            switch self {
            case .inconsistentSecret(let index): "the secret for index \(index) does not derive the secrets revealed before it"
            case .badLength: "a per-commitment secret is 32 bytes"
            }
        }
    }

    /// Number of trailing zero bits of the index, capped at 48 (index 0 goes in bucket 48).
    static func bucket(for index: UInt64) -> Int {
        index == 0 ? 48 : min(index.trailingZeroBitCount, 48)
    }

    public mutating func insert(secret: [UInt8], index: UInt64) throws(InsertError) {
        guard secret.count == 32 else { throw .badLength }
        let position = ShachainStore.bucket(for: index)
        for lower in 0..<position {
            guard let entry = buckets[lower] else { continue }
            if PerCommitmentSecret.derive(from: secret, bits: position, index: entry.index) != entry.secret {
                throw .inconsistentSecret(index: index)
            }
        }
        buckets[position] = Entry(index: index, secret: secret)
    }

    /// The secret of `index` if it was revealed (directly or through a later secret).
    public func secret(at index: UInt64) -> [UInt8]? {
        for position in 0..<buckets.count {
            guard let entry = buckets[position] else { continue }
            // Entry at bucket b derives every index that differs from it only in the low b bits.
            let mask: UInt64 = position >= 64 ? 0 : ~((1 << UInt64(position)) - 1)
            if index & mask == entry.index & mask {
                return PerCommitmentSecret.derive(from: entry.secret, bits: position, index: index)
            }
        }
        return nil
    }

    /// How many secrets have been revealed, assuming they arrive in order from `firstIndex`
    /// down (as the protocol sends them): the lowest stored index tells.
    public var count: UInt64 {
        guard let lowest = buckets.compactMap({ $0?.index }).min() else { return 0 }
        return PerCommitmentSecret.firstIndex - lowest + 1
    }
}
