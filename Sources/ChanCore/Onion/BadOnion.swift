/// An onion this node cannot even decrypt: the reply is `update_fail_malformed_htlc` with
/// `failureCode` and `sha256OfOnion`, and the previous hop, which shares no secret with
/// the sender either, turns it into an `update_fail_htlc` carrying `failure`.
public enum BadOnion: Hashable, Sendable {
    /// The version byte is not 0.
    case invalidVersion(sha256OfOnion: Hash32)
    /// The HMAC does not match: the packet or the associated data was altered.
    case invalidHMAC(sha256OfOnion: Hash32)
    /// The ephemeral key is not a valid point.
    case invalidKey(sha256OfOnion: Hash32)

    public var sha256OfOnion: Hash32 {
        switch self {
        case .invalidVersion(let hash), .invalidHMAC(let hash), .invalidKey(let hash): hash
        }
    }

    /// The failure as the sender will read it.
    public var failure: OnionFailure {
        switch self {
        case .invalidVersion(let hash): .invalidOnionVersion(sha256OfOnion: hash)
        case .invalidHMAC(let hash): .invalidOnionHMAC(sha256OfOnion: hash)
        case .invalidKey(let hash): .invalidOnionKey(sha256OfOnion: hash)
        }
    }

    /// The BADONION code for `update_fail_malformed_htlc`.
    public var failureCode: UInt16 { failure.code }
}
