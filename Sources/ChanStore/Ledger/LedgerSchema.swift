import GRDB

/// The ledger's tables. Later issues add migrations; never edit a shipped one.
///
/// - `meta`: named integers (`minted_total`, `next_mint_serial`).
/// - `blocks`: one header per height.
/// - `transactions`: every known transaction's full serialization, confirmed (`block_height`,
///   `position`) or in the mempool (`mempool_seq`, arrival order), never both.
/// - `utxos`: the UTXO set with each output's condition bytes (indexed, for wallets) and the
///   height that confirmed it.
/// - `mempool_spends`: which mempool transaction spends which outpoint (one at most).
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                INSERT INTO meta (key, value) VALUES ('minted_total', 0), ('next_mint_serial', 0);
                CREATE TABLE blocks (
                    height INTEGER PRIMARY KEY NOT NULL,
                    version INTEGER NOT NULL,
                    previous_hash BLOB NOT NULL,
                    transaction_root BLOB NOT NULL,
                    hash BLOB NOT NULL UNIQUE
                );
                CREATE TABLE transactions (
                    txid BLOB PRIMARY KEY NOT NULL,
                    raw BLOB NOT NULL,
                    block_height INTEGER,
                    position INTEGER,
                    mempool_seq INTEGER UNIQUE,
                    CHECK ((block_height IS NULL) <> (mempool_seq IS NULL))
                );
                CREATE INDEX transactions_by_block ON transactions (block_height, position);
                CREATE TABLE utxos (
                    txid BLOB NOT NULL,
                    output_index INTEGER NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount >= 0),
                    condition BLOB NOT NULL,
                    height INTEGER NOT NULL,
                    PRIMARY KEY (txid, output_index)
                ) WITHOUT ROWID;
                CREATE INDEX utxos_by_condition ON utxos (condition);
                CREATE TABLE mempool_spends (
                    txid BLOB NOT NULL,
                    output_index INTEGER NOT NULL,
                    spender BLOB NOT NULL,
                    PRIMARY KEY (txid, output_index)
                ) WITHOUT ROWID;
                CREATE INDEX mempool_spends_by_spender ON mempool_spends (spender);
                """)
        }
        return migrator
    }
}
