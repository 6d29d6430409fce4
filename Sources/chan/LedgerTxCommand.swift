import ArgumentParser
import ChanLedger

struct LedgerTxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Show a transaction: inputs, outputs, status (confirmed or mempool), height, confirmations, fee."
    )

    @OptionGroup var global: GlobalOptions

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
        let witness: String?

        enum CodingKeys: String, CodingKey { case outpoint, witness }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outpoint, forKey: .outpoint)
            try container.encodeOrNull(witness, forKey: .witness)
        }
    }

    struct Output: Encodable {
        let index: Int
        let amountSat: Satoshi
        let condition: String
        let address: String?

        enum CodingKeys: String, CodingKey { case index, amountSat, condition, address }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(amountSat, forKey: .amountSat)
            try container.encode(condition, forKey: .condition)
            try container.encodeOrNull(address, forKey: .address)
        }
    }

    let txid: String
    let kind: String
    let version: UInt32
    let locktime: UInt32
    let sizeBytes: Int
    let inputs: [Input]
    let outputs: [Output]
    let status: String
    let blockHeight: UInt32?
    let confirmations: UInt32
    let feeSat: Satoshi?

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

    enum CodingKeys: String, CodingKey {
        case txid, kind, version, locktime, sizeBytes, inputs, outputs, status, blockHeight, confirmations, feeSat
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(txid, forKey: .txid)
        try container.encode(kind, forKey: .kind)
        try container.encode(version, forKey: .version)
        try container.encode(locktime, forKey: .locktime)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(status, forKey: .status)
        try container.encodeOrNull(blockHeight, forKey: .blockHeight)
        try container.encode(confirmations, forKey: .confirmations)
        try container.encodeOrNull(feeSat, forKey: .feeSat)
    }
}
