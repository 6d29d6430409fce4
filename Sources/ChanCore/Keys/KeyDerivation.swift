import ChanCrypto

/// BOLT 3 "Key Derivation": the per-commitment keys of a commitment transaction from each
/// side's basepoints and the commitment's per-commitment point.
public enum KeyDerivation {
    /// `basepoint + SHA256(per_commitment_point || basepoint)·G`: localpubkey, remotepubkey,
    /// the HTLC keys and the delayed keys.
    public static func publicKey(basepoint: PublicKey, perCommitmentPoint: PublicKey) throws(CryptoError) -> PublicKey {
        try basepoint.addingTweak(SHA256.hash(perCommitmentPoint.compressed + basepoint.compressed))
    }

    /// The secret of `publicKey(basepoint:perCommitmentPoint:)`; `basepoint` is the secret's
    /// public key, when the caller has it already.
    public static func privateKey(basepointSecret: PrivateKey, basepoint: PublicKey? = nil, perCommitmentPoint: PublicKey) throws(CryptoError) -> PrivateKey {
        let basepoint = basepoint ?? basepointSecret.publicKey
        return try basepointSecret.addingTweak(SHA256.hash(perCommitmentPoint.compressed + basepoint.compressed))
    }

    /// `revocation_basepoint·SHA256(revocation_basepoint || pcp) + pcp·SHA256(pcp || revocation_basepoint)`:
    /// only someone holding both the revocation basepoint secret and the per-commitment secret
    /// can sign for it, i.e. the peer once the owner has revoked the commitment.
    public static func revocationPublicKey(revocationBasepoint: PublicKey, perCommitmentPoint: PublicKey) throws(CryptoError) -> PublicKey {
        let basepointTweak = SHA256.hash(revocationBasepoint.compressed + perCommitmentPoint.compressed)
        let pointTweak = SHA256.hash(perCommitmentPoint.compressed + revocationBasepoint.compressed)
        return try PublicKey.combine([
            revocationBasepoint.multipliedByTweak(basepointTweak),
            perCommitmentPoint.multipliedByTweak(pointTweak),
        ])
    }

    /// The secret of `revocationPublicKey`, computable once the per-commitment secret is revealed.
    public static func revocationPrivateKey(revocationBasepointSecret: PrivateKey, perCommitmentSecret: PrivateKey) throws(CryptoError) -> PrivateKey {
        let basepoint = revocationBasepointSecret.publicKey.compressed
        let point = perCommitmentSecret.publicKey.compressed
        let left = try revocationBasepointSecret.multipliedByTweak(SHA256.hash(basepoint + point))
        let right = try perCommitmentSecret.multipliedByTweak(SHA256.hash(point + basepoint))
        return try left.addingTweak(right.secretBytes)
    }
}
