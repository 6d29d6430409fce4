import ArgumentParser
import ChanLedger

/// `chan ledger mine` and its shortcut `chan mine` take the same arguments.
struct MineArguments: ParsableArguments {
    @Argument(help: "How many blocks to mine (1 to \(LedgerRules.maxBlocksPerMine)).")
    var blocks: Int = 1

    @Option(help: "The address that receives the blocks' fees (default: an unspendable key, so fees are burned but still counted by the audit).")
    var address: String?

    func run(_ global: HomeOptions) throws {
        let miner = try address.map { try Address($0).condition } ?? LedgerRules.unspendableMinerCondition
        let ledger = try global.openLedger()
        let count = blocks
        let (mined, tip) = try ledger.write { ledger in
            (try ledger.mine(blocks: count, miner: miner), try ledger.tip())
        }
        var fees = Satoshi.zero
        for block in mined {
            for transaction in block.transactions {
                if case .coinbase = transaction.kind {
                    for output in transaction.outputs { fees = try fees.adding(output.amount) }
                }
            }
        }
        struct Result: Encodable {
            let blocksMined: Int
            let height: UInt32
            let tipHash: String
            let confirmedTxids: [String]
            let feeSat: Satoshi
        }
        try Output.json(Result(
            blocksMined: mined.count, height: tip.height, tipHash: tip.hash.hex,
            confirmedTxids: mined.flatMap { $0.transactions.map { $0.txid.hex } }, feeSat: fees))
    }
}

struct LedgerMineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine blocks now: the first takes every valid mempool transaction (like regtest's generate).",
        discussion: "Fees go to a coinbase paying --address. Prints the new height and the confirmed txids.\n\nExample: chan ledger mine 6"
    )

    @OptionGroup var global: HomeOptions
    @OptionGroup var mine: MineArguments

    func run() throws { try mine.run(global) }
}

struct MineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine blocks now (the same as `chan ledger mine`).",
        discussion: "Example: chan mine 6"
    )

    @OptionGroup var global: HomeOptions
    @OptionGroup var mine: MineArguments

    func run() throws { try mine.run(global) }
}
