import ArgumentParser
import ChanLedger

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "The node's (-n NAME) wallet balance on the ledger.",
        discussion: """
            confirmed_sat: confirmed outputs to the wallet not spent in the mempool (what `send` \
            can use). unconfirmed_sat: outputs to the wallet in the mempool (incoming, change). \
            total_sat: their sum.
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let node = try global.openNode()
        let balance = try node.balance(ledger: try global.openLedger())
        struct Result: Encodable { let confirmedSat: Satoshi; let unconfirmedSat: Satoshi; let totalSat: Satoshi }
        try Output.json(Result(confirmedSat: balance.confirmed, unconfirmedSat: balance.unconfirmed, totalSat: balance.total))
    }
}
