import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

public struct WalletBalance: Hashable, Sendable {
    /// Confirmed outputs to the wallet that no mempool transaction spends.
    public let confirmed: Satoshi
    /// Outputs to the wallet in mempool transactions.
    public let unconfirmed: Satoshi
    public let total: Satoshi

    public init(confirmed: Satoshi, unconfirmed: Satoshi, total: Satoshi) {
        self.confirmed = confirmed
        self.unconfirmed = unconfirmed
        self.total = total
    }
}

public struct SendResult: Hashable, Sendable {
    public let txid: TxID
    public let destination: Address
    public let amount: Satoshi
    public let fee: Satoshi
    public let change: Satoshi
    /// Change below the dust limit given to the fee (included in `fee`).
    public let changeToFee: Satoshi
    /// The fresh address the change went to; nil when there is no change output.
    public let changeAddress: Address?
}

/// The node's on-ledger wallet: address `i` is `NodeKeys.walletKey(index: i)`; the node store
/// records which indexes were issued, the ledger holds the coins. The same code serves the
/// daemon and, when no daemon runs, the CLI (the stores are shared safely between processes).
public struct NodeWallet: Sendable {
    let keys: NodeKeys
    let store: NodeStore
    let ledger: LedgerDatabase

    public init(node: LocalNode, ledger: LedgerDatabase) {
        keys = node.keys
        store = node.store
        self.ledger = ledger
    }

    /// A fresh address (the next index), recorded in the node store.
    public func newAddress() throws -> Address {
        let key = try store.wallet { wallet in
            let index = try wallet.nextIndex()
            let key = keys.walletKey(index: index).publicKey
            try wallet.record(index: index, key: key)
            return key
        }
        return Address(key: key)
    }

    /// Every address issued so far, by index.
    public func addresses() throws -> [Address] {
        try store.walletKeys().sorted { $0.key < $1.key }.map { Address(key: $0.value) }
    }

    /// The conditions of every issued address: what the wallet's coins pay to.
    public func conditions() throws -> Set<OutputCondition> { Set(try addresses().map(\.condition)) }

    public func balance() throws -> WalletBalance {
        let conditions = try conditions()
        let (confirmed, unconfirmed) = try ledger.read { try $0.balance(of: conditions) }
        return WalletBalance(confirmed: confirmed, unconfirmed: unconfirmed, total: try confirmed.adding(unconfirmed))
    }

    /// Pays `amount` to `destination` from confirmed coins not spent in the mempool, with the
    /// change to a fresh address, and submits the signed transaction to the mempool. `reserved`
    /// coins (a channel funding signed but not yet broadcast) are not used.
    ///
    /// One IMMEDIATE transaction on the node store encloses one on the ledger (always in this
    /// order, so concurrent sends cannot deadlock): two sends never pick the same coin, and a
    /// failed send changes neither file. A fee above `maxFee` (dust change included) fails
    /// with `fee_above_limit` before anything is submitted.
    public func send(_ amount: Satoshi, to destination: Address, feeRate: FeeRate, maxFee: Satoshi? = nil,
                     excluding reserved: Set<OutPoint> = []) throws -> SendResult {
        try store.wallet { wallet in
            let payment = try ledger.write { ledger in
                let payment = try prepare(paying: amount, to: destination.condition, feeRate: feeRate, wallet: wallet, ledger: ledger, excluding: reserved)
                if let maxFee, payment.draft.fee > maxFee {
                    throw WalletError.feeAboveLimit(fee: payment.draft.fee, changeToFee: payment.draft.changeToFee, limit: maxFee)
                }
                try ledger.submit(payment.signed)
                return payment
            }
            let change = payment.draft.change
            if change > .zero { try wallet.record(index: payment.changeIndex, key: payment.changeKey) }
            return SendResult(txid: payment.signed.txid, destination: destination, amount: amount, fee: payment.draft.fee, change: change,
                              changeToFee: payment.draft.changeToFee, changeAddress: change > .zero ? Address(key: payment.changeKey) : nil)
        }
    }

    /// A signed transaction paying `amount` to `condition` (a channel's funding output, output
    /// 0), not submitted: the channel broadcasts it once the peer has signed its first
    /// commitment. `reserved` coins (another funding in progress) are not used.
    public func fundingTransaction(amount: Satoshi, condition: OutputCondition, feeRate: FeeRate,
                                   excluding reserved: Set<OutPoint>) throws -> Transaction {
        try store.wallet { wallet in
            let payment = try ledger.read { ledger in
                try prepare(paying: amount, to: condition, feeRate: feeRate, wallet: wallet, ledger: ledger, excluding: reserved)
            }
            if payment.draft.change > .zero { try wallet.record(index: payment.changeIndex, key: payment.changeKey) }
            return payment.signed
        }
    }

    /// A signed payment from the wallet's coins, with the fresh change key it pays its change to.
    private func prepare<Store: LedgerStore>(
        paying amount: Satoshi, to destination: OutputCondition, feeRate: FeeRate, wallet: WalletKeys,
        ledger: Ledger<Store>, excluding reserved: Set<OutPoint>
    ) throws -> (signed: Transaction, draft: PaymentDraft, changeIndex: UInt32, changeKey: PublicKey) {
        let issued = try wallet.issued()
        let indexOf = Dictionary(issued.map { ($0.value, $0.key) }, uniquingKeysWith: min)
        let changeIndex = try wallet.nextIndex()
        let changeKey = keys.walletKey(index: changeIndex).publicKey
        let coins = try ledger.spendableOutputs(paying: Set(issued.values.map { OutputCondition.key($0) }))
            .filter { !reserved.contains($0.outPoint) }
        let draft = try CoinSelection.draft(paying: amount, to: destination, from: coins, changeTo: .key(changeKey), feeRate: feeRate)
        let signingKeys = try draft.spent.map { coin throws -> PrivateKey in
            guard case .key(let key) = coin.condition, let index = indexOf[key] else {
                throw StoreError.database("coin \(coin.outPoint) is not the wallet's")
            }
            return keys.walletKey(index: index)
        }
        return (try draft.transaction.signedForKeys(signingKeys), draft, changeIndex, changeKey)
    }
}
