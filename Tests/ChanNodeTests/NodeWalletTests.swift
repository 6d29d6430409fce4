import ChanCore
import ChanCrypto
import ChanLedger
import ChanNode
import ChanStore
import Foundation
import Synchronization
import Testing

/// The wallet's use cases over the node store and the ledger, as the daemon and the CLI run them.
@Suite struct NodeWalletTests {
    @Test func addressesAreFreshAndDerivedFromTheSeed() throws {
        let temp = try TempDirectory()
        _ = try LedgerDatabase.create(home: temp.home)
        let seed = [UInt8](repeating: 4, count: 32)
        _ = try LocalNode.create(home: temp.home, name: "alice", seed: seed)
        let node = try LocalNode.open(home: temp.home, name: "alice")
        let wallet = NodeWallet(node: node, ledger: try LedgerDatabase.open(home: temp.home))
        let first = try wallet.newAddress(), second = try wallet.newAddress()
        #expect(first != second)
        let keys = try NodeKeys(seed: seed)
        #expect(first.key == keys.walletKey(index: 0).publicKey)
        #expect(second.key == keys.walletKey(index: 1).publicKey)
        #expect(try NodeWallet(node: try LocalNode.open(home: temp.home, name: "alice"), ledger: try LedgerDatabase.open(home: temp.home)).addresses() == [first, second])
    }

    @Test func sendBalanceAndAFailedSendChangesNothing() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        _ = try LocalNode.create(home: temp.home, name: "alice")
        _ = try LocalNode.create(home: temp.home, name: "bob")
        let alice = NodeWallet(node: try LocalNode.open(home: temp.home, name: "alice"), ledger: ledger)
        let bob = NodeWallet(node: try LocalNode.open(home: temp.home, name: "bob"), ledger: ledger)
        let funding = try alice.newAddress()
        _ = try ledger.write { try $0.faucet(to: funding.condition, amount: Satoshi(100_000_000)) }
        #expect(try alice.balance() == WalletBalance(confirmed: .zero, unconfirmed: Satoshi(100_000_000), total: Satoshi(100_000_000)))
        try ledger.write { try $0.mine() }

        let destination = try bob.newAddress()
        #expect(throws: WalletError.self) {
            try alice.send(Satoshi(100_000_000), to: destination, feeRate: LedgerRules.defaultFeeRate)
        }
        #expect(try alice.addresses().count == 1)  // no change address issued
        #expect(try ledger.read { try $0.info() }.mempoolSize == 0)

        let sent = try alice.send(Satoshi(20_000_000), to: destination, feeRate: LedgerRules.defaultFeeRate)
        #expect(sent.fee == Satoshi(198))  // 1 input, 2 outputs, 1 sat/byte
        #expect(sent.change == Satoshi(100_000_000 - 20_000_000 - 198))
        #expect(try alice.addresses().count == 2)
        #expect(try alice.balance() == WalletBalance(confirmed: .zero, unconfirmed: sent.change, total: sent.change))
        try ledger.write { try $0.mine() }
        #expect(try bob.balance().confirmed == Satoshi(20_000_000))
        #expect(try alice.balance().confirmed == Satoshi(79_999_802))
        #expect(try ledger.read { try $0.audit() }.ok)
    }

    @Test func concurrentSendsFromOneNodeNeverShareACoin() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        _ = try LocalNode.create(home: temp.home, name: "alice")
        let alice = NodeWallet(node: try LocalNode.open(home: temp.home, name: "alice"), ledger: ledger)
        for _ in 0..<3 {
            let address = try alice.newAddress()
            _ = try ledger.write { try $0.faucet(to: address.condition, amount: Satoshi(100_000)) }
        }
        try ledger.write { try $0.mine() }
        let home = temp.home
        let destination = Address(key: key(7).publicKey)
        let txids = Mutex<[TxID]>([])
        let errors = concurrently(5) { _ in
            // Separate connections to both files, as separate processes would have.
            let node = NodeWallet(node: try LocalNode.open(home: home, name: "alice"), ledger: try LedgerDatabase.open(home: home))
            let sent = try node.send(Satoshi(60_000), to: destination, feeRate: LedgerRules.defaultFeeRate)
            txids.withLock { $0.append(sent.txid) }
        }
        // Three coins of 100,000: three sends succeed, two find nothing left to spend.
        #expect(txids.withLock { $0.count } == 3)
        #expect(errors.count == 2 && errors.allSatisfy { ($0 as? WalletError)?.code == "insufficient_funds" })
        #expect(try ledger.read { try $0.audit() }.ok)
    }
}
