import ChanCrypto

/// Why a hop's payload is unusable. Each case names the record at fault where there is
/// one, so the failure returned (`invalid_onion_payload`) says which and where; offsets
/// count bytes from the start of the payload's TLV stream.
public enum HopPayloadError: CodedError, Equatable, Sendable {
    /// The frame's BigSize length is malformed, reserved (0 or 1), or runs past the packet.
    case invalidFrame
    /// The TLV framing is broken (non-minimal BigSize, out of order, length past the end).
    case malformedStream(WireError, offset: Int)
    /// An even record type this node does not understand.
    case unknownEvenType(UInt64, offset: Int)
    /// A known record whose value does not decode.
    case invalidRecord(type: UInt64, offset: Int, WireError)
    /// A record this role requires is absent.
    case missingRecord(type: UInt64)
    /// A record this role must not carry (`short_channel_id` at the final hop,
    /// `payment_data`, `payment_metadata` or a keysend preimage at a forwarding hop).
    case unexpectedRecord(type: UInt64, offset: Int)
    /// A route blinding record: this node does not support blinded paths.
    case routeBlindingUnsupported(type: UInt64, offset: Int)

    /// The failure the hop returns, encrypted with its shared secret.
    public var failure: OnionFailure {
        switch self {
        case .invalidFrame:
            .invalidOnionPayload(type: 0, offset: 0)
        case .malformedStream(_, let offset):
            .invalidOnionPayload(type: 0, offset: Self.clamped(offset))
        case .unknownEvenType(let type, let offset), .invalidRecord(let type, let offset, _),
             .unexpectedRecord(let type, let offset), .routeBlindingUnsupported(let type, let offset):
            .invalidOnionPayload(type: type, offset: Self.clamped(offset))
        case .missingRecord(let type):
            .invalidOnionPayload(type: type, offset: 0)
        }
    }

    private static func clamped(_ offset: Int) -> UInt16 { UInt16(clamping: offset) }

    public var code: String {
        switch self {
        case .invalidFrame: "onion_payload_invalid_frame"
        case .malformedStream: "onion_payload_malformed"
        case .unknownEvenType: "onion_payload_unknown_even_type"
        case .invalidRecord: "onion_payload_invalid_record"
        case .missingRecord: "onion_payload_missing_record"
        case .unexpectedRecord: "onion_payload_unexpected_record"
        case .routeBlindingUnsupported: "onion_payload_route_blinding_unsupported"
        }
    }

    public var message: String {
        switch self {
        case .invalidFrame:
            "the hop payload's length is malformed, reserved or past the end of the onion"
        case .malformedStream(let error, let offset):
            "the hop payload is not a valid TLV stream at byte \(offset): \(error.message)"
        case .unknownEvenType(let type, let offset):
            "the hop payload has unknown even TLV type \(type) at byte \(offset)"
        case .invalidRecord(let type, let offset, let error):
            "the hop payload's TLV type \(type) at byte \(offset) is invalid: \(error.message)"
        case .missingRecord(let type):
            "the hop payload lacks required TLV type \(type)"
        case .unexpectedRecord(let type, let offset):
            "the hop payload has TLV type \(type) at byte \(offset), which this hop's role forbids"
        case .routeBlindingUnsupported(let type, let offset):
            "the hop payload has route blinding TLV type \(type) at byte \(offset); blinded paths are not supported"
        }
    }
}
