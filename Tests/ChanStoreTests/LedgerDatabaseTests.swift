import ChanCrypto
import ChanLedger
@testable import ChanStore
import Foundation
import Synchronization
import Testing

@Suite struct LedgerDatabaseTests {
    let owner = key(1)
    var ownerCondition: OutputCondition { .key(owner.publicKey) }

    @Test func createMakesThePrivateHomeAndLedgerOnce() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        #expect(mode(temp.home.path) == 0o700)
        #expect(mode(temp.home.ledgerPath) == 0o600)
        #expect(try ledger.read { try $0.info() }.height == 0)
        #expect(try ledger.read { try $0.tip() } == Block.genesis.header)
        #expect(throws: StoreError.ledgerExists(temp.home.ledgerPath)) { try LedgerDatabase.create(home: temp.home) }
        #expect(try ledger.read { try $0.audit() }.ok)
    }

    /// Inits racing each other and readers opening the ledger meanwhile: one init wins, the
    /// others get `ledger_exists`, and a reader finds no ledger or a whole one, never an empty
    /// file (which it would refuse as corrupt); no temporary file stays behind.
    @Test func concurrentInitsAndOpensNeverSeeAHalfMadeLedger() throws {
        for _ in 0..<5 {
            let temp = try TempDirectory()
            let home = temp.home
            let created = Mutex(0)
            let errors = concurrently(8) { index in
                if index < 3 {
                    do { _ = try LedgerDatabase.create(home: home); created.withLock { $0 += 1 } }
                    catch StoreError.ledgerExists {}
                } else {
                    for _ in 0..<20 {
                        do { #expect(try LedgerDatabase.open(home: home).read { try $0.info() }.height == 0) }
                        catch StoreError.ledgerNotFound {} catch HomeError.notFound {}
                    }
                }
            }
            #expect(errors.isEmpty, "\(errors)")
            #expect(created.withLock { $0 } == 1)
            let files = try FileManager.default.contentsOfDirectory(atPath: home.path)
            #expect(!files.contains { $0.contains(".creating-") }, "\(files)")
        }
    }

    @Test func openNeedsAHomeAndALedgerAndCreatesNothing() throws {
        let temp = try TempDirectory()
        #expect(throws: HomeError.notFound(temp.home.path)) { try LedgerDatabase.open(home: temp.home) }
        #expect(!FileManager.default.fileExists(atPath: temp.home.path))
        try FileManager.default.createDirectory(atPath: temp.home.path, withIntermediateDirectories: false)
        #expect(throws: StoreError.ledgerNotFound(temp.home.ledgerPath)) { try LedgerDatabase.open(home: temp.home) }
        #expect(!FileManager.default.fileExists(atPath: temp.home.ledgerPath))
    }

    /// The same steps on the SQLite store and the in-memory store end in the same chain.
    @Test func persistsReopensAndAgreesWithTheInMemoryStore() throws {
        let temp = try TempDirectory()
        var memory = try Ledger(store: InMemoryLedgerStore())
        let condition = ownerCondition
        let mint: Transaction
        do {
            let ledger = try LedgerDatabase.create(home: temp.home)
            mint = try ledger.write { try $0.faucet(to: condition, amount: Satoshi(1_000_000)) }
            #expect(try memory.faucet(to: condition, amount: Satoshi(1_000_000)) == mint)
            try ledger.write { try $0.mine(blocks: 2) }
            try memory.mine(blocks: 2)
            let utxo = try #require(try ledger.read { try $0.store.unspentOutput(mint.outPoint(0)) })
            let payment = try keySpend(utxo, signer: owner, to: .key(key(2).publicKey), fee: 777)
            #expect(try ledger.write { try $0.submit(payment) } == Satoshi(777))
            try memory.submit(payment)
            #expect(try ledger.read { try $0.info() } == (try memory.info()))
            try ledger.write { try $0.mine(miner: .key(key(3).publicKey)) }
            try memory.mine(miner: .key(key(3).publicKey))
        }
        let reopened = try LedgerDatabase.open(home: temp.home)
        let info = try reopened.read { try $0.info() }
        #expect(info == (try memory.info()))  // the same tip hash: the same blocks
        #expect(info.height == 3 && info.utxoCount == 2 && info.mintedTotal == Satoshi(1_000_000))
        let lookup = try reopened.read { try $0.lookup(mint.txid) }
        #expect(lookup.status == .confirmed(height: 1) && lookup.confirmations == 3 && lookup.transaction == mint)
        #expect(try reopened.read { try $0.store.transactions(atHeight: 3) } == memory.store.transactions(atHeight: 3))
        let audit = try reopened.read { try $0.audit() }
        #expect(audit.ok && audit.unspentTotal == Satoshi(1_000_000))
    }

    @Test func aWriteThatThrowsChangesNothing() throws {
        let temp = try TempDirectory()
        let ledger = try LedgerDatabase.create(home: temp.home)
        let condition = ownerCondition
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try ledger.write { ledger in
                _ = try ledger.faucet(to: condition, amount: Satoshi(5_000))
                try ledger.mine()
                throw Boom()
            }
        }
        let info = try ledger.read { try $0.info() }
        #expect(info.height == 0 && info.mempoolSize == 0)
        #expect(try ledger.read { try $0.store.nextMintSerial() } == 0)
        // A validation error rolls back as well.
        #expect(throws: LedgerError.dustOutput(index: 0, amount: Satoshi(1))) {
            try ledger.write { try $0.faucet(to: condition, amount: Satoshi(1)) }
        }
    }

    @Test func twoConnectionsSeeEachOtherAndSerializeWrites() throws {
        let temp = try TempDirectory()
        let condition = ownerCondition
        let first = try LedgerDatabase.create(home: temp.home)
        let second = try LedgerDatabase.open(home: temp.home)
        let mint = try first.write { try $0.faucet(to: condition, amount: Satoshi(50_000)) }
        #expect(try second.read { try $0.lookup(mint.txid) }.status == .mempool)
        try second.write { try $0.mine() }
        #expect(try first.read { try $0.lookup(mint.txid) }.confirmations == 1)

        // Many writers on separate connections at once: every mint gets its own serial.
        let home = temp.home
        let errors = concurrently(8) { _ in
            let connection = try LedgerDatabase.open(home: home)
            for _ in 0..<10 {
                _ = try connection.write { try $0.faucet(to: condition, amount: Satoshi(1_000)) }
            }
            try connection.write { try $0.mine() }
        }
        #expect(errors.isEmpty, "\(errors)")
        let audit = try first.read { try $0.audit() }
        #expect(audit.ok && audit.mintedTotal == Satoshi(50_000 + 80 * 1_000) && audit.mempoolSize == 0)
        #expect(try first.read { try $0.store.nextMintSerial() } == 81)
    }

    @Test func aDoubleSpendAcrossConnectionsIsRefused() throws {
        let temp = try TempDirectory()
        let condition = ownerCondition
        let ledger = try LedgerDatabase.create(home: temp.home)
        let mint = try ledger.write { try $0.faucet(to: condition, amount: Satoshi(50_000)) }
        try ledger.write { try $0.mine() }
        let utxo = try #require(try ledger.read { try $0.store.unspentOutput(mint.outPoint(0)) })
        let home = temp.home
        let spends = try (0..<6).map { try keySpend(utxo, signer: owner, to: .key(key(2).publicKey), fee: UInt64(100 + $0)) }
        let accepted = Mutex(0)
        let errors = concurrently(spends.count) { index in
            let connection = try LedgerDatabase.open(home: home)
            try connection.write { try $0.submit(spends[index]) }
            accepted.withLock { $0 += 1 }
        }
        #expect(accepted.withLock { $0 } == 1)
        #expect(errors.count == spends.count - 1)
        #expect(errors.allSatisfy { ($0 as? LedgerError)?.code == "double_spend" })
        #expect(try ledger.read { try $0.audit() }.ok)
    }
}
