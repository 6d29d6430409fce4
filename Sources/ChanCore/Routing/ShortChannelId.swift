/// A channel's short id (BOLT 7): 3 bytes of block height, 3 bytes of transaction index and
/// 2 bytes of output index, printed `BLOCKxTXxOUTPUT`. Ordering is by block, then transaction,
/// then output, which is the order of the packed integer.
public struct ShortChannelId: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Nil when a part does not fit its field (block and transaction < 2^24, output < 2^16).
    public init?(block: UInt32, transaction: UInt32, output: UInt32) {
        guard block < 1 << 24, transaction < 1 << 24, output < 1 << 16 else { return nil }
        rawValue = UInt64(block) << 40 | UInt64(transaction) << 16 | UInt64(output)
    }

    /// Parses `BLOCKxTXxOUTPUT`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        var parts: [UInt32] = []
        for piece in text.split(separator: "x", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.count <= 8, piece.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let value = UInt32(piece)
            else { return nil }
            parts.append(value)
        }
        guard parts.count == 3 else { return nil }
        self.init(block: parts[0], transaction: parts[1], output: parts[2])
    }

    public var block: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 40) }
    public var transactionIndex: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) & 0xff_ffff }
    public var outputIndex: UInt32 { UInt32(truncatingIfNeeded: rawValue) & 0xffff }

    public var description: String { "\(block)x\(transactionIndex)x\(outputIndex)" }

    public static func < (lhs: ShortChannelId, rhs: ShortChannelId) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension ShortChannelId: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ShortChannelId(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not BLOCKxTXxOUTPUT")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
