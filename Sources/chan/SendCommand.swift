import ArgumentParser
import ChanLedger

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Pay an address from the node's (-n NAME) wallet; the transaction enters the mempool.",
        discussion: """
            Spends confirmed coins not already spent in the mempool, largest first; the change \
            goes to a fresh address of the wallet. fee = serialized size x --fee-rate. Fails with \
            insufficient_funds, changing nothing, when the coins do not cover amount plus fee. \
            AMOUNT: a bare integer is satoshis; the suffixes sat, msat and btc say the unit.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The address to pay.")
    var address: String

    @Argument(help: "How much to pay (at least the dust limit of \(LedgerRules.dustLimit.value) sat).")
    var amount: String

    @Option(help: "Fee rate in satoshis per serialized byte.")
    var feeRate: UInt64 = LedgerRules.defaultFeeRate.satPerByte

    func run() throws {
        let node = try global.openNode()
        let ledger = try global.openLedger()
        let destination = try Address(address)
        let amount = try Satoshi.parsePositive(amount)
        let sent = try node.send(amount, to: destination, feeRate: FeeRate(satPerByte: feeRate), ledger: ledger)
        struct Result: Encodable {
            let txid: String
            let address: String
            let amountSat: Satoshi
            let feeSat: Satoshi
            let changeSat: Satoshi
            @Nullable var changeAddress: String?
            let status: String
        }
        try Output.json(Result(
            txid: sent.txid.hex, address: destination.string, amountSat: sent.amount, feeSat: sent.fee,
            changeSat: sent.change, changeAddress: sent.changeAddress?.string, status: "mempool"))
    }
}
