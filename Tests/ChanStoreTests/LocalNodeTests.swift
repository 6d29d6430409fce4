import ChanCore
import ChanCrypto
import ChanLedger
@testable import ChanStore
import Foundation
import Synchronization
import Testing

@Suite struct LocalNodeTests {
    @Test func createWritesPrivateFilesAndRefusesDuplicates() throws {
        let temp = try TempDirectory()
        #expect(throws: HomeError.notFound(temp.home.path)) { try LocalNode.create(home: temp.home, name: "alice") }
        _ = try LedgerDatabase.create(home: temp.home)
        let seed = [UInt8](repeating: 9, count: 32)
        let config = try LocalNode.create(home: temp.home, name: "alice", seed: seed)
        let path = temp.home.nodePath("alice")
        #expect(mode(path) == 0o700)
        #expect(mode(path + "/seed") == 0o600)
        #expect(mode(path + "/node.sqlite") == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/seed")) == Data(seed))
        #expect(config.nodeId == (try NodeKeys(seed: seed).nodeKey.publicKey.hex))
        #expect(config.alias == "alice" && config.port > 0)
        let json = try String(contentsOfFile: path + "/config.json", encoding: .utf8)
        #expect(json.contains("\"node_id\"") && !json.contains("0909"))

        #expect(throws: StoreError.nodeExists("alice")) { try LocalNode.create(home: temp.home, name: "alice") }
        for bad in ["", "Alice", "a b", "../x", ".hidden", String(repeating: "a", count: 33), "é"] {
            #expect(throws: StoreError.invalidNodeName(bad)) { try LocalNode.create(home: temp.home, name: bad) }
        }
        _ = try LocalNode.create(home: temp.home, name: "b_o-b2", alias: "Bob")
        let nodes = try LocalNode.list(home: temp.home)
        #expect(nodes.map(\.name) == ["alice", "b_o-b2"])
        #expect(nodes[1].alias == "Bob" && nodes[0].port != nodes[1].port)
        // No leftovers from the staging directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.home.nodesPath).sorted() == ["alice", "b_o-b2"])
    }

    @Test func openUnknownNodes() throws {
        let temp = try TempDirectory()
        #expect(throws: HomeError.notFound(temp.home.path)) { try LocalNode.open(home: temp.home, name: "alice") }
        _ = try LedgerDatabase.create(home: temp.home)
        #expect(throws: StoreError.nodeNotFound("alice")) { try LocalNode.open(home: temp.home, name: "alice") }
        #expect(throws: StoreError.nodeNotFound("../home")) { try LocalNode.open(home: temp.home, name: "../home") }
        #expect(try LocalNode.list(home: temp.home).isEmpty)
    }

    @Test func addressesAreFreshAndDerivedFromTheSeed() throws {
        let temp = try TempDirectory()
        _ = try LedgerDatabase.create(home: temp.home)
        let seed = [UInt8](repeating: 4, count: 32)
        _ = try LocalNode.create(home: temp.home, name: "alice", seed: seed)
        let node = try LocalNode.open(home: temp.home, name: "alice")
        let first = try node.newAddress(), second = try node.newAddress()
        #expect(first != second)
        let keys = try NodeKeys(seed: seed)
        #expect(first.key == keys.walletKey(index: 0).publicKey)
        #expect(second.key == keys.walletKey(index: 1).publicKey)
        #expect(try LocalNode.open(home: temp.home, name: "alice").addresses() == [first, second])
    }

    @Test func sendBalanceAndAFailedSendChangesNothing() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        _ = try LocalNode.create(home: temp.home, name: "alice")
        _ = try LocalNode.create(home: temp.home, name: "bob")
        let alice = try LocalNode.open(home: temp.home, name: "alice")
        let bob = try LocalNode.open(home: temp.home, name: "bob")
        let funding = try alice.newAddress()
        _ = try ledger.write { try $0.faucet(to: funding.condition, amount: Satoshi(100_000_000)) }
        #expect(try alice.balance(ledger: ledger) == WalletBalance(confirmed: .zero, unconfirmed: Satoshi(100_000_000), total: Satoshi(100_000_000)))
        try ledger.write { try $0.mine() }

        let destination = try bob.newAddress()
        #expect(throws: WalletError.self) {
            try alice.send(Satoshi(100_000_000), to: destination, feeRate: LedgerRules.defaultFeeRate, ledger: ledger)
        }
        #expect(try alice.addresses().count == 1)  // no change address issued
        #expect(try ledger.read { try $0.info() }.mempoolSize == 0)

        let sent = try alice.send(Satoshi(20_000_000), to: destination, feeRate: LedgerRules.defaultFeeRate, ledger: ledger)
        #expect(sent.fee == Satoshi(198))  // 1 input, 2 outputs, 1 sat/byte
        #expect(sent.change == Satoshi(100_000_000 - 20_000_000 - 198))
        #expect(try alice.addresses().count == 2)
        #expect(try alice.balance(ledger: ledger) == WalletBalance(confirmed: .zero, unconfirmed: sent.change, total: sent.change))
        try ledger.write { try $0.mine() }
        #expect(try bob.balance(ledger: ledger).confirmed == Satoshi(20_000_000))
        #expect(try alice.balance(ledger: ledger).confirmed == Satoshi(79_999_802))
        #expect(try ledger.read { try $0.audit() }.ok)
    }

    @Test func concurrentSendsFromOneNodeNeverShareACoin() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        _ = try LocalNode.create(home: temp.home, name: "alice")
        let alice = try LocalNode.open(home: temp.home, name: "alice")
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
            let node = try LocalNode.open(home: home, name: "alice")
            let sent = try node.send(
                Satoshi(60_000), to: destination, feeRate: LedgerRules.defaultFeeRate, ledger: try LedgerDatabase.open(home: home))
            txids.withLock { $0.append(sent.txid) }
        }
        // Three coins of 100,000: three sends succeed, two find nothing left to spend.
        #expect(txids.withLock { $0.count } == 3)
        #expect(errors.count == 2 && errors.allSatisfy { ($0 as? WalletError)?.code == "insufficient_funds" })
        #expect(try ledger.read { try $0.audit() }.ok)
    }
}
