import ChanCrypto
import ChanLedger
// `key(n)` and `concurrently` for every file of the target.
@_exported import ChanTestSupport
import Testing

func sign(_ key: PrivateKey, _ digest: [UInt8]) -> Signature { try! key.sign(digest: digest) }

func preimage(_ n: UInt8) -> Preimage { try! Preimage(bytes: [UInt8](repeating: n, count: 32)) }

/// Where test payments go.
let sink = key(99)
let sinkCondition = OutputCondition.key(sink.publicKey)

/// A fresh in-memory ledger with helpers to fund any condition and spend it.
struct Fixture {
    var ledger: Ledger<InMemoryLedgerStore>

    init() throws { ledger = try Ledger(store: InMemoryLedgerStore()) }

    /// Mints `amount` to `condition` and mines it; returns the confirmed output.
    mutating func fund(_ condition: OutputCondition, _ amount: UInt64 = 100_000) throws -> UnspentOutput {
        let mint = try ledger.faucet(to: condition, amount: Satoshi(amount))
        try ledger.mine()
        return try #require(ledger.store.unspentOutput(mint.outPoint(0)))
    }

    mutating func mine(_ count: Int) throws {
        if count > 0 { try ledger.mine(blocks: count) }
    }

    var height: UInt32 { get throws { try ledger.tip().height } }
    var nextHeight: UInt32 { get throws { try ledger.nextHeight() } }
}

/// A one-input transaction spending `utxo` to `to`, with the witness computed from its sighash.
func spend(
    _ utxo: UnspentOutput, to condition: OutputCondition = sinkCondition, fee: UInt64 = 1_000,
    locktime: UInt32 = 0, witness: ([UInt8]) -> Witness
) -> Transaction {
    var transaction = Transaction(
        inputs: [TxInput(previousOutput: utxo.outPoint)],
        outputs: [TxOutput(amount: Satoshi(utxo.amount.value - fee), condition: condition)],
        locktime: locktime)
    transaction.inputs[0].witness = witness(transaction.sighash(inputIndex: 0))
    return transaction
}

/// A key spend of `utxo` signed by `signer`.
func keySpend(_ utxo: UnspentOutput, signer: PrivateKey, fee: UInt64 = 1_000, to condition: OutputCondition = sinkCondition) -> Transaction {
    spend(utxo, to: condition, fee: fee) { .keySignature(sign(signer, $0)) }
}
