import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB
import Synchronization

/// `nodes/NAME/node.sqlite`: the node's own state, persistence only (the daemon decides what to
/// write). Migrations are frozen once shipped: a change is a new migration.
///
/// - `wallet_keys`: the wallet's issued addresses (index and public key; the keys re-derive).
/// - `meta`: named integers (`next_channel_index`).
/// - `channels`: one versioned `ChannelRecord` per channel, rewritten at each persist; it stays
///   as large as the channel's current state.
/// - `revocation_log`, `state_changes`: what grows with a channel's age, append-only.
/// - `commitment_archive`: our own signed commitments as they were replaced, for `cheat` demos.
/// - `peers`: where to reach the peers we share channels with.
/// - `invoices`, `payments`: our invoices (with their preimages) and our outgoing payments.
/// - `forwards`: every HTLC we were asked to forward and its outcome (NodeStore+Forwards.swift).
/// - `payment_attempts`: every HTLC our payments sent, and how each ended (NodeStore+Attempts.swift).
/// - `gossip_channels`, `gossip_nodes`, `channel_policies`: the public network as we know it,
///   and what we ask to forward over each of our channels (NodeStore+Gossip.swift).
public final class NodeStore: Sendable {
    let queue: DatabaseQueue
    private let batch = Mutex(BatchState())

    private init(queue: DatabaseQueue) { self.queue = queue }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-wallet") { db in
            try db.execute(sql: """
                CREATE TABLE wallet_keys (
                    key_index INTEGER PRIMARY KEY NOT NULL CHECK (key_index >= 0),
                    public_key BLOB NOT NULL UNIQUE
                );
                """)
        }
        migrator.registerMigration("v2-channels-payments") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                INSERT INTO meta (key, value) VALUES ('next_channel_index', 0);
                CREATE TABLE channels (
                    channel_index INTEGER PRIMARY KEY NOT NULL,
                    channel_id BLOB NOT NULL,
                    peer_id BLOB NOT NULL,
                    phase TEXT NOT NULL,
                    record BLOB NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE revocation_log (
                    channel_index INTEGER NOT NULL,
                    txid BLOB NOT NULL,
                    commitment_number INTEGER NOT NULL,
                    PRIMARY KEY (channel_index, txid)
                ) WITHOUT ROWID;
                CREATE TABLE state_changes (
                    channel_index INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    old TEXT NOT NULL,
                    new TEXT NOT NULL,
                    cause TEXT NOT NULL,
                    PRIMARY KEY (channel_index, seq)
                ) WITHOUT ROWID;
                CREATE TABLE commitment_archive (
                    channel_index INTEGER NOT NULL,
                    commitment_number INTEGER NOT NULL,
                    raw BLOB NOT NULL,
                    PRIMARY KEY (channel_index, commitment_number)
                ) WITHOUT ROWID;
                CREATE TABLE peers (
                    node_id BLOB PRIMARY KEY NOT NULL,
                    host TEXT NOT NULL,
                    port INTEGER NOT NULL
                );
                CREATE TABLE invoices (
                    payment_hash BLOB PRIMARY KEY NOT NULL,
                    preimage BLOB NOT NULL,
                    payment_secret BLOB NOT NULL,
                    bolt11 TEXT NOT NULL,
                    amount_msat INTEGER,
                    description TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    min_final_cltv_expiry INTEGER NOT NULL,
                    hold INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    received_msat INTEGER,
                    paid_at INTEGER
                );
                CREATE TABLE payments (
                    payment_hash BLOB PRIMARY KEY NOT NULL,
                    bolt11 TEXT,
                    destination BLOB NOT NULL,
                    amount_msat INTEGER NOT NULL,
                    fee_msat INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    resolved_at INTEGER,
                    preimage BLOB,
                    failure_code TEXT,
                    failure_message TEXT,
                    channel_index INTEGER,
                    htlc_id INTEGER,
                    hop_secrets BLOB
                );
                """)
        }
        registerGossipMigration(&migrator)
        registerForwardsMigration(&migrator)
        registerAttemptsMigration(&migrator)
        return migrator
    }

    /// Creates the file (mode 0600) and its schema.
    static func create(path: String) throws -> NodeStore {
        try DatabaseFile.createExclusive(path)
        return try DatabaseFile.mapErrors { NodeStore(queue: try DatabaseFile.open(path, migrator: migrator, allowingBatches: true)) }
    }

    static func open(path: String) throws -> NodeStore {
        guard FileSystem.exists(path) else { throw StoreError.corruptFile(path: path, why: "missing") }
        try DatabaseFile.checkHeader(path)
        return try DatabaseFile.mapErrors(path: path) { NodeStore(queue: try DatabaseFile.open(path, migrator: migrator, allowingBatches: true)) }
    }

    /// When a write is durable.
    public enum Durability: Sendable {
        /// Committed (fsynced) before the call returns; with a batch open, the batch commits with it.
        case immediate
        /// Part of the open batch (opened by the first such write): durable once `commitBatch`
        /// returns. The daemon batches the writes of one turn of its loop (group commit).
        case batched
    }

    /// Runs `body` in a transaction, or in a savepoint of the open batch: a write that throws
    /// changes nothing either way. An immediate write while a batch is open commits the batch
    /// with it; if that commit fails, the batch is lost, and `commitBatch` says so.
    func write<T>(_ durability: Durability = .immediate, _ body: (Database) throws -> T) throws -> T {
        try DatabaseFile.mapErrors(path: queue.path) {
            try queue.inDatabase { db in
                noteBatchEndedBehindOurBack(db)
                var result: T?
                if !db.isInsideTransaction && durability == .immediate {
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
                if !db.isInsideTransaction {
                    try db.beginTransaction(.immediate)
                    batch.withLock { $0.open = true }
                }
                do {
                    try db.inSavepoint {
                        result = try body(db)
                        return .commit
                    }
                } catch {
                    noteBatchEndedBehindOurBack(db)
                    throw error
                }
                if durability == .immediate { try endBatch(db, commit: true) }
                return result!
            }
        }
    }

    /// Makes the open batch durable (nothing to do without one); throws if the batch was lost
    /// (rolled back by a failed write or commit), so that nothing that waited for it leaves.
    public func commitBatch() throws {
        try DatabaseFile.mapErrors(path: queue.path) {
            try queue.inDatabase { db in
                noteBatchEndedBehindOurBack(db)
                if batch.withLock({ state in defer { state.lost = false }; return state.lost }) {
                    throw StoreError.database("the batch of writes was rolled back before its commit")
                }
                if db.isInsideTransaction { try endBatch(db, commit: true) }
            }
        }
    }

    /// Discards the open batch (a halting daemon: nothing after a failed write is kept).
    public func rollbackBatch() {
        try? queue.inDatabase { db in
            if db.isInsideTransaction { try endBatch(db, commit: false) }
            batch.withLock { $0 = BatchState() }
        }
    }

    /// Whether a batch is open, and whether one was lost since the last `commitBatch`.
    struct BatchState {
        var open = false
        var lost = false
    }

    /// SQLite ends a transaction on its own after some errors (disk full, I/O): the batch's
    /// rows are gone, and the next write must not quietly start a new batch as if they were not.
    private func noteBatchEndedBehindOurBack(_ db: Database) {
        guard !db.isInsideTransaction else { return }
        batch.withLock { state in
            if state.open { state.lost = true }
            state.open = false
        }
    }

    private func endBatch(_ db: Database, commit: Bool) throws {
        defer { batch.withLock { $0.open = false } }
        guard commit else { return try db.rollback() }
        do {
            try db.commit()
        } catch {
            try? db.rollback()
            batch.withLock { $0.lost = true }
            throw error
        }
    }

    /// Reads run outside a transaction (and see the open batch: one connection): the daemon is
    /// the store's only writer, and GRDB's `read` toggles `PRAGMA query_only`, which expires
    /// every cached statement each time.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try DatabaseFile.mapErrors(path: queue.path) { try queue.inDatabase(body) }
    }
}

extension Database {
    func integer(meta key: String) throws -> Int64 {
        guard let value = try Int64.fetchOne(self.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key]) else {
            throw StoreError.database("meta \(key) is missing")
        }
        return value
    }

    func setInteger(meta key: String, _ value: Int64) throws {
        try execute(sql: "UPDATE meta SET value = ? WHERE key = ?", arguments: [value, key])
    }
}

/// SQLite integers are signed 64-bit; ours are unsigned. Values above `Int64.max` are stored as
/// their bit pattern (never met in practice: heights, indexes and msat amounts stay far below).
extension UInt64 {
    var stored: Int64 { Int64(bitPattern: self) }
    init(stored value: Int64) { self = UInt64(bitPattern: value) }
}
