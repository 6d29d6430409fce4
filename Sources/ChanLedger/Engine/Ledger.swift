/// The toy L1: validation, mempool, mining, faucet and audit over a `LedgerStore`.
///
/// Pure: no I/O, no clock, no randomness (blocks carry no timestamp; mint serials come from
/// the store). Each mutating call leaves the store consistent if it succeeds; when it throws,
/// the caller discards the store's changes (a database store rolls its transaction back; the
/// in-memory store is a value, so the caller keeps its copy from before the call).
public struct Ledger<Store: LedgerStore> {
    public var store: Store

    /// Wraps `store`, writing the genesis block if the store is empty.
    public init(store: Store) throws {
        self.store = store
        if try self.store.tip() == nil {
            try self.store.appendHeader(Block.genesis.header)
        }
    }

    /// The hash of the genesis block, naming this chain in BOLT messages and invoices.
    public var chainHash: BlockHash { Block.chainHash }

    public func tip() throws -> BlockHeader {
        guard let tip = try store.tip() else { throw LedgerError.storeInconsistent("no genesis block") }
        return tip
    }

    /// The height of the block the next transaction would be mined in; timelocks are checked
    /// against it.
    public func nextHeight() throws -> UInt32 {
        let height = try tip().height
        guard height < UInt32.max else { throw LedgerError.invalidBlock("the chain is at its last height") }
        return height + 1
    }

    /// A transaction with where it is, how deep, and its fee (nil for mints and coinbases).
    public func lookup(_ txid: TxID) throws -> TransactionLookup {
        guard let record = try store.transaction(txid) else { throw LedgerError.txNotFound(txid) }
        let confirmations: UInt32
        switch record.status {
        case .mempool: confirmations = 0
        case .confirmed(let height): confirmations = try tip().height - height + 1
        }
        return TransactionLookup(
            transaction: record.transaction, status: record.status,
            confirmations: confirmations, fee: try fee(of: record.transaction))
    }

    /// The fee a known regular transaction pays (inputs looked up among known transactions,
    /// spent or not); nil for mints and coinbases.
    public func fee(of transaction: Transaction) throws -> Satoshi? {
        switch transaction.kind {
        case .mint, .coinbase: return nil
        case .regular: break
        }
        var inputs = Satoshi.zero
        for input in transaction.inputs {
            let previous = input.previousOutput
            guard let record = try store.transaction(previous.txid),
                  Int(previous.index) < record.transaction.outputs.count
            else { throw LedgerError.missingInput(previous) }
            inputs = try inputs.adding(record.transaction.outputs[Int(previous.index)].amount)
        }
        var outputs = Satoshi.zero
        for output in transaction.outputs { outputs = try outputs.adding(output.amount) }
        return try inputs.subtracting(outputs)
    }

    public func info() throws -> LedgerInfo {
        let tip = try tip()
        let summary = try store.unspentSummary()
        return LedgerInfo(
            height: tip.height, tipHash: tip.hash, chainHash: chainHash,
            mempoolSize: try store.mempoolTransactions().count,
            utxoCount: summary.count, unspentTotal: summary.total, mintedTotal: try store.mintedTotal())
    }
}

public struct TransactionLookup: Hashable, Sendable {
    public let transaction: Transaction
    public let status: TransactionStatus
    /// 0 in the mempool; 1 in the tip block.
    public let confirmations: UInt32
    public let fee: Satoshi?
}

public struct LedgerInfo: Hashable, Sendable {
    public let height: UInt32
    public let tipHash: BlockHash
    public let chainHash: BlockHash
    public let mempoolSize: Int
    public let utxoCount: Int
    public let unspentTotal: Satoshi
    public let mintedTotal: Satoshi
}
