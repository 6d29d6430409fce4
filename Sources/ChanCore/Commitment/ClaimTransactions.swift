import ChanCrypto
import ChanLedger

/// An output some claim may spend: where it is and what it holds.
public struct SpendableOutput: Hashable, Sendable {
    public let outPoint: OutPoint
    public let output: TxOutput

    public init(outPoint: OutPoint, output: TxOutput) {
        self.outPoint = outPoint
        self.output = output
    }

    /// Every output of `transaction`.
    public static func all(of transaction: Transaction) -> [SpendableOutput] {
        let txid = transaction.txid
        return transaction.outputs.enumerated().map { index, output in
            SpendableOutput(outPoint: OutPoint(txid: txid, index: UInt32(index)), output: output)
        }
    }
}

/// BOLT 5 on the toy ledger: the transactions that move channel outputs left on the ledger by a
/// force close or a breach into a destination of the caller's choosing (usually the wallet).
///
/// Each checks that the output has the condition and the key its spending path needs, pays a
/// fee of `feerate_per_kw * weight / 1000` (weights in `ClaimWeights`), and refuses to make an
/// output below `dustLimit`. Timelocks are the ledger's to enforce: a delayed sweep is valid
/// `to_self_delay` blocks after the output confirmed, a timeout claim from `cltv_expiry` on.
public enum ClaimTransactions {
    /// The ledger's dust limit: no claim pays out less.
    public static let dustLimit = LedgerRules.dustLimit

    /// Sweeps the owner's to_local (or a second-stage HTLC output, same condition) after its
    /// delay with the delayed key.
    public static func sweepDelayed(outPoint: OutPoint, output: TxOutput, delayedKey: PrivateKey, destination: OutputCondition,
                                    feeratePerKw: UInt32) throws(CommitmentError) -> Transaction {
        guard case .toLocal(_, let expectedKey, _) = output.condition else {
            throw .unexpectedCondition(expected: "to_local", actual: output.condition.kind)
        }
        try require(delayedKey, is: expectedKey)
        return try claim(outPoint: outPoint, output: output, witnessWeight: ClaimWeights.toLocalDelayedWitness,
                         signingKey: delayedKey, destination: destination, feeratePerKw: feeratePerKw, locktime: 0) { .delayed($0) }
    }

    /// On the counterparty's commitment: claim an HTLC it offered us with the preimage (our htlc
    /// key signs: we are the condition's remote side).
    public static func claimOfferedHTLCWithPreimage(outPoint: OutPoint, output: TxOutput, htlcKey: PrivateKey, preimage: Preimage,
                                                    destination: OutputCondition, feeratePerKw: UInt32) throws(CommitmentError) -> Transaction {
        guard case .offeredHTLC(_, _, let remoteKey, let paymentHash) = output.condition else {
            throw .unexpectedCondition(expected: "offered_htlc", actual: output.condition.kind)
        }
        try require(htlcKey, is: remoteKey)
        guard preimage.hash == paymentHash else { throw .wrongPreimage(paymentHash) }
        return try claim(outPoint: outPoint, output: output, witnessWeight: ClaimWeights.offeredHTLCPreimageWitness,
                         signingKey: htlcKey, destination: destination, feeratePerKw: feeratePerKw, locktime: 0) {
            .offeredPreimage(remoteSignature: $0, preimage: preimage)
        }
    }

    /// On the counterparty's commitment: take back an HTLC we offered after its expiry
    /// (receivedTimeout; locktime = cltv_expiry).
    public static func claimReceivedHTLCAfterTimeout(outPoint: OutPoint, output: TxOutput, htlcKey: PrivateKey,
                                                     destination: OutputCondition, feeratePerKw: UInt32) throws(CommitmentError) -> Transaction {
        guard case .receivedHTLC(_, _, let remoteKey, _, let cltvExpiry) = output.condition else {
            throw .unexpectedCondition(expected: "received_htlc", actual: output.condition.kind)
        }
        try require(htlcKey, is: remoteKey)
        return try claim(outPoint: outPoint, output: output, witnessWeight: ClaimWeights.receivedHTLCTimeoutWitness,
                         signingKey: htlcKey, destination: destination, feeratePerKw: feeratePerKw, locktime: cltvExpiry) {
            .receivedTimeout(remoteSignature: $0)
        }
    }

    /// Sweeps the to_remote (key) output paid to us, if the caller wants it moved to the wallet.
    public static func sweepKey(outPoint: OutPoint, output: TxOutput, key: PrivateKey, destination: OutputCondition,
                                feeratePerKw: UInt32) throws(CommitmentError) -> Transaction {
        guard case .key(let expectedKey) = output.condition else {
            throw .unexpectedCondition(expected: "key", actual: output.condition.kind)
        }
        try require(key, is: expectedKey)
        return try claim(outPoint: outPoint, output: output, witnessWeight: ClaimWeights.keyWitness,
                         signingKey: key, destination: destination, feeratePerKw: feeratePerKw, locktime: 0) { .keySignature($0) }
    }

    /// Penalty: spends, in one transaction, every output of `transaction` whose condition has
    /// `revocationKey.publicKey` as its revocation key (to_local, offered and received HTLCs of a
    /// revoked commitment, or the to_local output of a second-stage HTLC transaction built on
    /// it). Nil if there is nothing to take or the fee would eat it all.
    public static func penalty(spending transaction: Transaction, revocationKey: PrivateKey, destination: OutputCondition,
                               feeratePerKw: UInt32) throws(CommitmentError) -> Transaction? {
        try penalty(spending: SpendableOutput.all(of: transaction), revocationKey: revocationKey,
                    destination: destination, feeratePerKw: feeratePerKw)
    }

    /// Penalty over outputs of any transactions, e.g. what is left of a revoked commitment plus
    /// the outputs of second-stage HTLC transactions the cheater published. Outputs not
    /// revocable with `revocationKey` are skipped. Nil if there is nothing to take or the fee
    /// would leave less than `dustLimit`.
    public static func penalty(spending candidates: [SpendableOutput], revocationKey: PrivateKey, destination: OutputCondition,
                               feeratePerKw: UInt32) throws(CommitmentError) -> Transaction? {
        let revocationPublicKey = revocationKey.publicKey
        var taken: [(spendable: SpendableOutput, witnessWeight: UInt64)] = []
        for candidate in candidates {
            if let weight = revocationWitnessWeight(of: candidate.output.condition, revocationKey: revocationPublicKey) {
                taken.append((candidate, weight))
            }
        }
        guard !taken.isEmpty else { return nil }

        var total = Satoshi.zero
        for entry in taken {
            total = try checkedAmount { () throws(AmountError) in try total.adding(entry.spendable.output.amount) }
        }
        let fee = CommitmentFees.fee(feeratePerKw: feeratePerKw, weight: ClaimWeights.transaction(witnessWeights: taken.map(\.witnessWeight)))
        guard let amount = try payout(from: total, fee: fee) else { return nil }

        var penalty = Transaction(
            inputs: taken.map { TxInput(previousOutput: $0.spendable.outPoint) },
            outputs: [TxOutput(amount: amount, condition: destination)])
        // Every signature covers the whole unsigned transaction, so sign only once it is complete.
        let unsigned = penalty
        for index in penalty.inputs.indices {
            let signature = try checkedCrypto { () throws(CryptoError) in
                try CommitmentSigning.sign(unsigned, inputIndex: index, with: revocationKey)
            }
            penalty.inputs[index].witness = .revocation(signature)
        }
        return penalty
    }

    /// The weight of the revocation witness spending `condition`, or nil if `condition` is not
    /// revocable with `revocationKey`.
    private static func revocationWitnessWeight(of condition: OutputCondition, revocationKey: PublicKey) -> UInt64? {
        switch condition {
        case .toLocal(let key, _, _):
            key == revocationKey ? ClaimWeights.toLocalRevocationWitness : nil
        case .offeredHTLC(let key, _, _, _):
            key == revocationKey ? ClaimWeights.offeredHTLCRevocationWitness : nil
        case .receivedHTLC(let key, _, _, _, _):
            key == revocationKey ? ClaimWeights.receivedHTLCRevocationWitness : nil
        case .key, .multisig2:
            nil
        }
    }

    /// A one-input, one-output claim signed by `signingKey`.
    private static func claim(outPoint: OutPoint, output: TxOutput, witnessWeight: UInt64, signingKey: PrivateKey,
                              destination: OutputCondition, feeratePerKw: UInt32, locktime: UInt32,
                              witness: (Signature) -> Witness) throws(CommitmentError) -> Transaction {
        let fee = CommitmentFees.fee(feeratePerKw: feeratePerKw, weight: ClaimWeights.transaction(witnessWeights: [witnessWeight]))
        guard let amount = try payout(from: output.amount, fee: fee) else {
            throw .claimBelowDust(amount: output.amount, fee: fee, dustLimit: dustLimit)
        }
        var transaction = Transaction(
            inputs: [TxInput(previousOutput: outPoint)],
            outputs: [TxOutput(amount: amount, condition: destination)],
            locktime: locktime)
        let signature = try checkedCrypto { () throws(CryptoError) in
            try CommitmentSigning.sign(transaction, inputIndex: 0, with: signingKey)
        }
        transaction.inputs[0].witness = witness(signature)
        return transaction
    }

    /// What is left of `total` after `fee`, or nil if that would be below `dustLimit`.
    private static func payout(from total: Satoshi, fee: Satoshi) throws(CommitmentError) -> Satoshi? {
        guard let needed = try? fee.adding(dustLimit), total >= needed else { return nil }
        return try checkedAmount { () throws(AmountError) in try total.subtracting(fee) }
    }

    private static func require(_ key: PrivateKey, is expected: PublicKey) throws(CommitmentError) {
        let actual = key.publicKey
        guard actual == expected else { throw .wrongKey(expected: expected, actual: actual) }
    }
}
