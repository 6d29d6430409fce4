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
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let client = try global.runningClient() {
            try Output.json(try client.call("balance", NoParams(), as: BalanceResult.self))
        } else {
            try Output.json(try global.localWallet().balanceResult())
        }
    }
}
