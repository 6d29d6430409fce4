import ChanCrypto
import ChanLedger
import Testing

@Suite struct AuditTests {
    let owner = key(31)

    @Test func aBusyLedgerAddsUp() throws {
        var f = try Fixture()
        var empty = try f.ledger.audit()
        #expect(empty.ok && empty.mintedTotal == .zero && empty.unspentTotal == .zero && empty.height == 0)
        let a = try f.fund(.key(owner.publicKey), 500_000)
        let b = try f.fund(.key(owner.publicKey), 700_000)
        try f.ledger.submit(keySpend(a, signer: owner, fee: 1_234))
        try f.ledger.submit(keySpend(b, signer: owner, fee: 0))
        _ = try f.ledger.faucet(to: sinkCondition, amount: Satoshi(10_000))

        let pending = try f.ledger.audit()
        #expect(pending.ok)
        #expect(pending.mintedTotal == Satoshi(1_200_000) && pending.unspentTotal == Satoshi(1_200_000))
        #expect(pending.mempoolSize == 3 && pending.mempoolFees == Satoshi(1_234) && pending.mempoolMinted == Satoshi(10_000))

        try f.mine(1)
        let mined = try f.ledger.audit()
        #expect(mined.ok)
        #expect(mined.mintedTotal == Satoshi(1_210_000) && mined.unspentTotal == Satoshi(1_210_000))
        #expect(mined.utxoCount == 4)  // two payments, the mint, the coinbase
        #expect(mined.mempoolSize == 0)
        empty = mined
        #expect(empty.problems.isEmpty)
    }

    @Test func aForgedOutputIsFound() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let forged = UnspentOutput(outPoint: OutPoint(txid: utxo.outPoint.txid, index: 5), output: utxo.output, height: utxo.height)
        try f.ledger.store.insertUnspentOutput(forged)
        let report = try f.ledger.audit()
        #expect(!report.ok)
        #expect(report.unspentTotal == Satoshi(200_000) && report.mintedTotal == Satoshi(100_000))
        #expect(report.problems.count == 2)
    }

    @Test func aWrongMintedTotalIsFound() throws {
        var f = try Fixture()
        _ = try f.fund(.key(owner.publicKey))
        f.ledger.store.setMintedTotal(Satoshi(1))
        #expect(try f.ledger.audit().problems == ["unspent outputs add up to 100000 sat but 1 sat were minted"])
    }

    @Test func anInconsistentMempoolIsFound() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let other = try f.fund(.key(owner.publicKey))
        // Two conflicting transactions forced into the mempool past validation.
        try f.ledger.store.addToMempool(keySpend(utxo, signer: owner, fee: 0))
        try f.ledger.store.addToMempool(keySpend(utxo, signer: owner, fee: 1))
        // And one whose signature is wrong.
        try f.ledger.store.addToMempool(keySpend(other, signer: key(32)))
        let report = try f.ledger.audit()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("is spent by both") }, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("no longer valid") })
        // Mining drops what is invalid and keeps the ledger sound.
        let block = try f.ledger.mine()[0]
        #expect(block.transactions.count == 1)
        #expect(try f.ledger.audit().ok)
    }
}
