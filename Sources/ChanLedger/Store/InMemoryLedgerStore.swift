/// A `LedgerStore` in memory, for tests and simulations. A value: copying it forks the ledger.
public struct InMemoryLedgerStore: LedgerStore, Sendable {
    private var headers: [BlockHeader] = []
    private var blockTransactions: [[TxID]] = []
    private var records: [TxID: TransactionRecord] = [:]
    private var utxos: [OutPoint: UnspentOutput] = [:]
    private var mempool: [TxID] = []
    private var mempoolSpends: [OutPoint: TxID] = [:]
    private var minted = Satoshi.zero
    private var serial: UInt64 = 0

    public init() {}

    public func tip() -> BlockHeader? { headers.last }

    public func header(at height: UInt32) -> BlockHeader? {
        Int(height) < headers.count ? headers[Int(height)] : nil
    }

    public mutating func appendHeader(_ header: BlockHeader) throws {
        guard Int(header.height) == headers.count else {
            throw LedgerError.storeInconsistent("header at height \(header.height) appended at \(headers.count)")
        }
        headers.append(header)
        blockTransactions.append([])
    }

    public func transactions(atHeight height: UInt32) -> [Transaction] {
        guard Int(height) < blockTransactions.count else { return [] }
        return blockTransactions[Int(height)].compactMap { records[$0]?.transaction }
    }

    public func transaction(_ txid: TxID) -> TransactionRecord? { records[txid] }

    public mutating func recordConfirmed(_ transaction: Transaction, height: UInt32, position: Int) throws {
        guard Int(height) < blockTransactions.count else {
            throw LedgerError.storeInconsistent("no block at height \(height)")
        }
        let txid = transaction.txid
        if records[txid]?.status == .mempool { dropFromMempool(txid) }
        records[txid] = TransactionRecord(transaction: transaction, status: .confirmed(height: height))
        blockTransactions[Int(height)].append(txid)
    }

    public func unspentOutput(_ outPoint: OutPoint) -> UnspentOutput? { utxos[outPoint] }

    public func unspentOutputs(paying conditions: Set<OutputCondition>) -> [UnspentOutput] {
        utxos.values.filter { conditions.contains($0.condition) }.sorted { $0.outPoint < $1.outPoint }
    }

    public func allUnspentOutputs() -> [UnspentOutput] {
        utxos.values.sorted { $0.outPoint < $1.outPoint }
    }

    public func unspentSummary() throws -> (count: Int, total: Satoshi) {
        var total = Satoshi.zero
        for utxo in utxos.values { total = try total.adding(utxo.amount) }
        return (utxos.count, total)
    }

    public mutating func insertUnspentOutput(_ output: UnspentOutput) throws {
        guard utxos[output.outPoint] == nil else {
            throw LedgerError.storeInconsistent("output \(output.outPoint) inserted twice")
        }
        utxos[output.outPoint] = output
    }

    public mutating func removeUnspentOutput(_ outPoint: OutPoint) throws {
        guard utxos.removeValue(forKey: outPoint) != nil else {
            throw LedgerError.storeInconsistent("output \(outPoint) removed but not unspent")
        }
    }

    public func mempoolTransactions() -> [Transaction] { mempool.compactMap { records[$0]?.transaction } }

    public func mempoolSpender(of outPoint: OutPoint) -> TxID? { mempoolSpends[outPoint] }

    public mutating func addToMempool(_ transaction: Transaction) throws {
        let txid = transaction.txid
        guard records[txid] == nil else { throw LedgerError.alreadyKnown(txid) }
        records[txid] = TransactionRecord(transaction: transaction, status: .mempool)
        mempool.append(txid)
        for input in transaction.inputs { mempoolSpends[input.previousOutput] = txid }
    }

    public mutating func removeFromMempool(_ txid: TxID) {
        guard records[txid]?.status == .mempool else { return }
        dropFromMempool(txid)
        records[txid] = nil
    }

    private mutating func dropFromMempool(_ txid: TxID) {
        mempool.removeAll { $0 == txid }
        for input in records[txid]?.transaction.inputs ?? [] where mempoolSpends[input.previousOutput] == txid {
            mempoolSpends[input.previousOutput] = nil
        }
    }

    public func mintedTotal() -> Satoshi { minted }
    public mutating func setMintedTotal(_ total: Satoshi) { minted = total }
    public func nextMintSerial() -> UInt64 { serial }
    public mutating func setNextMintSerial(_ serial: UInt64) { self.serial = serial }
}
