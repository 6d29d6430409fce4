import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// `nodes/NAME/node.sqlite`: the node's own state. For now the wallet's issued addresses
/// (index and public key); channel and payment tables come with their issues, as migrations.
final class NodeDatabase: Sendable {
    let queue: DatabaseQueue

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
        return migrator
    }

    /// Creates the file (mode 0600) and its schema.
    static func create(path: String) throws -> NodeDatabase {
        try DatabaseFile.createExclusive(path)
        return try DatabaseFile.mapErrors { NodeDatabase(queue: try DatabaseFile.open(path, migrator: migrator)) }
    }

    static func open(path: String) throws -> NodeDatabase {
        guard FileSystem.exists(path) else { throw StoreError.corruptFile(path: path, why: "missing") }
        return try DatabaseFile.mapErrors { NodeDatabase(queue: try DatabaseFile.open(path, migrator: migrator)) }
    }

    /// The public keys of every issued wallet address, by index.
    static func walletKeys(_ db: Database) throws -> [UInt32: PublicKey] {
        var keys: [UInt32: PublicKey] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key_index, public_key FROM wallet_keys") {
            let index: Int64 = row["key_index"]
            guard let index = UInt32(exactly: index) else { throw StoreError.database("wallet key index \(index) out of range") }
            keys[index] = try PublicKey(compressed: [UInt8](row["public_key"] as Data))
        }
        return keys
    }

    /// The index the next address takes.
    static func nextWalletIndex(_ db: Database) throws -> UInt32 {
        let next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(key_index) + 1, 0) FROM wallet_keys") ?? 0
        guard let index = UInt32(exactly: next) else { throw StoreError.database("the wallet has run out of address indexes") }
        return index
    }

    static func recordWalletKey(_ db: Database, index: UInt32, key: PublicKey) throws {
        try db.execute(
            sql: "INSERT INTO wallet_keys (key_index, public_key) VALUES (?, ?)",
            arguments: [Int64(index), Data(key.compressed)])
    }
}
