/// A BOLT 7 `short_channel_id`: the funding output's position on the ledger, packed into a
/// u64 as 3 bytes of block height, 3 bytes of transaction index and 2 bytes of output
/// index. Its text form (and JSON) is `BLOCKxTXxOUTPUT`, e.g. `539268x845x1`.
public struct ShortChannelID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Throws unless block and transaction index fit 24 bits.
    public init(block: UInt32, transactionIndex: UInt32, outputIndex: UInt16) throws(WireError) {
        guard block < 1 << 24 else {
            throw .invalidValue(field: "short_channel_id", reason: "block \(block) does not fit 24 bits")
        }
        guard transactionIndex < 1 << 24 else {
            throw .invalidValue(field: "short_channel_id", reason: "transaction index \(transactionIndex) does not fit 24 bits")
        }
        rawValue = UInt64(block) << 40 | UInt64(transactionIndex) << 16 | UInt64(outputIndex)
    }

    /// Parses `BLOCKxTXxOUTPUT` (decimal, each part within its bit width).
    public init(text: String) throws(WireError) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              let block = UInt32(parts[0]), let transaction = UInt32(parts[1]), let output = UInt16(parts[2])
        else {
            throw .invalidValue(field: "short_channel_id", reason: "'\(text)' is not BLOCKxTXxOUTPUT")
        }
        try self.init(block: block, transactionIndex: transaction, outputIndex: output)
    }

    public var block: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 40) }
    public var transactionIndex: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) & 0xff_ffff }
    public var outputIndex: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public var description: String { "\(block)x\(transactionIndex)x\(outputIndex)" }

    public static func < (lhs: ShortChannelID, rhs: ShortChannelID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension WireReader {
    public mutating func readShortChannelID() throws(WireError) -> ShortChannelID {
        ShortChannelID(rawValue: try readU64())
    }
}

extension WireWriter {
    public mutating func writeShortChannelID(_ id: ShortChannelID) {
        writeU64(id.rawValue)
    }
}
