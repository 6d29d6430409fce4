import ChanCrypto

/// The private keys our side signs with on a given commitment (ours or the peer's), derived
/// from our basepoint secrets as BOLT 3 "Key Derivation" says.
extension ChannelKeys {
    /// Signs for our HTLC key on the commitment with `perCommitmentPoint`: `ownerHTLCKey` on our
    /// commitment, `counterpartyHTLCKey` on the peer's.
    public func htlcKey(perCommitmentPoint: PublicKey) throws(CryptoError) -> PrivateKey {
        try KeyDerivation.privateKey(basepointSecret: htlcBasepointSecret, basepoint: basepoints.htlc, perCommitmentPoint: perCommitmentPoint)
    }

    /// Signs for `ownerDelayedKey` on our own commitment with `perCommitmentPoint`.
    public func delayedPaymentKey(perCommitmentPoint: PublicKey) throws(CryptoError) -> PrivateKey {
        try KeyDerivation.privateKey(basepointSecret: delayedPaymentBasepointSecret, basepoint: basepoints.delayedPayment, perCommitmentPoint: perCommitmentPoint)
    }

    /// Signs for `revocationKey` on the peer's commitment once the peer revealed its
    /// per-commitment secret (in `revoke_and_ack`).
    public func revocationKey(perCommitmentSecret: [UInt8]) throws(CryptoError) -> PrivateKey {
        try KeyDerivation.revocationPrivateKey(
            revocationBasepointSecret: revocationBasepointSecret,
            perCommitmentSecret: try PrivateKey(secretBytes: perCommitmentSecret))
    }
}
