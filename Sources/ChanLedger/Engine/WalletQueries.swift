/// What a wallet asks of the ledger, given the conditions it can spend (its `key` outputs).
extension Ledger {
    /// Confirmed outputs paying `conditions` that no mempool transaction spends: the coins a
    /// payment may use now.
    public func spendableOutputs(paying conditions: Set<OutputCondition>) throws -> [UnspentOutput] {
        var spendable: [UnspentOutput] = []
        for utxo in try store.unspentOutputs(paying: conditions) where try store.mempoolSpender(of: utxo.outPoint) == nil {
            spendable.append(utxo)
        }
        return spendable
    }

    /// `confirmed`: the spendable outputs; `unconfirmed`: outputs paying `conditions` in
    /// mempool transactions (incoming payments, change, mints).
    public func balance(of conditions: Set<OutputCondition>) throws -> (confirmed: Satoshi, unconfirmed: Satoshi) {
        var confirmed = Satoshi.zero
        for utxo in try spendableOutputs(paying: conditions) { confirmed = try confirmed.adding(utxo.amount) }
        var unconfirmed = Satoshi.zero
        for transaction in try store.mempoolTransactions() {
            for output in transaction.outputs where conditions.contains(output.condition) {
                unconfirmed = try unconfirmed.adding(output.amount)
            }
        }
        return (confirmed, unconfirmed)
    }
}
