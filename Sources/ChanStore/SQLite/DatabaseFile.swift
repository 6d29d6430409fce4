import ChanCrypto
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How chan opens its SQLite files: WAL (readers never wait for the writer), a busy timeout
/// (writers queue instead of failing), full fsync on commit, and mode 0600 on creation
/// (SQLite gives the -wal and -shm files the mode of the database file).
enum DatabaseFile {
    /// How long a writer waits for another process's write transaction before giving up.
    static let busyTimeoutSeconds: Double = 60

    static func configuration(allowingBatches: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        // A batch (NodeStore.Durability.batched) is a transaction left open across accesses.
        configuration.allowsUnsafeTransactions = allowingBatches
        configuration.prepareDatabase { db in
            // Persistent in the file once set; a no-op (no lock) when it is already WAL.
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else { throw StoreError.database("could not switch \(db.description) to WAL") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// Creates an empty file with mode 0600; fails if it exists (`EEXIST`).
    static func createExclusive(_ path: String) throws(StoreError) {
        try FileSystem.createFile(path, mode: 0o600)
    }

    /// Removes a database file and its WAL companions (after a failed creation).
    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// Opens an existing database file with `configuration()`, then brings its schema up to
    /// date with `migrator` (a write only when a migration is pending).
    static func open(_ path: String, migrator: DatabaseMigrator, allowingBatches: Bool = false) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration(allowingBatches: allowingBatches))
        let current = try queue.read { db in try migrator.hasCompletedMigrations(db) }
        if !current { try migrator.migrate(queue) }
        return queue
    }

    /// Runs `body`, turning SQLite's errors into `StoreError.database`; other errors pass through.
    static func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.database(error.message ?? "\(error.resultCode)")
        }
    }
}
