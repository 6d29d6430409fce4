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

    /// Runs `body`, turning SQLite's errors into `StoreError.database`, or `corrupt_file` naming
    /// `path` when SQLite finds the file damaged; other errors pass through.
    static func mapErrors<T>(path: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            if let path, [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
                throw StoreError.corruptFile(path: path, why: "SQLite says: \(message)")
            }
            throw StoreError.database(message)
        }
    }

    /// The first 16 bytes of every SQLite 3 database.
    private static let magic = Array("SQLite format 3\0".utf8)

    /// Refuses, before SQLite opens it, an existing database file SQLite would misread or
    /// rewrite: an empty file (SQLite would make a new database in it), a header that is not
    /// SQLite's, a file shorter than its header says. Reads only; nothing is written.
    static func checkHeader(_ path: String) throws(StoreError) {
        let descriptor = openForReading(path)
        guard descriptor >= 0 else { throw .fileError(path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .fileError(path: path, errno: errno) }
        var header = [UInt8](repeating: 0, count: 100)
        let count = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 100, 0) }
        guard count >= 0 else { throw .fileError(path: path, errno: errno) }
        guard info.st_size > 0 else { throw .corruptFile(path: path, why: "the file is empty") }
        guard count == 100 else { throw .corruptFile(path: path, why: "\(count) bytes is shorter than a database header") }
        guard Array(header[0..<16]) == magic else { throw .corruptFile(path: path, why: "it does not start with an SQLite header") }
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw .corruptFile(path: path, why: "its header gives a page size of \(rawPageSize)")
        }
        func word(_ offset: Int) -> Int { header[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        // The header's page count is valid when its change counter matches "version-valid-for";
        // pages still in a -wal file are not in the database file yet, so only check without one.
        let pages = word(28)
        var walInfo = stat()
        let walHoldsPages = stat(path + "-wal", &walInfo) == 0 && walInfo.st_size > 0
        if pages > 0, word(24) == word(92), !walHoldsPages, Int(info.st_size) < pages * pageSize {
            throw .corruptFile(path: path, why: "truncated: its header says \(pages * pageSize) bytes, the file has \(info.st_size)")
        }
    }
}

/// `open(2)` for reading (inside `DatabaseFile` its own `open` hides the C function).
private func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC, 0) }
