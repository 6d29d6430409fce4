import ChanLedger

/// Which second-stage transaction spends an HTLC output of the owner's commitment.
public enum HTLCTransactionKind: String, Hashable, Sendable, Codable {
    /// Spends an HTLC the owner offered, once it expired (locktime = cltv_expiry).
    case timeout
    /// Spends an HTLC the owner received, with its preimage.
    case success
}

/// An HTLC-timeout or HTLC-success transaction (BOLT 3), unsigned.
public struct HTLCTransaction: Hashable, Sendable {
    /// Unsigned; spends commitment output `htlc.outputIndex`; pays
    /// `to_local(revocationKey, ownerDelayedKey, toSelfDelay)`.
    public let transaction: Transaction
    public let htlc: HTLCOutput
    /// offered -> timeout (locktime = cltv_expiry, amount - timeout fee);
    /// received -> success (locktime 0, amount - success fee).
    public let kind: HTLCTransactionKind

    /// Built by `HTLCTransactions.build(for:feeratePerKw:toSelfDelay:)` only.
    init(transaction: Transaction, htlc: HTLCOutput, kind: HTLCTransactionKind) {
        self.transaction = transaction
        self.htlc = htlc
        self.kind = kind
    }
}

/// BOLT 3 "HTLC-Timeout and HTLC-Success Transactions". They move an HTLC off the commitment
/// into an output that is delayed and revocable like `to_local`, so that an HTLC can resolve
/// before `to_self_delay` has passed without escaping the penalty. The counterparty signs them
/// along with each commitment (`commitment_signed` carries one signature per HTLC output).
public enum HTLCTransactions {
    /// One second-stage transaction per HTLC output of `commitment`, in output order.
    ///
    /// `feeratePerKw` should be the commitment's own (`commitment.feeratePerKw`): trimming
    /// guaranteed every HTLC output covers that fee plus the dust limit. With a higher feerate
    /// the fee is capped at the HTLC amount (the output is then empty and the ledger refuses the
    /// transaction) rather than wrapping.
    public static func build(for commitment: CommitmentTransaction, feeratePerKw: UInt32, toSelfDelay: UInt16) -> [HTLCTransaction] {
        let commitmentTxID = commitment.transaction.txid
        let destination = commitment.keys.toLocalCondition(toSelfDelay: toSelfDelay)
        return commitment.htlcOutputs.map { htlcOutput in
            let htlc = htlcOutput.htlc
            let kind: HTLCTransactionKind
            let locktime: UInt32
            switch htlc.direction {
            case .offered: (kind, locktime) = (.timeout, htlc.cltvExpiry)
            case .received: (kind, locktime) = (.success, 0)
            }
            let amount = commitment.transaction.outputs[htlcOutput.outputIndex].amount
            let fee = CommitmentFees.secondStageFee(for: htlc, feeratePerKw: feeratePerKw)
            let remaining = (try? amount.subtracting(fee)) ?? .zero
            let transaction = Transaction(
                inputs: [TxInput(previousOutput: OutPoint(txid: commitmentTxID, index: UInt32(htlcOutput.outputIndex)))],
                outputs: [TxOutput(amount: remaining, condition: destination)],
                locktime: locktime)
            return HTLCTransaction(transaction: transaction, htlc: htlcOutput, kind: kind)
        }
    }
}
