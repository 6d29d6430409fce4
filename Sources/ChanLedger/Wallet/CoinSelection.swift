import ChanCrypto

/// An unsigned payment: what it spends, what it pays, and the fee and change that follow.
public struct PaymentDraft: Hashable, Sendable {
    /// Inputs without witnesses; output 0 pays the destination, output 1 (if any) is the change.
    public let transaction: Transaction
    /// What each input spends, in input order.
    public let spent: [UnspentOutput]
    /// Everything the transaction leaves to the miner, `changeToFee` included.
    public let fee: Satoshi
    /// Zero when the change would be dust and went to the fee instead.
    public let change: Satoshi
    /// The change below the dust limit that went to the fee (part of `fee`); zero when there
    /// is a change output or the coins matched amount plus fee exactly.
    public let changeToFee: Satoshi
}

/// Chooses coins for a payment. Pure: the caller passes the spendable coins (confirmed and
/// not spent in the mempool) and a fresh change condition.
public enum CoinSelection {
    /// Largest coins first until they cover the amount plus the fee, where the fee is the
    /// signed transaction's serialized size times `feeRate` (every input a `key` spend with a
    /// 64-byte signature, so the size is known before signing). A change output is added when
    /// the change is at least the dust limit; otherwise the remainder goes to the fee.
    public static func draft(
        paying amount: Satoshi, to destination: OutputCondition, from coins: [UnspentOutput],
        changeTo change: OutputCondition, feeRate: FeeRate
    ) throws(WalletError) -> PaymentDraft {
        do {
            return try select(paying: amount, to: destination, from: coins, changeTo: change, feeRate: feeRate)
        } catch let error as WalletError {
            throw error
        } catch {
            throw .amountOverflow  // only checked arithmetic throws anything else
        }
    }

    private static func select(
        paying amount: Satoshi, to destination: OutputCondition, from coins: [UnspentOutput],
        changeTo change: OutputCondition, feeRate: FeeRate
    ) throws -> PaymentDraft {
        guard amount >= LedgerRules.dustLimit else { throw WalletError.amountBelowDust(amount) }
        let ordered = coins.sorted { $0.amount != $1.amount ? $0.amount > $1.amount : $0.outPoint < $1.outPoint }
        var selected: [UnspentOutput] = []
        var total = Satoshi.zero
        var required = amount
        for coin in ordered.prefix(LedgerRules.maxInputs) {
            selected.append(coin)
            total = try total.adding(coin.amount)
            let inputs = selected.map { TxInput(previousOutput: $0.outPoint) }
            let payment = TxOutput(amount: amount, condition: destination)

            let withChange = Transaction(inputs: inputs, outputs: [payment, TxOutput(amount: .zero, condition: change)])
            let changeFee = try feeRate.fee(forSize: signedSize(withChange))
            let changeNeeds = try amount.adding(changeFee).adding(LedgerRules.dustLimit)
            if total >= changeNeeds {
                let changeAmount = try total.subtracting(amount).subtracting(changeFee)
                let transaction = Transaction(inputs: inputs, outputs: [payment, TxOutput(amount: changeAmount, condition: change)])
                return PaymentDraft(transaction: transaction, spent: selected, fee: changeFee, change: changeAmount, changeToFee: .zero)
            }

            let withoutChange = Transaction(inputs: inputs, outputs: [payment])
            let fee = try feeRate.fee(forSize: signedSize(withoutChange))
            required = try amount.adding(fee)
            if total >= required {
                let allFee = try total.subtracting(amount)
                return PaymentDraft(transaction: withoutChange, spent: selected, fee: allFee, change: .zero,
                                    changeToFee: try allFee.subtracting(fee))
            }
        }
        if selected.isEmpty {
            let fee = try feeRate.fee(forSize: signedSize(Transaction(inputs: [], outputs: [TxOutput(amount: amount, condition: destination)])))
            required = try amount.adding(fee)
        }
        throw WalletError.insufficientFunds(available: total, required: required)
    }

    /// The size of `transaction` once each input carries a `key` signature witness.
    public static func signedSize(_ transaction: Transaction) -> Int {
        // Unsigned, each input serializes a 1-byte "no witness" tag; signed, a 1-byte tag and
        // a 64-byte compact signature.
        transaction.serialized(includingWitnesses: true).count + 64 * transaction.inputs.count
    }
}

extension Transaction {
    /// Signs input `i` with `keys[i]` as a spend of a `key` condition (a `keySignature` witness
    /// over `sighash(inputIndex: i)`).
    public func signedForKeys(_ keys: [PrivateKey]) throws(CryptoError) -> Transaction {
        precondition(keys.count == inputs.count, "one key per input")
        var signed = self
        for index in inputs.indices {
            signed.inputs[index].witness = .keySignature(try keys[index].sign(digest: sighash(inputIndex: index)))
        }
        return signed
    }
}
