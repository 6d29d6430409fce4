import ChanCrypto
import ChanLedger
import GRDB

public struct WalletBalance: Hashable, Sendable {
    /// Confirmed outputs to the wallet that no mempool transaction spends.
    public let confirmed: Satoshi
    /// Outputs to the wallet in mempool transactions.
    public let unconfirmed: Satoshi
    public let total: Satoshi
}

public struct SendResult: Hashable, Sendable {
    public let txid: TxID
    public let destination: Address
    public let amount: Satoshi
    public let fee: Satoshi
    public let change: Satoshi
    /// The fresh address the change went to; nil when there is no change output.
    public let changeAddress: Address?
}

/// The node's on-ledger wallet. Address `i` is `NodeKeys.walletKey(index: i)`; the node
/// database records which indexes were issued, the ledger holds the coins.
extension LocalNode {
    /// A fresh address (the next index), recorded in the node database.
    public func newAddress() throws -> Address {
        try DatabaseFile.mapErrors {
            var issued: PublicKey?
            try database.queue.inTransaction(.immediate) { db in
                let index = try NodeDatabase.nextWalletIndex(db)
                let key = keys.walletKey(index: index).publicKey
                try NodeDatabase.recordWalletKey(db, index: index, key: key)
                issued = key
                return .commit
            }
            guard let issued else { throw StoreError.database("the new wallet key was not recorded") }
            return Address(key: issued)
        }
    }

    /// Every address issued so far, by index.
    public func addresses() throws -> [Address] {
        try DatabaseFile.mapErrors {
            try database.queue.read { db in
                try NodeDatabase.walletKeys(db).sorted { $0.key < $1.key }.map { Address(key: $0.value) }
            }
        }
    }

    public func balance(ledger: LedgerDatabase) throws -> WalletBalance {
        let conditions = Set(try addresses().map(\.condition))
        let (confirmed, unconfirmed) = try ledger.read { try $0.balance(of: conditions) }
        return WalletBalance(confirmed: confirmed, unconfirmed: unconfirmed, total: try confirmed.adding(unconfirmed))
    }

    /// Pays `amount` to `destination` from confirmed coins not spent in the mempool, with the
    /// change to a fresh address, and submits the signed transaction to the mempool.
    ///
    /// One IMMEDIATE transaction on the node database encloses one on the ledger (always in
    /// this order, so concurrent sends cannot deadlock): two sends from the same node, or from
    /// different nodes, never pick the same coin, and a failed send changes neither file.
    public func send(_ amount: Satoshi, to destination: Address, feeRate: FeeRate, ledger: LedgerDatabase) throws -> SendResult {
        try DatabaseFile.mapErrors {
            var result: SendResult?
            try database.queue.inTransaction(.immediate) { db in
                let issued = try NodeDatabase.walletKeys(db)
                let indexOf = Dictionary(issued.map { ($0.value, $0.key) }, uniquingKeysWith: min)
                let changeIndex = try NodeDatabase.nextWalletIndex(db)
                let changeKey = keys.walletKey(index: changeIndex).publicKey
                let sent = try ledger.write { ledger in
                    let coins = try ledger.spendableOutputs(paying: Set(issued.values.map { OutputCondition.key($0) }))
                    let draft = try CoinSelection.draft(
                        paying: amount, to: destination.condition, from: coins, changeTo: .key(changeKey), feeRate: feeRate)
                    let signingKeys = try draft.spent.map { coin throws -> PrivateKey in
                        guard case .key(let key) = coin.condition, let index = indexOf[key] else {
                            throw StoreError.database("coin \(coin.outPoint) is not the wallet's")
                        }
                        return keys.walletKey(index: index)
                    }
                    let signed = try draft.transaction.signedForKeys(signingKeys)
                    try ledger.submit(signed)
                    return (signed.txid, draft)
                }
                if sent.1.change > .zero { try NodeDatabase.recordWalletKey(db, index: changeIndex, key: changeKey) }
                result = SendResult(
                    txid: sent.0, destination: destination, amount: amount, fee: sent.1.fee, change: sent.1.change,
                    changeAddress: sent.1.change > .zero ? Address(key: changeKey) : nil)
                return .commit
            }
            guard let result else { throw StoreError.database("the send returned nothing") }
            return result
        }
    }
}
