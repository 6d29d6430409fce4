import ChanCrypto

extension LedgerRules {
    /// Where fees go when the miner names no address: the BIP 341 "nothing up my sleeve" point,
    /// whose private key nobody knows. The fees stay in the UTXO set (the audit still adds up)
    /// but nobody can spend them.
    public static let unspendableMinerCondition = OutputCondition.key(
        // A constant that is a valid point (BIP 341's H with an even y).
        try! PublicKey(hex: "0250929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0"))
}

/// Mining: blocks on demand, like regtest's `generate`.
extension Ledger {
    /// Mines `count` blocks on the tip. The first takes every valid mempool transaction in
    /// arrival order (mints included) and, when they pay fees, a coinbase paying the fees to
    /// `miner`; the others are empty. Mempool transactions found invalid are dropped.
    @discardableResult
    public mutating func mine(
        blocks count: Int = 1, miner: OutputCondition = LedgerRules.unspendableMinerCondition
    ) throws -> [Block] {
        guard count >= 1, count <= LedgerRules.maxBlocksPerMine else { throw LedgerError.invalidBlockCount(count) }
        var blocks: [Block] = []
        for _ in 0..<count {
            let (block, invalid) = try blockTemplate(miner: miner)
            for txid in invalid { try store.removeFromMempool(txid) }
            try connect(block)
            blocks.append(block)
        }
        return blocks
    }

    /// The block the next `mine` would connect, and the mempool transactions it leaves out
    /// because they are no longer valid.
    public func blockTemplate(miner: OutputCondition) throws -> (block: Block, invalid: [TxID]) {
        let tip = try tip()
        let height = try nextHeight()
        var included: [Transaction] = []
        var invalid: [TxID] = []
        var spent = Set<OutPoint>()
        var fees = Satoshi.zero
        for transaction in try store.mempoolTransactions() {
            switch transaction.kind {
            case .coinbase:
                invalid.append(transaction.txid)
            case .mint:
                do {
                    _ = try TransactionValidation.validateMint(transaction)
                    included.append(transaction)
                } catch {
                    invalid.append(transaction.txid)
                }
            case .regular:
                // Only a rule the transaction breaks leaves it out; a store failure propagates.
                do {
                    let outPoints = transaction.inputs.map(\.previousOutput)
                    if let conflict = outPoints.first(where: spent.contains) {
                        throw LedgerError.inputSpent(conflict)
                    }
                    let inputs = try resolveInputs(of: transaction)
                    let fee = try TransactionValidation.validate(transaction, spending: inputs, nextHeight: height)
                    fees = try fees.adding(fee)
                    spent.formUnion(outPoints)
                    included.append(transaction)
                } catch is LedgerError {
                    invalid.append(transaction.txid)
                }
            }
        }
        if fees > .zero {
            let coinbase = Transaction(kind: .coinbase(height: height), inputs: [], outputs: [TxOutput(amount: fees, condition: miner)])
            included.insert(coinbase, at: 0)
        }
        return (Block(height: height, previousHash: tip.hash, transactions: included), invalid)
    }

    /// Validates `block` as the next block and applies it: its transactions are confirmed,
    /// the outputs they spend leave the UTXO set and theirs enter it at the block's height;
    /// mempool transactions that conflict with it are dropped.
    ///
    /// Block rules: it extends the tip; the transaction root matches; no transaction is already
    /// confirmed or appears twice; regular transactions follow `TransactionValidation` and spend
    /// outputs confirmed before this block, none twice; a mint is valid only as the faucet put it
    /// in the mempool; a coinbase, first and only when the block pays fees, pays exactly the fees.
    public mutating func connect(_ block: Block) throws {
        let tip = try tip()
        let height = try nextHeight()
        guard block.height == height else { throw LedgerError.invalidBlock("height \(block.height), expected \(height)") }
        guard block.header.previousHash == tip.hash else { throw LedgerError.invalidBlock("it does not extend the tip") }
        guard block.header.transactionRoot == BlockHeader.transactionRoot(of: block.transactions) else {
            throw LedgerError.invalidBlock("the transaction root does not match its transactions")
        }

        var seen = Set<TxID>()
        var spentBy: [OutPoint: TxID] = [:]
        var fees = Satoshi.zero
        var minted = Satoshi.zero
        var coinbase: Transaction?
        for (position, transaction) in block.transactions.enumerated() {
            let txid = transaction.txid
            guard seen.insert(txid).inserted else { throw LedgerError.invalidBlock("\(txid) appears twice") }
            let known = try store.transaction(txid)
            if case .confirmed = known?.status { throw LedgerError.alreadyKnown(txid) }
            switch transaction.kind {
            case .coinbase:
                guard position == 0 else { throw LedgerError.invalidCoinbase("it must be the block's first transaction") }
                coinbase = transaction
            case .mint:
                guard known?.status == .mempool, known?.transaction == transaction else {
                    throw LedgerError.invalidMint("mints come from the faucet only")
                }
                minted = try minted.adding(try TransactionValidation.validateMint(transaction))
            case .regular:
                try TransactionValidation.checkInputList(transaction)
                for input in transaction.inputs {
                    if let other = spentBy[input.previousOutput] {
                        throw LedgerError.doubleSpend(input.previousOutput, conflicting: other)
                    }
                    spentBy[input.previousOutput] = txid
                }
                let inputs = try resolveInputs(of: transaction)
                fees = try fees.adding(try TransactionValidation.validate(transaction, spending: inputs, nextHeight: height))
            }
        }
        if let coinbase {
            try TransactionValidation.validateCoinbase(coinbase, height: height, fees: fees)
        } else if fees > .zero {
            throw LedgerError.invalidCoinbase("the block pays \(fees.value) sat of fees but has no coinbase to collect them")
        }
        let mintedTotal = try store.mintedTotal().adding(minted)
        guard mintedTotal <= .maxMoney else { throw LedgerError.maxMoneyExceeded }

        try store.appendHeader(block.header)
        for (position, transaction) in block.transactions.enumerated() {
            let txid = transaction.txid
            for input in transaction.inputs {
                try store.removeUnspentOutput(input.previousOutput)
                if let other = try store.mempoolSpender(of: input.previousOutput), other != txid {
                    try store.removeFromMempool(other)
                }
            }
            try store.recordConfirmed(transaction, height: height, position: position)
            for (index, output) in transaction.outputs.enumerated() {
                try store.insertUnspentOutput(
                    UnspentOutput(outPoint: OutPoint(txid: txid, index: UInt32(index)), output: output, height: height))
            }
        }
        try store.setMintedTotal(mintedTotal)
    }
}
