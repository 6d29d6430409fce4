import ChanCrypto

/// What an input presents to satisfy the condition of the output it spends; each case is one
/// spending path of one `OutputCondition`.
public enum Witness: Hashable, Sendable {
    /// `key`: the key's signature.
    case keySignature(Signature)
    /// `multisig2`: signatures in the order of the condition's (sorted) keys.
    case multisig(Signature, Signature)
    /// `toLocal`, `offeredHTLC`, `receivedHTLC`: the revocation key's signature (penalty).
    case revocation(Signature)
    /// `toLocal`: the delayed key's signature, valid `toSelfDelay` blocks after confirmation.
    case delayed(Signature)
    /// `offeredHTLC`: the remote HTLC key's signature and the preimage (the payee claims).
    case offeredPreimage(remoteSignature: Signature, preimage: Preimage)
    /// `offeredHTLC`: both HTLC keys' signatures (the HTLC-timeout transaction; its locktime
    /// carries the CLTV expiry, which the remote side checked before signing).
    case offeredTimeout(localSignature: Signature, remoteSignature: Signature)
    /// `receivedHTLC`: both HTLC keys' signatures and the preimage (the HTLC-success transaction).
    case receivedPreimage(localSignature: Signature, remoteSignature: Signature, preimage: Preimage)
    /// `receivedHTLC`: the remote HTLC key's signature, valid from `cltvExpiry` on (refund).
    case receivedTimeout(remoteSignature: Signature)

    public var kind: String {
        switch self {
        case .keySignature: "key_signature"
        case .multisig: "multisig"
        case .revocation: "revocation"
        case .delayed: "delayed"
        case .offeredPreimage: "offered_preimage"
        case .offeredTimeout: "offered_timeout"
        case .receivedPreimage: "received_preimage"
        case .receivedTimeout: "received_timeout"
        }
    }
}
