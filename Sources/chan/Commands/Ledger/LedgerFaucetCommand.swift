import ArgumentParser
import ChanLedger

struct LedgerFaucetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faucet",
        abstract: "Mint new coins to an address, in a mint transaction that the next block confirms.",
        discussion: "AMOUNT: a bare integer is satoshis; the suffixes sat, msat and btc say the unit (e.g. 1btc).\n\nExample: chan ledger faucet $(chan -n alice address | jq -r .address) 1btc"
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The address to pay (from `chan -n NAME address`).")
    var address: String

    @Argument(help: "How much to mint (at least the dust limit of \(LedgerRules.dustLimit.value) sat).")
    var amount: String

    func run() throws {
        let ledger = try global.openLedger()
        let destination = try Address(address)
        let amount = try Satoshi.parsePositive(amount)
        let mint = try ledger.write { try $0.faucet(to: destination.condition, amount: amount) }
        struct Result: Encodable { let txid: String; let address: String; let amountSat: Satoshi; let status: String }
        try Output.json(Result(txid: mint.txid.hex, address: destination.string, amountSat: amount, status: "mempool"))
    }
}
