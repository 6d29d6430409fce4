import ChanLedger
import ChanStore
import Logging

/// Follows `ledger.sqlite` for the node: SQLite's `data_version` says when another process
/// committed (a block mined, a transaction submitted); only then does the watcher read the
/// tip, and hand each new block to the node in order. A poll of one pragma every few
/// milliseconds costs nothing measurable; nothing is re-read while the ledger is idle.
struct LedgerWatcher {
    let ledger: LedgerDatabase
    let logger: Logger
    /// How often `data_version` is read.
    static let interval: UInt64 = 10_000_000  // 10 ms

    func run(node: Node) async {
        var version: Int64 = -1
        while !Task.isCancelled {
            do {
                let current = try ledger.dataVersion()
                if current != version {
                    try await catchUp(node: node)
                    version = current  // only once caught up: a failed read is retried
                }
            } catch {
                logger.error("cannot read the ledger", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(nanoseconds: LedgerWatcher.interval)
        }
    }

    /// Hands every block above what the node has processed to the node.
    func catchUp(node: Node) async throws {
        let tip = try ledger.read { try $0.tip().height }
        var height = await node.processedHeight
        while height < tip {
            height += 1
            let blockHeight = height
            let transactions = try ledger.read { try $0.store.transactions(atHeight: blockHeight) }
            await node.blockConnected(height: blockHeight, transactions: transactions)
        }
    }
}
