import ChanCrypto

/// Why `Sphinx.build` refused a route. All are the sender's own mistakes (or, for the key
/// derivation, an event of probability about 2^-128), never something a peer sent.
public enum OnionBuildError: CodedError, Equatable, Sendable {
    /// A packet carries 1 to `Sphinx.maxHopCount` hops.
    case invalidHopCount(Int)
    /// BOLT 4 reserves payload lengths 0 and 1, so a hop would reject them.
    case payloadTooShort(hopIndex: Int, length: Int)
    /// The hops' frames (length, payload and HMAC each) do not fit the 1300 bytes.
    case payloadsTooLarge(total: Int, limit: Int)
    /// An ephemeral key or shared secret could not be derived for this hop.
    case keyDerivationFailed(hopIndex: Int)

    public var code: String {
        switch self {
        case .invalidHopCount: "onion_invalid_hop_count"
        case .payloadTooShort: "onion_payload_too_short"
        case .payloadsTooLarge: "onion_payloads_too_large"
        case .keyDerivationFailed: "onion_key_derivation_failed"
        }
    }

    public var message: String {
        switch self {
        case .invalidHopCount(let count):
            "an onion carries 1 to \(Sphinx.maxHopCount) hops, not \(count)"
        case .payloadTooShort(let hopIndex, let length):
            "the payload of hop \(hopIndex) has \(length) bytes; at least 2 are needed"
        case .payloadsTooLarge(let total, let limit):
            "the hop payloads take \(total) bytes, more than the \(limit) of an onion"
        case .keyDerivationFailed(let hopIndex):
            "no ephemeral key could be derived for hop \(hopIndex); use another session key"
        }
    }
}
