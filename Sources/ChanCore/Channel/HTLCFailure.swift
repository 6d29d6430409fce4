/// Why one of our HTLCs failed, as the channel learned it.
public enum HTLCFailure: Hashable, Sendable {
    /// The peer's `update_fail_htlc`: its `reason`, a failure onion only the sender can read
    /// (a forwarder wraps it for the sender with its own layer).
    case onion([UInt8])
    /// The peer's `update_fail_malformed_htlc`: it could not read the onion we sent it; the
    /// failure (`invalid_onion_hmac`, ...) is ours to create for whoever sent it to us.
    case malformed(sha256OfOnion: Hash32, failureCode: UInt16)
    /// Failed without a word from the peer: it was never signed before a disconnect, or it
    /// timed out on the ledger.
    case local(String)
}
