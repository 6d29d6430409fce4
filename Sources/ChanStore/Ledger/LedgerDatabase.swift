import ChanLedger
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The network's ledger, `$CHAN_HOME/ledger.sqlite`, shared by every local process.
///
/// Every `write` is one IMMEDIATE SQLite transaction: it takes the database's write lock
/// before reading anything, so what a submit, mine or faucet validates against cannot change
/// before it commits; other writers wait (busy timeout), readers see the last commit (WAL).
/// A write that throws is rolled back entirely.
public final class LedgerDatabase: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Creates the home directory (mode 0700) if needed and a new ledger in it (mode 0600)
    /// holding the genesis block. Fails with `ledger_exists` and changes nothing if there is one.
    /// The ledger is built under a temporary name and linked into place whole, so another
    /// process never opens a half-made (empty) ledger, and of two concurrent inits one wins.
    public static func create(home: Home) throws -> LedgerDatabase {
        try FileSystem.makeDirectories(home.path, mode: 0o700)
        let path = home.ledgerPath
        guard !FileSystem.exists(path) else { throw StoreError.ledgerExists(path) }
        let building = path + ".creating-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { DatabaseFile.remove(building) }
        try DatabaseFile.createExclusive(building)
        try DatabaseFile.mapErrors(path: building) {
            let queue = try DatabaseFile.open(building, migrator: LedgerSchema.migrator)
            try LedgerDatabase(path: building, queue: queue).write { _ in }  // writes the genesis block
            try queue.close()  // the last connection's close folds the WAL into the file
        }
        guard link(building, path) == 0 else {
            throw errno == EEXIST ? StoreError.ledgerExists(path) : StoreError.fileError(path: path, errno: errno)
        }
        return try open(home: home)
    }

    /// Opens the ledger of an existing home: `home_not_found` or `ledger_not_found` otherwise
    /// (and nothing is created).
    public static func open(home: Home) throws -> LedgerDatabase {
        try home.requireExists()
        let path = home.ledgerPath
        guard FileSystem.exists(path) else { throw StoreError.ledgerNotFound(path) }
        try DatabaseFile.checkHeader(path)
        return try DatabaseFile.mapErrors(path: path) {
            LedgerDatabase(path: path, queue: try DatabaseFile.open(path, migrator: LedgerSchema.migrator))
        }
    }

    /// Runs `body` on the ledger in one IMMEDIATE transaction, committed if `body` returns.
    @discardableResult
    public func write<T>(_ body: (inout Ledger<SQLiteLedgerStore>) throws -> T) throws -> T {
        try DatabaseFile.mapErrors(path: path) {
            var result: T?
            try queue.inTransaction(.immediate) { db in
                var ledger = try Ledger(store: SQLiteLedgerStore(db))
                result = try body(&ledger)
                return .commit
            }
            guard let result else { throw StoreError.database("the write transaction returned nothing") }
            return result
        }
    }

    /// SQLite's `data_version` of this connection: it changes when another connection (another
    /// process) commits a write, so a watcher polls it cheaply instead of re-reading the ledger.
    public func dataVersion() throws -> Int64 {
        try DatabaseFile.mapErrors(path: path) { try queue.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 } }
    }

    /// Runs `body` on a consistent snapshot of the ledger (a read transaction).
    public func read<T>(_ body: (Ledger<SQLiteLedgerStore>) throws -> T) throws -> T {
        try DatabaseFile.mapErrors(path: path) {
            try queue.read { db in try body(try Ledger(store: SQLiteLedgerStore(db))) }
        }
    }
}
