import ChanCrypto

/// A byte string whose length the format fixes (a channel id, a hash, a signature, ...).
///
/// Conforming types store their bytes and check the count in their only initializer, so a
/// value that exists always has `byteCount` bytes and writing it cannot produce a
/// malformed message. They print and encode to JSON as lower-case hex.
public protocol FixedSizeBytes: Hashable, Sendable, Codable, CustomStringConvertible {
    static var byteCount: Int { get }
    /// The spec's name for the type, for error messages (`channel_id`, `point`, ...).
    static var fieldName: String { get }
    var bytes: [UInt8] { get }
    /// Throws `WireError.invalidLength` unless `bytes.count == byteCount`.
    init(_ bytes: [UInt8]) throws(WireError)
}

extension FixedSizeBytes {
    /// The length check every conforming initializer runs.
    static func checkedLength(_ bytes: [UInt8]) throws(WireError) -> [UInt8] {
        guard bytes.count == byteCount else {
            throw .invalidLength(field: fieldName, expected: "\(byteCount)", actual: bytes.count)
        }
        return bytes
    }

    /// Parses lower- or upper-case hex of exactly `byteCount` bytes.
    public init(hex: String) throws(WireError) {
        guard let bytes = Hex.decode(hex) else {
            throw .invalidValue(field: Self.fieldName, reason: "not hex")
        }
        try self.init(bytes)
    }

    /// All bytes zero, e.g. the `channel_id` of an error that concerns every channel.
    public static var zero: Self {
        // Cannot throw: the count is exactly byteCount.
        try! Self([UInt8](repeating: 0, count: byteCount))
    }

    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
