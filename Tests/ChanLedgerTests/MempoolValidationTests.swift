import ChanCrypto
import ChanLedger
import Testing

/// Entry to the mempool: what a transaction spends, amounts, limits, timelocks.
@Suite struct MempoolValidationTests {
    let owner = key(11)

    @Test func doubleSpendInTheMempoolIsRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let first = keySpend(utxo, signer: owner)
        try f.ledger.submit(first)
        let second = keySpend(utxo, signer: owner, fee: 2_000)
        #expect(throws: LedgerError.doubleSpend(utxo.outPoint, conflicting: first.txid)) { try f.ledger.submit(second) }
        #expect(f.ledger.store.mempoolTransactions() == [first])
    }

    @Test func doubleSpendAcrossBlocksIsRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        try f.ledger.submit(keySpend(utxo, signer: owner))
        try f.mine(1)
        #expect(throws: LedgerError.inputSpent(utxo.outPoint)) { try f.ledger.submit(keySpend(utxo, signer: owner, fee: 2_000)) }
    }

    @Test func theSameTransactionTwiceIsAlreadyKnown() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let transaction = keySpend(utxo, signer: owner)
        try f.ledger.submit(transaction)
        #expect(throws: LedgerError.alreadyKnown(transaction.txid)) { try f.ledger.submit(transaction) }
        try f.mine(1)
        #expect(throws: LedgerError.alreadyKnown(transaction.txid)) { try f.ledger.submit(transaction) }
    }

    @Test func duplicateInputsAreRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        var transaction = Transaction(
            inputs: [TxInput(previousOutput: utxo.outPoint), TxInput(previousOutput: utxo.outPoint)],
            outputs: [TxOutput(amount: Satoshi(150_000), condition: sinkCondition)])
        for index in 0..<2 { transaction.inputs[index].witness = .keySignature(sign(owner, transaction.sighash(inputIndex: index))) }
        #expect(throws: LedgerError.duplicateInput(utxo.outPoint)) { try f.ledger.check(transaction) }
    }

    @Test func missingAndUnconfirmedInputs() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let nowhere = OutPoint(txid: try TxID(bytes: [UInt8](repeating: 0xab, count: 32)), index: 0)
        let ghost = UnspentOutput(outPoint: nowhere, output: utxo.output, height: 1)
        #expect(throws: LedgerError.missingInput(nowhere)) { try f.ledger.check(keySpend(ghost, signer: owner)) }
        let beyond = UnspentOutput(outPoint: OutPoint(txid: utxo.outPoint.txid, index: 1), output: utxo.output, height: 1)
        #expect(throws: LedgerError.missingInput(beyond.outPoint)) { try f.ledger.check(keySpend(beyond, signer: owner)) }

        // An output of a mempool transaction cannot be spent until it confirms.
        let parent = keySpend(utxo, signer: owner, to: .key(owner.publicKey))
        try f.ledger.submit(parent)
        let pending = UnspentOutput(outPoint: parent.outPoint(0), output: parent.outputs[0], height: 0)
        #expect(throws: LedgerError.inputUnconfirmed(pending.outPoint)) { try f.ledger.check(keySpend(pending, signer: owner)) }
        try f.mine(1)
        let confirmed = try #require(f.ledger.store.unspentOutput(parent.outPoint(0)))
        try f.ledger.submit(keySpend(confirmed, signer: owner))
    }

    @Test func outputsMustNotExceedInputsAndTheFeeIsTheDifference() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey), 100_000)
        var overspend = Transaction(
            inputs: [TxInput(previousOutput: utxo.outPoint)],
            outputs: [TxOutput(amount: Satoshi(100_001), condition: sinkCondition)])
        overspend.inputs[0].witness = .keySignature(sign(owner, overspend.sighash(inputIndex: 0)))
        #expect(throws: LedgerError.outputsExceedInputs(inputs: Satoshi(100_000), outputs: Satoshi(100_001))) {
            try f.ledger.check(overspend)
        }
        #expect(try f.ledger.check(keySpend(utxo, signer: owner, fee: 0)) == .zero)
        #expect(try f.ledger.check(keySpend(utxo, signer: owner, fee: 100_000 - 354)) == Satoshi(100_000 - 354))
    }

    private func twoOutputs(_ utxo: UnspentOutput, _ a: UInt64, _ b: UInt64) -> Transaction {
        var transaction = Transaction(
            inputs: [TxInput(previousOutput: utxo.outPoint)],
            outputs: [TxOutput(amount: Satoshi(a), condition: sinkCondition), TxOutput(amount: Satoshi(b), condition: sinkCondition)])
        transaction.inputs[0].witness = .keySignature(sign(owner, transaction.sighash(inputIndex: 0)))
        return transaction
    }

    @Test func amountsThatOverflowOrExceedMaxMoneyAreRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        #expect(throws: LedgerError.amountTooLarge(Satoshi(UInt64.max))) { try f.ledger.check(twoOutputs(utxo, UInt64.max, 1_000)) }
        #expect(throws: LedgerError.amountTooLarge(Satoshi(Satoshi.maxMoney.value + 1))) {
            try f.ledger.check(twoOutputs(utxo, Satoshi.maxMoney.value + 1, 1_000))
        }
        // Each output is allowed alone, their sum is not.
        #expect(throws: LedgerError.amountOverflow) { try f.ledger.check(twoOutputs(utxo, Satoshi.maxMoney.value, 1_000)) }
    }

    @Test func dustOutputsAreRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        #expect(LedgerRules.dustLimit == Satoshi(354))
        #expect(throws: LedgerError.dustOutput(index: 1, amount: Satoshi(353))) { try f.ledger.check(twoOutputs(utxo, 90_000, 353)) }
        #expect(throws: LedgerError.dustOutput(index: 0, amount: .zero)) { try f.ledger.check(twoOutputs(utxo, 0, 90_000)) }
        #expect(try f.ledger.check(twoOutputs(utxo, 90_000, 354)) == Satoshi(100_000 - 90_354))
    }

    @Test func transactionsNeedInputsAndOutputsWithinTheLimits() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let noInputs = Transaction(inputs: [], outputs: [TxOutput(amount: Satoshi(1_000), condition: sinkCondition)])
        #expect(throws: LedgerError.noInputs) { try f.ledger.check(noInputs) }
        var noOutputs = Transaction(inputs: [TxInput(previousOutput: utxo.outPoint)], outputs: [])
        noOutputs.inputs[0].witness = .keySignature(sign(owner, noOutputs.sighash(inputIndex: 0)))
        #expect(throws: LedgerError.noOutputs) { try f.ledger.check(noOutputs) }

        let tooManyOutputs = Transaction(
            inputs: [TxInput(previousOutput: utxo.outPoint)],
            outputs: Array(repeating: TxOutput(amount: Satoshi(1_000), condition: sinkCondition), count: LedgerRules.maxOutputs + 1))
        #expect(throws: LedgerError.tooManyOutputs(LedgerRules.maxOutputs + 1)) { try f.ledger.check(tooManyOutputs) }
        let tooManyInputs = Transaction(
            inputs: (0...LedgerRules.maxInputs).map { TxInput(previousOutput: OutPoint(txid: utxo.outPoint.txid, index: UInt32($0))) },
            outputs: [TxOutput(amount: Satoshi(1_000), condition: sinkCondition)])
        #expect(throws: LedgerError.tooManyInputs(LedgerRules.maxInputs + 1)) { try f.ledger.check(tooManyInputs) }
    }

    @Test func absoluteLocktimeIsCheckedAgainstTheNextHeight() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let next = try f.nextHeight
        let late = spend(utxo, locktime: next + 1) { .keySignature(sign(owner, $0)) }
        #expect(throws: LedgerError.locktimeNotReached(locktime: next + 1, nextHeight: next)) { try f.ledger.check(late) }
        let onTime = spend(utxo, locktime: next) { .keySignature(sign(owner, $0)) }
        try f.ledger.submit(onTime)
    }

    @Test func mintsAndCoinbasesCannotBeSubmitted() throws {
        var f = try Fixture()
        let mint = Transaction(kind: .mint(serial: 77), inputs: [], outputs: [TxOutput(amount: Satoshi(1_000), condition: sinkCondition)])
        #expect(throws: LedgerError.mintNotAllowed) { try f.ledger.submit(mint) }
        let coinbase = Transaction(kind: .coinbase(height: 1), inputs: [], outputs: [TxOutput(amount: Satoshi(1_000), condition: sinkCondition)])
        #expect(throws: LedgerError.coinbaseNotAllowed) { try f.ledger.submit(coinbase) }
        #expect(f.ledger.store.mempoolTransactions().isEmpty)
    }

    @Test func aFailedSubmitLeavesTheLedgerAsItWas() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey))
        let before = f.ledger.store
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.submit(keySpend(utxo, signer: key(12))) }
        #expect(try f.ledger.info() == (try Ledger(store: before).info()))
    }
}
