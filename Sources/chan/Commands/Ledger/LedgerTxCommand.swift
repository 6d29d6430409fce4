import ChanAPI
import ArgumentParser
import ChanLedger

struct LedgerTxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Show a transaction: inputs, outputs, status (confirmed or mempool), height, confirmations, fee.",
        discussion: "Example: chan ledger tx $TXID"
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The transaction id (64 hex characters).")
    var txid: String

    func run() throws {
        let ledger = try global.openLedger()
        let txid = try TxID(hex: txid)
        let lookup = try ledger.read { try $0.lookup(txid) }
        try Output.json(TransactionJSON(lookup))
    }
}

/// A transaction as `chan ledger tx` prints it; every field is always present (null if none).
struct TransactionJSON: Encodable {
    struct Input: Encodable {
        let outpoint: String
        var witness: String?
    }

    struct Output: Encodable {
        let index: Int
        let amountSat: Satoshi
        let condition: String
        var address: String?
    }

    let txid: String
    let kind: String
    let version: UInt32
    let locktime: UInt32
    let sizeBytes: Int
    let inputs: [Input]
    let outputs: [Output]
    let status: String
    var blockHeight: UInt32?
    let confirmations: UInt32
    var feeSat: Satoshi?

    init(_ lookup: TransactionLookup) {
        let transaction = lookup.transaction
        txid = transaction.txid.hex
        kind = transaction.kind.name
        version = transaction.version
        locktime = transaction.locktime
        sizeBytes = transaction.serialized().count
        inputs = transaction.inputs.map { Input(outpoint: $0.previousOutput.description, witness: $0.witness?.kind) }
        outputs = transaction.outputs.enumerated().map { index, output in
            Output(index: index, amountSat: output.amount, condition: output.condition.kind,
                   address: Address(condition: output.condition)?.string)
        }
        switch lookup.status {
        case .mempool: (status, blockHeight) = ("mempool", nil)
        case .confirmed(let height): (status, blockHeight) = ("confirmed", height)
        }
        confirmations = lookup.confirmations
        feeSat = lookup.fee
    }
}
