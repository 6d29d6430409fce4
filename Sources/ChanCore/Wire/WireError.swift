import ChanCrypto

/// Why bytes could not be decoded as (or a value could not be encoded into) a BOLT 1 message.
///
/// Every case means "close the connection" for bytes received from a peer, except where the
/// caller decides otherwise; the codes are stable so logs and tests can match on them.
public enum WireError: CodedError, Equatable, Sendable {
    /// Fewer bytes remain than the field needs.
    case truncated(needed: Int, remaining: Int)
    /// A BigSize or truncated integer used more bytes than its value needs.
    case nonMinimal(field: String)
    /// TLV types must be strictly increasing (which also rules out duplicates).
    case tlvOrder(previous: UInt64, next: UInt64)
    /// A message type that is even and not understood: the connection must be closed.
    case unknownEvenMessageType(UInt16)
    /// A TLV record type that is even and not understood by this stream.
    case unknownEvenTLVType(UInt64)
    /// The message (type included) would exceed the 65535-byte transport limit.
    case tooLong(length: Int, limit: Int)
    /// A fixed-size value, a length-prefixed field or a known TLV record has the wrong
    /// number of bytes. `expected` reads like "32", "at most 8" or "a multiple of 32".
    case invalidLength(field: String, expected: String, actual: Int)
    /// The bytes have the right shape but a value the format forbids.
    case invalidValue(field: String, reason: String)

    public var code: String {
        switch self {
        case .truncated: "wire_truncated"
        case .nonMinimal: "wire_non_minimal"
        case .tlvOrder: "wire_tlv_order"
        case .unknownEvenMessageType: "wire_unknown_even_type"
        case .unknownEvenTLVType: "wire_unknown_even_tlv"
        case .tooLong: "wire_too_long"
        case .invalidLength: "wire_invalid_length"
        case .invalidValue: "wire_invalid_value"
        }
    }

    public var message: String {
        switch self {
        case .truncated(let needed, let remaining):
            "the message ends early: \(needed) bytes needed, \(remaining) left"
        case .nonMinimal(let field):
            "\(field) is not minimally encoded"
        case .tlvOrder(let previous, let next):
            "TLV type \(next) follows type \(previous); types must be strictly increasing"
        case .unknownEvenMessageType(let type):
            "message type \(type) is even and unknown; the connection must be closed"
        case .unknownEvenTLVType(let type):
            "TLV type \(type) is even and unknown"
        case .tooLong(let length, let limit):
            "\(length) bytes exceed the limit of \(limit)"
        case .invalidLength(let field, let expected, let actual):
            "\(field) has \(actual) bytes; expected \(expected)"
        case .invalidValue(let field, let reason):
            "\(field) is invalid: \(reason)"
        }
    }
}
