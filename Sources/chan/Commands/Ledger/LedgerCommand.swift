import ArgumentParser

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The built-in toy L1: create it, inspect it, mine, mint, audit.",
        discussion: """
            The ledger is $CHAN_HOME/ledger.sqlite, shared by every chan process of the home. \
            Blocks are mined on demand (like regtest); the faucet mints coins in marked \
            transactions; the audit checks that unspent outputs add up to what was minted.
            """,
        subcommands: [
            LedgerInitCommand.self, LedgerInfoCommand.self, LedgerMineCommand.self,
            LedgerFaucetCommand.self, LedgerTxCommand.self, LedgerAuditCommand.self,
        ]
    )
}
