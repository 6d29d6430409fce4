import ChanCrypto

/// A node's identity: its 33-byte compressed secp256k1 public key (BOLT 7 `node_id`).
///
/// Stored as a prefix byte plus four big-endian words so that hashing and comparing are a few
/// integer operations, and so that numeric order is the byte order BOLT 7 uses to decide which
/// end of a channel is `node_1`. The key is not checked to be on the curve: graph files hold
/// tens of thousands of them and the pathfinder never verifies signatures.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    let prefix: UInt8
    let word0: UInt64
    let word1: UInt64
    let word2: UInt64
    let word3: UInt64

    public static let byteCount = 33

    /// From 66 hex digits (either case) starting with `02` or `03`; nil otherwise.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard let id = utf8.withUnsafeBufferPointer({ NodeID(hexDigits: $0) })
        else { return nil }
        self = id
    }

    /// The routing id of a (valid) public key.
    public init(publicKey: PublicKey) {
        // Cannot fail: a compressed key is 33 bytes starting with 02 or 03.
        self = NodeID(bytes: publicKey.compressed)!
    }

    /// From the 33 raw bytes of a compressed key; nil for another length or prefix.
    public init?(bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard bytes.count == Self.byteCount, bytes[0] == 2 || bytes[0] == 3 else { return nil }
        func word(_ start: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in bytes[start..<(start + 8)] { value = value << 8 | UInt64(byte) }
            return value
        }
        self.init(prefix: bytes[0], word0: word(1), word1: word(9), word2: word(17), word3: word(25))
    }

    init(prefix: UInt8, word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
        self.prefix = prefix
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// Decodes 66 hex digits straight from a byte buffer (the graph importers call this for
    /// every endpoint, so it avoids building a String).
    init?(hexDigits digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 2 * Self.byteCount else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        guard let high = Self.nibble(digits[0]), let low = Self.nibble(digits[1]) else { return nil }
        let prefix = high << 4 | low
        guard prefix == 2 || prefix == 3 else { return nil }
        for wordIndex in 0..<4 {
            var value: UInt64 = 0
            let start = 2 + wordIndex * 16
            for offset in 0..<16 {
                guard let nibble = Self.nibble(digits[start + offset]) else { return nil }
                value = value << 4 | UInt64(nibble)
            }
            switch wordIndex {
            case 0: words.0 = value
            case 1: words.1 = value
            case 2: words.2 = value
            default: words.3 = value
            }
        }
        self.init(prefix: prefix, word0: words.0, word1: words.1, word2: words.2, word3: words.3)
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// The 33 bytes of the compressed key.
    public var bytes: [UInt8] {
        var out = [prefix]
        out.reserveCapacity(Self.byteCount)
        for word in [word0, word1, word2, word3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// Lower-case hex, as graph files and `lncli` print node ids.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        (lhs.prefix, lhs.word0, lhs.word1, lhs.word2, lhs.word3)
            < (rhs.prefix, rhs.word0, rhs.word1, rhs.word2, rhs.word3)
    }

    public func hash(into hasher: inout Hasher) {
        // Every word: ids in a graph file are not checked to be keys, so a crafted file could
        // otherwise make them collide and turn interning quadratic.
        hasher.combine(prefix)
        hasher.combine(word0)
        hasher.combine(word1)
        hasher.combine(word2)
        hasher.combine(word3)
    }
}

extension NodeID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = NodeID(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 33-byte compressed public key in hex")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
