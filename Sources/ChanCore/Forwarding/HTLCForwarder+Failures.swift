import ChanLedger

/// A forward that failed downstream fails the incoming HTLC with what came back, made readable
/// for the sender only (BOLT 4 "Returning Errors").
extension HTLCForwarder {
    /// The `reason` for the incoming HTLC's `update_fail_htlc` when the next node failed ours
    /// with `reason`: its packet with our layer of obfuscation on top (the sender peels one per
    /// hop; we cannot read it).
    public static func relayFailure(_ reason: [UInt8], sharedSecret: OnionSharedSecret) -> [UInt8] {
        OnionErrorPacket.obfuscate(reason, sharedSecret: sharedSecret)
    }

    /// The `reason` for the incoming HTLC's `update_fail_htlc` when the next node could not read
    /// the onion we sent and answered `update_fail_malformed_htlc`: it shares no secret with the
    /// sender, so we create the failure, with its code and `sha256_of_onion` (BOLT 2), and the
    /// sender reads it as coming from us, about the next node.
    public static func relayMalformed(sha256OfOnion: Hash32, failureCode: UInt16, sharedSecret: OnionSharedSecret) -> [UInt8] {
        OnionErrorPacket.reason(OnionFailure(malformedCode: failureCode, sha256OfOnion: sha256OfOnion), sharedSecret: sharedSecret)
    }
}
