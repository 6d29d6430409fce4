import ChanLedger
import Foundation
import GRDB

/// `LedgerStore` over one open SQLite transaction. Valid only inside the `LedgerDatabase`
/// closure that made it: the engine's reads and writes of one call share that transaction.
public final class SQLiteLedgerStore: LedgerStore {
    private let db: Database

    init(_ db: Database) { self.db = db }

    // MARK: Chain

    public func tip() throws -> BlockHeader? {
        try Row.fetchOne(db, sql: "SELECT * FROM blocks ORDER BY height DESC LIMIT 1").map(header(from:))
    }

    public func header(at height: UInt32) throws -> BlockHeader? {
        try Row.fetchOne(db, sql: "SELECT * FROM blocks WHERE height = ?", arguments: [Int64(height)]).map(header(from:))
    }

    public func appendHeader(_ header: BlockHeader) throws {
        try db.execute(
            sql: "INSERT INTO blocks (height, version, previous_hash, transaction_root, hash) VALUES (?, ?, ?, ?, ?)",
            arguments: [Int64(header.height), Int64(header.version), Data(header.previousHash.bytes),
                        Data(header.transactionRoot), Data(header.hash.bytes)])
    }

    public func transactions(atHeight height: UInt32) throws -> [Transaction] {
        try Data.fetchAll(
            db, sql: "SELECT raw FROM transactions WHERE block_height = ? ORDER BY position", arguments: [Int64(height)]
        ).map { try Transaction(serialized: [UInt8]($0)) }
    }

    // MARK: Transactions

    public func transaction(_ txid: TxID) throws -> TransactionRecord? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT raw, block_height FROM transactions WHERE txid = ?", arguments: [Data(txid.bytes)])
        else { return nil }
        let transaction = try Transaction(serialized: [UInt8](row["raw"] as Data))
        let height: Int64? = row["block_height"]
        return TransactionRecord(
            transaction: transaction, status: try height.map { .confirmed(height: try uint32($0)) } ?? .mempool)
    }

    public func recordConfirmed(_ transaction: Transaction, height: UInt32, position: Int) throws {
        let txid = Data(transaction.txid.bytes)
        try db.execute(sql: "DELETE FROM mempool_spends WHERE spender = ?", arguments: [txid])
        try db.execute(
            sql: """
                INSERT INTO transactions (txid, raw, block_height, position, mempool_seq) VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT (txid) DO UPDATE SET
                    raw = excluded.raw, block_height = excluded.block_height,
                    position = excluded.position, mempool_seq = NULL
                """,
            arguments: [txid, Data(transaction.serialized()), Int64(height), Int64(position)])
    }

    // MARK: UTXO set

    public func unspentOutput(_ outPoint: OutPoint) throws -> UnspentOutput? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM utxos WHERE txid = ? AND output_index = ?",
            arguments: [Data(outPoint.txid.bytes), Int64(outPoint.index)]
        ).map(unspentOutput(from:))
    }

    public func unspentOutputs(paying conditions: Set<OutputCondition>) throws -> [UnspentOutput] {
        var found: [UnspentOutput] = []
        let keys = conditions.map { Data($0.serialized) }
        // Stay well under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start..<min(start + 500, keys.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            found += try Row.fetchAll(
                db, sql: "SELECT * FROM utxos WHERE condition IN (\(marks))", arguments: StatementArguments(chunk)
            ).map(unspentOutput(from:))
        }
        return found.sorted { $0.outPoint < $1.outPoint }
    }

    public func allUnspentOutputs() throws -> [UnspentOutput] {
        try Row.fetchAll(db, sql: "SELECT * FROM utxos ORDER BY txid, output_index").map(unspentOutput(from:))
    }

    public func unspentSummary() throws -> (count: Int, total: Satoshi) {
        let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM utxos")
        let count: Int64 = row?["n"] ?? 0
        let total: Int64 = row?["total"] ?? 0
        return (Int(count), try satoshi(total))
    }

    public func insertUnspentOutput(_ output: UnspentOutput) throws {
        try db.execute(
            sql: "INSERT INTO utxos (txid, output_index, amount, condition, height) VALUES (?, ?, ?, ?, ?)",
            arguments: [Data(output.outPoint.txid.bytes), Int64(output.outPoint.index), try int64(output.amount),
                        Data(output.condition.serialized), Int64(output.height)])
    }

    public func removeUnspentOutput(_ outPoint: OutPoint) throws {
        try db.execute(
            sql: "DELETE FROM utxos WHERE txid = ? AND output_index = ?",
            arguments: [Data(outPoint.txid.bytes), Int64(outPoint.index)])
        guard db.changesCount == 1 else {
            throw LedgerError.storeInconsistent("output \(outPoint) removed but not unspent")
        }
    }

    // MARK: Mempool

    public func mempoolTransactions() throws -> [Transaction] {
        try Data.fetchAll(db, sql: "SELECT raw FROM transactions WHERE mempool_seq IS NOT NULL ORDER BY mempool_seq")
            .map { try Transaction(serialized: [UInt8]($0)) }
    }

    public func mempoolSpender(of outPoint: OutPoint) throws -> TxID? {
        try Data.fetchOne(
            db, sql: "SELECT spender FROM mempool_spends WHERE txid = ? AND output_index = ?",
            arguments: [Data(outPoint.txid.bytes), Int64(outPoint.index)]
        ).map { try TxID(bytes: [UInt8]($0)) }
    }

    public func addToMempool(_ transaction: Transaction) throws {
        let txid = Data(transaction.txid.bytes)
        try db.execute(
            sql: """
                INSERT INTO transactions (txid, raw, block_height, position, mempool_seq)
                VALUES (?, ?, NULL, NULL, (SELECT COALESCE(MAX(mempool_seq), 0) + 1 FROM transactions))
                """,
            arguments: [txid, Data(transaction.serialized())])
        for input in transaction.inputs {
            try db.execute(
                sql: "INSERT INTO mempool_spends (txid, output_index, spender) VALUES (?, ?, ?)",
                arguments: [Data(input.previousOutput.txid.bytes), Int64(input.previousOutput.index), txid])
        }
    }

    public func removeFromMempool(_ txid: TxID) throws {
        let key = Data(txid.bytes)
        try db.execute(sql: "DELETE FROM mempool_spends WHERE spender = ?", arguments: [key])
        try db.execute(sql: "DELETE FROM transactions WHERE txid = ? AND mempool_seq IS NOT NULL", arguments: [key])
    }

    // MARK: Counters

    public func mintedTotal() throws -> Satoshi { try satoshi(try meta("minted_total")) }
    public func setMintedTotal(_ total: Satoshi) throws { try setMeta("minted_total", try int64(total)) }

    public func nextMintSerial() throws -> UInt64 {
        let value = try meta("next_mint_serial")
        guard value >= 0 else { throw LedgerError.storeInconsistent("negative mint serial") }
        return UInt64(value)
    }

    public func setNextMintSerial(_ serial: UInt64) throws {
        guard let value = Int64(exactly: serial) else { throw LedgerError.storeInconsistent("mint serial too large") }
        try setMeta("next_mint_serial", value)
    }

    // MARK: Rows

    private func meta(_ key: String) throws -> Int64 {
        guard let value = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) else {
            throw LedgerError.storeInconsistent("no \(key) in the ledger's meta table")
        }
        return value
    }

    private func setMeta(_ key: String, _ value: Int64) throws {
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = ?", arguments: [value, key])
    }

    private func header(from row: Row) throws -> BlockHeader {
        let header = BlockHeader(
            version: try uint32(row["version"]), height: try uint32(row["height"]),
            previousHash: try BlockHash(bytes: [UInt8](row["previous_hash"] as Data)),
            transactionRoot: [UInt8](row["transaction_root"] as Data))
        guard header.hash.bytes == [UInt8](row["hash"] as Data) else {
            throw LedgerError.storeInconsistent("block \(header.height)'s stored hash does not match its header")
        }
        return header
    }

    private func unspentOutput(from row: Row) throws -> UnspentOutput {
        UnspentOutput(
            outPoint: OutPoint(txid: try TxID(bytes: [UInt8](row["txid"] as Data)), index: try uint32(row["output_index"])),
            output: TxOutput(
                amount: try satoshi(row["amount"]),
                condition: try OutputCondition(serialized: [UInt8](row["condition"] as Data))),
            height: try uint32(row["height"]))
    }

    private func uint32(_ value: Int64) throws -> UInt32 {
        guard let result = UInt32(exactly: value) else { throw LedgerError.storeInconsistent("\(value) is out of range") }
        return result
    }

    private func satoshi(_ value: Int64) throws -> Satoshi {
        guard value >= 0 else { throw LedgerError.storeInconsistent("negative amount \(value)") }
        return Satoshi(UInt64(value))
    }

    private func int64(_ amount: Satoshi) throws -> Int64 {
        guard let value = Int64(exactly: amount.value) else { throw LedgerError.storeInconsistent("amount too large") }
        return value
    }
}
