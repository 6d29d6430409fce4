import ChanCrypto
import ChanLedger

/// The public keys of one commitment transaction (BOLT 3 "Key Derivation"), from the point of
/// view of its owner: the side that holds it and whose outputs are delayed and revocable.
public struct CommitmentKeys: Hashable, Sendable {
    /// The owner's per-commitment point for this commitment number.
    public let perCommitmentPoint: PublicKey
    /// BOLT 3 `revocationpubkey`: the counterparty's revocation basepoint blinded with the
    /// owner's point; its secret becomes computable once the owner reveals the point's secret.
    public let revocationKey: PublicKey
    /// BOLT 3 `local_delayedpubkey`: the owner's delayed_payment basepoint + point.
    public let ownerDelayedKey: PublicKey
    /// BOLT 3 `local_htlcpubkey`: the owner's htlc basepoint + point.
    public let ownerHTLCKey: PublicKey
    /// BOLT 3 `remote_htlcpubkey`: the counterparty's htlc basepoint + point.
    public let counterpartyHTLCKey: PublicKey
    /// The `to_remote` key: with `option_static_remotekey`, the counterparty's payment
    /// basepoint as is, so the counterparty can sweep it without knowing the point.
    public let counterpartyPaymentKey: PublicKey

    public init(perCommitmentPoint: PublicKey, revocationKey: PublicKey, ownerDelayedKey: PublicKey,
                ownerHTLCKey: PublicKey, counterpartyHTLCKey: PublicKey, counterpartyPaymentKey: PublicKey) {
        self.perCommitmentPoint = perCommitmentPoint
        self.revocationKey = revocationKey
        self.ownerDelayedKey = ownerDelayedKey
        self.ownerHTLCKey = ownerHTLCKey
        self.counterpartyHTLCKey = counterpartyHTLCKey
        self.counterpartyPaymentKey = counterpartyPaymentKey
    }

    /// The keys of the owner's commitment whose per-commitment point is `perCommitmentPoint`.
    /// Both sides compute the same keys: the owner for its own commitment, the counterparty
    /// for the commitment it signs for the owner.
    /// Memoized (four point operations; a commitment round derives the same keys several times).
    public static func derive(owner: Basepoints, counterparty: Basepoints, perCommitmentPoint: PublicKey) throws(CryptoError) -> CommitmentKeys {
        let inputs = DerivationInputs(owner: owner, counterparty: counterparty, perCommitmentPoint: perCommitmentPoint)
        return try DerivationCaches.commitmentKeys.value(for: inputs) { () throws(CryptoError) in
            try compute(owner: owner, counterparty: counterparty, perCommitmentPoint: perCommitmentPoint)
        }
    }

    struct DerivationInputs: Hashable, Sendable {
        let owner: Basepoints
        let counterparty: Basepoints
        let perCommitmentPoint: PublicKey
    }

    private static func compute(owner: Basepoints, counterparty: Basepoints, perCommitmentPoint: PublicKey) throws(CryptoError) -> CommitmentKeys {
        CommitmentKeys(
            perCommitmentPoint: perCommitmentPoint,
            revocationKey: try KeyDerivation.revocationPublicKey(
                revocationBasepoint: counterparty.revocation, perCommitmentPoint: perCommitmentPoint),
            ownerDelayedKey: try KeyDerivation.publicKey(basepoint: owner.delayedPayment, perCommitmentPoint: perCommitmentPoint),
            ownerHTLCKey: try KeyDerivation.publicKey(basepoint: owner.htlc, perCommitmentPoint: perCommitmentPoint),
            counterpartyHTLCKey: try KeyDerivation.publicKey(basepoint: counterparty.htlc, perCommitmentPoint: perCommitmentPoint),
            counterpartyPaymentKey: counterparty.payment)
    }
}

extension CommitmentKeys {
    /// The owner's `to_local`, and the output of each of its second-stage HTLC transactions:
    /// revocable at once by the counterparty, spendable by the owner after `toSelfDelay`.
    public func toLocalCondition(toSelfDelay: UInt16) -> OutputCondition {
        .toLocal(revocationKey: revocationKey, delayedKey: ownerDelayedKey, toSelfDelay: toSelfDelay)
    }

    /// The counterparty's `to_remote`: immediately its own.
    public var toRemoteCondition: OutputCondition { .key(counterpartyPaymentKey) }

    /// The output of an untrimmed HTLC; `htlc.direction` is seen from the owner.
    public func condition(for htlc: CommitmentHTLC) -> OutputCondition {
        switch htlc.direction {
        case .offered:
            .offeredHTLC(revocationKey: revocationKey, localHTLCKey: ownerHTLCKey,
                         remoteHTLCKey: counterpartyHTLCKey, paymentHash: htlc.paymentHash)
        case .received:
            .receivedHTLC(revocationKey: revocationKey, localHTLCKey: ownerHTLCKey,
                          remoteHTLCKey: counterpartyHTLCKey, paymentHash: htlc.paymentHash, cltvExpiry: htlc.cltvExpiry)
        }
    }
}
