/// Entry to the mempool: transactions submitted by anyone, and the faucet's mints.
extension Ledger {
    /// Checks that `transaction` would enter the mempool now, without adding it; returns its fee.
    public func check(_ transaction: Transaction) throws -> Satoshi {
        let txid = transaction.txid
        if try store.transaction(txid) != nil { throw LedgerError.alreadyKnown(txid) }
        switch transaction.kind {
        case .regular: break
        case .mint: throw LedgerError.mintNotAllowed
        case .coinbase: throw LedgerError.coinbaseNotAllowed
        }
        try TransactionValidation.checkInputList(transaction)
        let spent = try resolveInputs(of: transaction)
        for input in transaction.inputs {
            if let other = try store.mempoolSpender(of: input.previousOutput) {
                throw LedgerError.doubleSpend(input.previousOutput, conflicting: other)
            }
        }
        return try TransactionValidation.validate(transaction, spending: spent, nextHeight: try nextHeight())
    }

    /// Validates `transaction` at the next height and adds it to the mempool; returns its fee.
    /// Its inputs must be confirmed outputs that no block and no mempool transaction spends.
    @discardableResult
    public mutating func submit(_ transaction: Transaction) throws -> Satoshi {
        let fee = try check(transaction)
        try store.addToMempool(transaction)
        return fee
    }

    /// Mints `amount` to `condition` in a mint transaction that enters the mempool (the next
    /// block confirms it). Refused below the dust limit or past `Satoshi.maxMoney` in total.
    public mutating func faucet(to condition: OutputCondition, amount: Satoshi) throws -> Transaction {
        let serial = try store.nextMintSerial()
        let mint = Transaction(kind: .mint(serial: serial), inputs: [], outputs: [TxOutput(amount: amount, condition: condition)])
        let minted = try TransactionValidation.validateMint(mint)
        var total = try store.mintedTotal()
        for pending in try store.mempoolTransactions() {
            switch pending.kind {
            case .mint:
                for output in pending.outputs { total = try total.adding(output.amount) }
            case .regular, .coinbase: break
            }
        }
        guard let after = try? total.adding(minted), after <= .maxMoney else { throw LedgerError.maxMoneyExceeded }
        guard serial < UInt64.max else { throw LedgerError.invalidMint("no mint serials left") }
        try store.addToMempool(mint)
        try store.setNextMintSerial(serial + 1)
        return mint
    }

    /// What each input spends, from the UTXO set. An output that a block already spent, or that
    /// is still unconfirmed, or that never existed, gets its own error.
    func resolveInputs(of transaction: Transaction) throws -> [UnspentOutput] {
        var spent: [UnspentOutput] = []
        spent.reserveCapacity(transaction.inputs.count)
        for input in transaction.inputs {
            let outPoint = input.previousOutput
            if let utxo = try store.unspentOutput(outPoint) {
                spent.append(utxo)
                continue
            }
            guard let record = try store.transaction(outPoint.txid),
                  Int(outPoint.index) < record.transaction.outputs.count
            else { throw LedgerError.missingInput(outPoint) }
            switch record.status {
            case .mempool: throw LedgerError.inputUnconfirmed(outPoint)
            case .confirmed: throw LedgerError.inputSpent(outPoint)
            }
        }
        return spent
    }
}
