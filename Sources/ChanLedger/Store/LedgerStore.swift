/// An unspent output and the height of the block that confirmed it (relative timelocks
/// count from there).
public struct UnspentOutput: Hashable, Sendable {
    public let outPoint: OutPoint
    public let output: TxOutput
    public let height: UInt32

    public init(outPoint: OutPoint, output: TxOutput, height: UInt32) {
        self.outPoint = outPoint
        self.output = output
        self.height = height
    }

    public var amount: Satoshi { output.amount }
    public var condition: OutputCondition { output.condition }
}

/// Where a known transaction is.
public enum TransactionStatus: Hashable, Sendable {
    case mempool
    case confirmed(height: UInt32)
}

public struct TransactionRecord: Hashable, Sendable {
    public let transaction: Transaction
    public let status: TransactionStatus

    public init(transaction: Transaction, status: TransactionStatus) {
        self.transaction = transaction
        self.status = status
    }
}

/// The ledger's state, as the `Ledger` engine reads and writes it: the chain of block headers,
/// every transaction with its block height, the UTXO set with confirmation heights, the
/// mempool (arrival order, and which mempool transaction spends which outpoint), the total
/// minted and the next mint serial.
///
/// A store does no validation; the engine does. Requirements are `mutating` so a value type
/// (`InMemoryLedgerStore`) can conform; a store over a database is a class whose instance is
/// valid inside one database transaction, so that one engine call is one atomic write.
/// Errors thrown are the store's own (the engine passes them through).
public protocol LedgerStore {
    // Chain.
    /// The highest block, or nil for an empty store (the engine then writes the genesis block).
    func tip() throws -> BlockHeader?
    func header(at height: UInt32) throws -> BlockHeader?
    /// Appends a header at `tip.height + 1` (or 0). Its transactions are recorded separately
    /// with `recordConfirmed`.
    mutating func appendHeader(_ header: BlockHeader) throws
    /// The transactions confirmed at `height`, in block order.
    func transactions(atHeight height: UInt32) throws -> [Transaction]

    // Transactions.
    func transaction(_ txid: TxID) throws -> TransactionRecord?
    /// Records `transaction` as confirmed at `height`, `position` in its block; if it was in
    /// the mempool it leaves the mempool (and its mempool spends are forgotten).
    mutating func recordConfirmed(_ transaction: Transaction, height: UInt32, position: Int) throws

    // UTXO set.
    func unspentOutput(_ outPoint: OutPoint) throws -> UnspentOutput?
    /// Unspent outputs whose condition is one of `conditions` (a wallet's keys), in outpoint order.
    func unspentOutputs(paying conditions: Set<OutputCondition>) throws -> [UnspentOutput]
    /// The whole UTXO set, in outpoint order (audit).
    func allUnspentOutputs() throws -> [UnspentOutput]
    /// Count and sum of the UTXO set; a store may compute it without loading every output.
    func unspentSummary() throws -> (count: Int, total: Satoshi)
    mutating func insertUnspentOutput(_ output: UnspentOutput) throws
    mutating func removeUnspentOutput(_ outPoint: OutPoint) throws

    // Mempool.
    /// Mempool transactions in arrival order.
    func mempoolTransactions() throws -> [Transaction]
    /// The mempool transaction that spends `outPoint`, if any.
    func mempoolSpender(of outPoint: OutPoint) throws -> TxID?
    /// Adds the transaction at the end of the mempool and records the outpoints it spends.
    mutating func addToMempool(_ transaction: Transaction) throws
    /// Forgets a mempool transaction entirely (it was found invalid).
    mutating func removeFromMempool(_ txid: TxID) throws

    // Counters.
    /// The sum of all confirmed mints.
    func mintedTotal() throws -> Satoshi
    mutating func setMintedTotal(_ total: Satoshi) throws
    /// The serial the faucet gives its next mint.
    func nextMintSerial() throws -> UInt64
    mutating func setNextMintSerial(_ serial: UInt64) throws
}
