import ChanLedger
import ChanStore

/// What the ledger and wallet commands share: opening the stores of the chosen home and node.
extension HomeOptions {
    /// The ledger of the home; `home_not_found` or `ledger_not_found` otherwise.
    func openLedger() throws -> LedgerDatabase { try LedgerDatabase.open(home: resolvedHome) }
}

extension GlobalOptions {
    func openLedger() throws -> LedgerDatabase { try homeOptions.openLedger() }

    /// The node named by `-n` / `CHAN_NODE`; `home_not_found` or `node_not_found` otherwise.
    func openNode() throws -> LocalNode { try LocalNode.open(home: resolvedHome, name: try requireNode()) }
}
