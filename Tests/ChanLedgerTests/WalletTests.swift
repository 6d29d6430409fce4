import ChanCrypto
import ChanLedger
import Testing

@Suite struct WalletTests {
    let owner = key(41)
    let change = OutputCondition.key(key(42).publicKey)

    private func coin(_ amount: UInt64, _ n: UInt8) throws -> UnspentOutput {
        UnspentOutput(
            outPoint: OutPoint(txid: try TxID(bytes: [UInt8](repeating: n, count: 32)), index: 0),
            output: TxOutput(amount: Satoshi(amount), condition: .key(owner.publicKey)), height: 1)
    }

    @Test func feeIsSizeTimesRateAndChangeGoesBack() throws {
        let coins = [try coin(50_000, 1), try coin(200_000, 2), try coin(30_000, 3)]
        let draft = try CoinSelection.draft(paying: Satoshi(120_000), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 2))
        #expect(draft.spent == [coins[1]])  // largest first
        let signed = try draft.transaction.signedForKeys([owner])
        #expect(draft.fee == Satoshi(UInt64(signed.serialized().count) * 2))
        #expect(CoinSelection.signedSize(draft.transaction) == signed.serialized().count)
        #expect(draft.change == Satoshi(200_000 - 120_000 - draft.fee.value))
        #expect(draft.transaction.outputs == [
            TxOutput(amount: Satoshi(120_000), condition: sinkCondition), TxOutput(amount: draft.change, condition: change),
        ])
    }

    @Test func severalCoinsWhenOneIsNotEnough() throws {
        let coins = [try coin(50_000, 1), try coin(60_000, 2), try coin(30_000, 3)]
        let draft = try CoinSelection.draft(paying: Satoshi(100_000), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 1))
        #expect(draft.spent == [coins[1], coins[0]])
        #expect(draft.fee.value + draft.change.value + 100_000 == 110_000)
        #expect(draft.changeToFee == .zero)
    }

    @Test func dustChangeGoesToTheFee() throws {
        let coins = [try coin(100_500, 1)]
        let draft = try CoinSelection.draft(paying: Satoshi(100_000), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 1))
        #expect(draft.transaction.outputs.count == 1)
        #expect(draft.change == .zero)
        #expect(draft.fee == Satoshi(500))
        // What the size asks for is the fee proper; the rest is the change given up.
        #expect(draft.changeToFee.value == 500 - UInt64(CoinSelection.signedSize(draft.transaction)))
    }

    @Test func insufficientFundsDustAndOverflow() throws {
        let coins = [try coin(10_000, 1)]
        #expect(throws: WalletError.self) {
            try CoinSelection.draft(paying: Satoshi(10_000), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 1))
        }
        do {
            _ = try CoinSelection.draft(paying: Satoshi(9_950), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 1))
            Issue.record("expected insufficient funds")
        } catch {
            #expect(error.code == "insufficient_funds")
        }
        #expect(throws: WalletError.insufficientFunds(available: .zero, required: Satoshi(1_000 + 55))) {
            try CoinSelection.draft(paying: Satoshi(1_000), to: sinkCondition, from: [], changeTo: change, feeRate: FeeRate(satPerByte: 1))
        }
        #expect(throws: WalletError.amountBelowDust(Satoshi(353))) {
            try CoinSelection.draft(paying: Satoshi(353), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: 1))
        }
        #expect(throws: WalletError.amountOverflow) {
            try CoinSelection.draft(paying: Satoshi(1_000), to: sinkCondition, from: coins, changeTo: change, feeRate: FeeRate(satPerByte: UInt64.max))
        }
    }

    @Test func aDraftSignedByTheWalletEntersTheLedger() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(owner.publicKey), 1_000_000)
        let conditions: Set<OutputCondition> = [.key(owner.publicKey), change]
        #expect(try f.ledger.balance(of: conditions) == (Satoshi(1_000_000), .zero))
        let draft = try CoinSelection.draft(
            paying: Satoshi(250_000), to: sinkCondition, from: try f.ledger.spendableOutputs(paying: conditions),
            changeTo: change, feeRate: LedgerRules.defaultFeeRate)
        #expect(draft.spent == [utxo])
        #expect(try f.ledger.submit(draft.transaction.signedForKeys([owner])) == draft.fee)
        // The spent coin is no longer spendable; the change is unconfirmed.
        #expect(try f.ledger.spendableOutputs(paying: conditions).isEmpty)
        #expect(try f.ledger.balance(of: conditions) == (.zero, draft.change))
        try f.mine(1)
        #expect(try f.ledger.balance(of: conditions) == (draft.change, .zero))
    }
}
