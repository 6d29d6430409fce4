import ArgumentParser
import ChanAPI

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "The node's (-n NAME) wallet balance on the ledger.",
        discussion: """
            confirmed_sat: confirmed outputs to the wallet not spent in the mempool (what `send` \
            and `open` can use). unconfirmed_sat: outputs to the wallet in the mempool (incoming, \
            change). total_sat: their sum. Money in channels is not included (see `channels`).

            Example: chan -n alice balance -H
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws {
        if let client = try global.runningClient() {
            try Output.rpcResult(try client.callRaw("balance", NoParams()), method: "balance", human: display.human)
        } else {
            try Output.result(try global.localWallet().balanceResult(), method: "balance", human: display.human)
        }
    }
}
