import ArgumentParser
import ChanLedger

struct LedgerInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the chain height, tip, chain hash, mempool size, UTXO count and totals.",
        discussion: "Example: chan ledger info -H"
    )

    @OptionGroup var global: HomeOptions
    @OptionGroup var display: HumanFlag

    func run() throws {
        let info = try global.openLedger().read { try $0.info() }
        struct Result: Encodable {
            let height: UInt32
            let tipHash: String
            let chainHash: String
            let mempoolSize: Int
            let utxoCount: Int
            let unspentSat: Satoshi
            let mintedSat: Satoshi
        }
        let result = Result(
            height: info.height, tipHash: info.tipHash.hex, chainHash: info.chainHash.hex,
            mempoolSize: info.mempoolSize, utxoCount: info.utxoCount,
            unspentSat: info.unspentTotal, mintedSat: info.mintedTotal)
        if display.human {
            try Output.result(result, method: "ledger_info", human: true)
        } else {
            try Output.json(result)
        }
    }
}
