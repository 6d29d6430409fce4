import ArgumentParser
import ChanAPI
import ChanLedger

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Pay an address from the node's (-n NAME) wallet; the transaction enters the mempool.",
        discussion: """
            Spends confirmed coins not already spent in the mempool, largest first; the change \
            goes to a fresh address of the wallet. fee = serialized size x --fee-rate; change below \
            the dust limit goes to the fee too (change_to_fee_sat says how much). Fails with \
            insufficient_funds, changing nothing, when the coins do not cover amount plus fee, and \
            with fee_above_limit when the fee would exceed --max-fee. \
            AMOUNT: a bare integer is satoshis; the suffixes sat, msat and btc say the unit.

            Example: chan -n alice send $(chan -n bob address | jq -r .address) 50000
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The address to pay.")
    var address: String

    @Argument(help: "How much to pay (at least the dust limit of \(LedgerRules.dustLimit.value) sat).")
    var amount: String

    @Option(help: "Fee rate in satoshis per serialized byte.")
    var feeRate: UInt64 = LedgerRules.defaultFeeRate.satPerByte

    @Option(help: "The most fee to pay, change below the dust limit included (an amount; default: no limit).")
    var maxFee: String?

    func run() throws {
        let client = try global.runningClient()  // the node (and its home) first: their errors come first
        let params = SendParams(address: try Address(address).string, amountSat: try Satoshi.parsePositive(amount), feeRate: feeRate,
                                maxFeeSat: try maxFee.map { try MilliSatoshi.parse($0).exactSatoshi })
        if let client {
            try Output.json(try client.call("send", params, as: SendResultJSON.self))
        } else {
            try Output.json(try global.localWallet().send(params))
        }
    }
}
