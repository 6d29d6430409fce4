import ChanCrypto
import ChanLedger
import Testing

/// Mining, the coinbase, the faucet's mints, and blocks built by hand.
@Suite struct BlockRulesTests {
    let owner = key(21)
    let miner = key(22)

    @Test func genesisAndChainHash() throws {
        let f = try Fixture()
        #expect(try f.height == 0)
        #expect(try f.ledger.tip() == Block.genesis.header)
        #expect(f.ledger.chainHash == Block.genesis.hash)
        #expect(f.ledger.chainHash.bytes.count == 32)
        // A constant: every chan ledger names the same chain.
        #expect(try Fixture().ledger.chainHash == f.ledger.chainHash)
    }

    @Test func miningTakesTheMempoolInOrderAndPaysTheFeesToTheMiner() throws {
        var f = try Fixture()
        let a = try f.fund(.key(owner.publicKey))
        let b = try f.fund(.key(owner.publicKey))
        let first = keySpend(a, signer: owner, fee: 300)
        let second = keySpend(b, signer: owner, fee: 500)
        try f.ledger.submit(first)
        try f.ledger.submit(second)
        let blocks = try f.ledger.mine(blocks: 3, miner: .key(miner.publicKey))
        #expect(blocks.count == 3)
        let block = blocks[0]
        #expect(block.transactions.count == 3)
        #expect(block.transactions[0].kind == .coinbase(height: block.height))
        #expect(block.transactions[0].outputs == [TxOutput(amount: Satoshi(800), condition: .key(miner.publicKey))])
        #expect(Array(block.transactions.dropFirst()) == [first, second])
        #expect(blocks[1].transactions.isEmpty && blocks[2].transactions.isEmpty)
        #expect(blocks[1].header.previousHash == block.hash)
        #expect(f.ledger.store.mempoolTransactions().isEmpty)
        #expect(try f.ledger.lookup(first.txid).confirmations == 3)
        #expect(try f.ledger.lookup(first.txid).fee == Satoshi(300))
        #expect(try f.ledger.audit().ok)
    }

    @Test func aBlockWithoutFeesHasNoCoinbase() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        try f.ledger.submit(keySpend(utxo, signer: owner, fee: 0))
        let block = try f.ledger.mine()[0]
        #expect(block.transactions.count == 1)
        #expect(try f.ledger.audit().ok)
    }

    @Test func mineCountIsBounded() throws {
        var f = try Fixture()
        #expect(throws: LedgerError.invalidBlockCount(0)) { try f.ledger.mine(blocks: 0) }
        #expect(throws: LedgerError.invalidBlockCount(LedgerRules.maxBlocksPerMine + 1)) {
            try f.ledger.mine(blocks: LedgerRules.maxBlocksPerMine + 1)
        }
    }

    /// A mempool with two fee-paying transactions, and the block the ledger would mine from it.
    private func pendingBlock() throws -> (Fixture, Block, fees: Satoshi) {
        var f = try Fixture()
        let a = try f.fund(.key(owner.publicKey))
        let b = try f.fund(.key(owner.publicKey))
        try f.ledger.submit(keySpend(a, signer: owner, fee: 400))
        try f.ledger.submit(keySpend(b, signer: owner, fee: 600))
        let (block, invalid) = try f.ledger.blockTemplate(miner: .key(miner.publicKey))
        #expect(invalid.isEmpty)
        return (f, block, Satoshi(1_000))
    }

    private func rebuilt(_ block: Block, _ transactions: [Transaction]) -> Block {
        Block(height: block.height, previousHash: block.header.previousHash, transactions: transactions)
    }

    private func coinbase(_ height: UInt32, _ amounts: [UInt64]) -> Transaction {
        Transaction(kind: .coinbase(height: height), inputs: [],
                    outputs: amounts.map { TxOutput(amount: Satoshi($0), condition: .key(miner.publicKey)) })
    }

    @Test func theCoinbaseMustPayTheFeesExactly() throws {
        let (template, block, _) = try pendingBlock()
        let others = Array(block.transactions.dropFirst())
        let height = block.height
        for amounts in [[1_001], [999], [500, 499], [0, 1_000]] as [[UInt64]] {
            var f = template
            #expect(throws: LedgerError.self) { try f.ledger.connect(rebuilt(block, [coinbase(height, amounts)] + others)) }
            #expect(try f.height == height - 1)
        }
        var f = template
        try f.ledger.connect(rebuilt(block, [coinbase(height, [300, 700])] + others))  // split exactly: fine
        #expect(try f.ledger.audit().ok)
    }

    @Test func theCoinbaseRules() throws {
        let (template, block, _) = try pendingBlock()
        let others = Array(block.transactions.dropFirst())
        let height = block.height
        var f = template
        #expect(throws: LedgerError.invalidCoinbase("the block pays 1000 sat of fees but has no coinbase to collect them")) {
            try f.ledger.connect(rebuilt(block, others))
        }
        #expect(throws: LedgerError.invalidCoinbase("it must be the block's first transaction")) {
            try f.ledger.connect(rebuilt(block, others + [coinbase(height, [1_000])]))
        }
        #expect(throws: LedgerError.invalidCoinbase("it names height \(height + 1) in the block at height \(height)")) {
            try f.ledger.connect(rebuilt(block, [coinbase(height + 1, [1_000])] + others))
        }
        var withLocktime = coinbase(height, [1_000])
        withLocktime.locktime = 1
        #expect(throws: LedgerError.invalidCoinbase("a coinbase has no locktime")) {
            try f.ledger.connect(rebuilt(block, [withLocktime] + others))
        }
        // No fees, no coinbase.
        var empty = try Fixture()
        let tip = try empty.ledger.tip()
        #expect(throws: LedgerError.invalidCoinbase("the block pays no fees, so it has no coinbase")) {
            try empty.ledger.connect(Block(height: 1, previousHash: tip.hash, transactions: [coinbase(1, [1])]))
        }
    }

    @Test func mintsComeFromTheFaucetOnly() throws {
        var f = try Fixture()
        let tip = try f.ledger.tip()
        let forged = Transaction(kind: .mint(serial: 0), inputs: [], outputs: [TxOutput(amount: Satoshi(5_000), condition: sinkCondition)])
        #expect(throws: LedgerError.invalidMint("mints come from the faucet only")) {
            try f.ledger.connect(Block(height: 1, previousHash: tip.hash, transactions: [forged]))
        }
        // The faucet's own mint, but altered: refused too.
        let mint = try f.ledger.faucet(to: sinkCondition, amount: Satoshi(5_000))
        var altered = mint
        altered.outputs[0].amount = Satoshi(6_000)
        #expect(throws: LedgerError.invalidMint("mints come from the faucet only")) {
            try f.ledger.connect(Block(height: 1, previousHash: tip.hash, transactions: [altered]))
        }
        try f.ledger.connect(Block(height: 1, previousHash: tip.hash, transactions: [mint]))
        #expect(f.ledger.store.mintedTotal() == Satoshi(5_000))
        // Once confirmed it cannot come again.
        let next = try f.ledger.tip()
        #expect(throws: LedgerError.alreadyKnown(mint.txid)) {
            try f.ledger.connect(Block(height: 2, previousHash: next.hash, transactions: [mint]))
        }
    }

    @Test func faucetRules() throws {
        var f = try Fixture()
        let first = try f.ledger.faucet(to: sinkCondition, amount: Satoshi(1_000))
        let second = try f.ledger.faucet(to: sinkCondition, amount: Satoshi(1_000))
        #expect(first.txid != second.txid)  // serials keep identical mints apart
        #expect(first.kind == .mint(serial: 0) && second.kind == .mint(serial: 1))
        #expect(throws: LedgerError.dustOutput(index: 0, amount: Satoshi(353))) { try f.ledger.faucet(to: sinkCondition, amount: Satoshi(353)) }
        #expect(throws: LedgerError.amountTooLarge(Satoshi(Satoshi.maxMoney.value + 1))) {
            try f.ledger.faucet(to: sinkCondition, amount: Satoshi(Satoshi.maxMoney.value + 1))
        }
        // Pending mints count towards the cap.
        #expect(throws: LedgerError.maxMoneyExceeded) {
            try f.ledger.faucet(to: sinkCondition, amount: Satoshi(Satoshi.maxMoney.value - 1_999))
        }
        _ = try f.ledger.faucet(to: sinkCondition, amount: Satoshi(Satoshi.maxMoney.value - 2_000))
        try f.mine(1)
        #expect(f.ledger.store.mintedTotal() == .maxMoney)
        #expect(throws: LedgerError.maxMoneyExceeded) { try f.ledger.faucet(to: sinkCondition, amount: Satoshi(354)) }
        #expect(try f.ledger.audit().ok)
    }

    @Test func blocksMustExtendTheTipAndMatchTheirRoot() throws {
        let (template, block, _) = try pendingBlock()
        var f = template
        let wrongParent = Block(height: block.height, previousHash: .zero, transactions: block.transactions)
        #expect(throws: LedgerError.invalidBlock("it does not extend the tip")) { try f.ledger.connect(wrongParent) }
        let wrongHeight = Block(height: block.height + 1, previousHash: block.header.previousHash, transactions: block.transactions)
        #expect(throws: LedgerError.invalidBlock("height \(block.height + 1), expected \(block.height)")) { try f.ledger.connect(wrongHeight) }
        let lying = Block(header: block.header, transactions: Array(block.transactions.prefix(2)))
        #expect(throws: LedgerError.invalidBlock("the transaction root does not match its transactions")) { try f.ledger.connect(lying) }
        try f.ledger.connect(block)
        #expect(try f.ledger.tip() == block.header)
    }

    @Test func aBlockCannotSpendAnOutputTwice() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let one = keySpend(utxo, signer: owner, fee: 0)
        let two = keySpend(utxo, signer: owner, fee: 0, to: .key(owner.publicKey))
        let tip = try f.ledger.tip()
        #expect(throws: LedgerError.doubleSpend(utxo.outPoint, conflicting: one.txid)) {
            try f.ledger.connect(Block(height: tip.height + 1, previousHash: tip.hash, transactions: [one, two]))
        }
    }

    @Test func aBlockEvictsTheMempoolTransactionsItConflictsWith() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let inMempool = keySpend(utxo, signer: owner, fee: 0)
        try f.ledger.submit(inMempool)
        let competitor = keySpend(utxo, signer: owner, fee: 0, to: .key(owner.publicKey))
        let tip = try f.ledger.tip()
        try f.ledger.connect(Block(height: tip.height + 1, previousHash: tip.hash, transactions: [competitor]))
        #expect(f.ledger.store.mempoolTransactions().isEmpty)
        #expect(throws: LedgerError.txNotFound(inMempool.txid)) { try f.ledger.lookup(inMempool.txid) }
        #expect(try f.ledger.audit().ok)
    }

    @Test func relativeTimelocksCountFromTheConfirmingBlock() throws {
        var f = try Fixture()
        f.ledger = try Ledger(store: InMemoryLedgerStore())
        try f.mine(10)
        let delayed = key(23)
        let condition = OutputCondition.toLocal(revocationKey: key(24).publicKey, delayedKey: delayed.publicKey, toSelfDelay: 3)
        let utxo = try f.fund(condition)
        #expect(utxo.height == 11)
        let sweep = spend(utxo) { .delayed(sign(delayed, $0)) }
        try f.mine(1)  // next = 13 < 14
        #expect(throws: LedgerError.csvNotReached(input: 0, spendableAt: 14, nextHeight: 13)) { try f.ledger.check(sweep) }
        try f.mine(1)
        try f.ledger.submit(sweep)
    }
}
