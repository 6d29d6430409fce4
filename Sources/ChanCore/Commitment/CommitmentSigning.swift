import ChanCrypto
import ChanLedger

/// Signatures over ledger sighashes, and the witnesses that turn the unsigned commitment and
/// HTLC transactions into ones the ledger accepts. Each witness path names which key signs
/// (see `Witness` and `OutputCondition`): the owner is "local", the counterparty "remote".
public enum CommitmentSigning {
    /// A signature of `transaction.sighash(inputIndex:)`, which commits to every input and output.
    public static func sign(_ transaction: Transaction, inputIndex: Int, with key: PrivateKey) throws(CryptoError) -> Signature {
        try key.sign(digest: transaction.sighash(inputIndex: inputIndex))
    }

    public static func verify(_ signature: Signature, on transaction: Transaction, inputIndex: Int, by key: PublicKey) -> Bool {
        key.verify(signature, digest: transaction.sighash(inputIndex: inputIndex))
    }

    /// Adds the funding witness (.multisig in the sorted-key order of the funding condition).
    /// `signatures` holds exactly the two funding keys' signatures; each must verify.
    public static func finalizeCommitment(_ transaction: Transaction, signatures: [PublicKey: Signature]) throws(CommitmentError) -> Transaction {
        try finalizeCommitment(transaction, signatures: signatures, verifying: true)
    }

    /// `finalizeCommitment` for signatures known to verify: ours, just made over this very
    /// transaction, and the peer's, checked when its `commitment_signed` arrived (a
    /// `LocalCommitment` holds only a verified one). Two signature checks fewer per commitment.
    public static func finalizeCommitment(_ transaction: Transaction, verifiedSignatures signatures: [PublicKey: Signature]) throws(CommitmentError) -> Transaction {
        try finalizeCommitment(transaction, signatures: signatures, verifying: false)
    }

    private static func finalizeCommitment(_ transaction: Transaction, signatures: [PublicKey: Signature], verifying: Bool) throws(CommitmentError) -> Transaction {
        guard transaction.inputs.count == 1 else { throw .notACommitment(inputCount: transaction.inputs.count) }
        guard signatures.count == 2 else { throw .signatureCount(signatures.count) }
        let ordered = signatures.sorted { $0.key.compressed.lexicographicallyPrecedes($1.key.compressed) }
        for (key, signature) in ordered where verifying && !verify(signature, on: transaction, inputIndex: 0, by: key) {
            throw .invalidSignature(key)
        }
        var signed = transaction
        signed.inputs[0].witness = .multisig(ordered[0].value, ordered[1].value)
        return signed
    }

    /// The owner's HTLC-timeout: both HTLC keys sign (`offeredTimeout`); the counterparty's
    /// signature came with `commitment_signed`. Valid from height `cltv_expiry` (its locktime).
    /// Signatures are not checked here (use `verify` / `verifyHTLCSignatures`); given a `.success`
    /// transaction the witness would not match the output it spends.
    public static func finalizeHTLCTimeout(_ htlcTransaction: HTLCTransaction, ownerSignature: Signature, counterpartySignature: Signature) -> Transaction {
        var signed = htlcTransaction.transaction
        signed.inputs[0].witness = .offeredTimeout(localSignature: ownerSignature, remoteSignature: counterpartySignature)
        return signed
    }

    /// The owner's HTLC-success: both HTLC keys sign and the preimage opens the hash lock
    /// (`receivedPreimage`). Expects a `.success` transaction; signatures are not checked here.
    public static func finalizeHTLCSuccess(_ htlcTransaction: HTLCTransaction, ownerSignature: Signature, counterpartySignature: Signature, preimage: Preimage) -> Transaction {
        var signed = htlcTransaction.transaction
        signed.inputs[0].witness = .receivedPreimage(localSignature: ownerSignature, remoteSignature: counterpartySignature, preimage: preimage)
        return signed
    }

    /// Checks the counterparty's signatures on the owner's HTLC transactions (one per HTLC
    /// output, in output order, as `commitment_signed` carries them) with the counterparty's
    /// HTLC key of that commitment. Returns the first failing key as an error.
    public static func verifyHTLCSignatures(_ signatures: [Signature], for htlcTransactions: [HTLCTransaction], keys: CommitmentKeys) throws(CommitmentError) {
        guard signatures.count == htlcTransactions.count else {
            throw .htlcSignatureCount(expected: htlcTransactions.count, actual: signatures.count)
        }
        for (signature, htlcTransaction) in zip(signatures, htlcTransactions)
        where !verify(signature, on: htlcTransaction.transaction, inputIndex: 0, by: keys.counterpartyHTLCKey) {
            throw .invalidSignature(keys.counterpartyHTLCKey)
        }
    }
}
