import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// The wallet's issued addresses: index and public key (the private keys re-derive from the seed).
extension NodeStore {
    /// The public keys of every issued wallet address, by index.
    static func walletKeys(_ db: Database) throws -> [UInt32: PublicKey] {
        var keys: [UInt32: PublicKey] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key_index, public_key FROM wallet_keys")) {
            let index: Int64 = row["key_index"]
            guard let index = UInt32(exactly: index) else { throw StoreError.database("wallet key index \(index) out of range") }
            keys[index] = try PublicKey(compressed: [UInt8](row["public_key"] as Data))
        }
        return keys
    }

    /// The index the next address takes.
    static func nextWalletIndex(_ db: Database) throws -> UInt32 {
        let next = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(key_index) + 1, 0) FROM wallet_keys")) ?? 0
        guard let index = UInt32(exactly: next) else { throw StoreError.database("the wallet has run out of address indexes") }
        return index
    }

    static func recordWalletKey(_ db: Database, index: UInt32, key: PublicKey) throws {
        try db.cachedStatement(sql: "INSERT INTO wallet_keys (key_index, public_key) VALUES (?, ?)").execute(arguments: [Int64(index), Data(key.compressed)])
    }
}

/// The wallet's keys inside one IMMEDIATE node-database transaction (see `NodeStore.wallet`).
public struct WalletKeys {
    let db: Database

    /// Every issued key, by index.
    public func issued() throws -> [UInt32: PublicKey] { try NodeStore.walletKeys(db) }

    /// The index the next address takes.
    public func nextIndex() throws -> UInt32 { try NodeStore.nextWalletIndex(db) }

    /// Records that address `index` (public key `key`) was issued.
    public func record(index: UInt32, key: PublicKey) throws { try NodeStore.recordWalletKey(db, index: index, key: key) }
}

extension NodeStore {
    /// Runs `body` in one IMMEDIATE transaction on the wallet's keys, committed if it returns:
    /// two callers never issue the same index, and a failed payment records nothing.
    public func wallet<T>(_ body: (WalletKeys) throws -> T) throws -> T {
        try write { db in try body(WalletKeys(db: db)) }
    }

    /// Every issued key, by index (a read).
    public func walletKeys() throws -> [UInt32: PublicKey] {
        try read { db in try NodeStore.walletKeys(db) }
    }
}
