import ArgumentParser
import ChanLedger
import ChanStore

struct LedgerInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the home directory (mode 0700) and a new ledger holding the genesis block.",
        discussion: """
            Prints the home as an absolute path. A home that exists with permissions for group or \
            others is restricted to its owner (a warning on stderr says so). Fails with \
            ledger_exists, changing nothing, if the home already has a ledger.

            Example: chan --home /tmp/net ledger init
            """
    )

    @OptionGroup var global: HomeOptions

    func run() throws {
        let home = global.resolvedHome
        let ledger = try LedgerDatabase.create(home: home)
        Output.restrictPermissions(of: home)
        let info = try ledger.read { try $0.info() }
        struct Result: Encodable { let home: String; let ledger: String; let chainHash: String; let height: UInt32 }
        try Output.json(Result(home: home.path, ledger: ledger.path, chainHash: info.chainHash.hex, height: info.height))
    }
}
