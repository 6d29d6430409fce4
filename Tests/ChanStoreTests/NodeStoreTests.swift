import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
import Foundation
import Testing

/// `NodeStore`: channel records and their append-only logs, channel indexes, the commitment
/// archive, invoices, payments and peers, each read back from `node.sqlite`.
@Suite struct NodeStoreTests {
    /// A fresh node in a fresh home; the directory lives as long as the value.
    struct Fixture {
        let temp: TempDirectory
        let node: LocalNode
        var store: NodeStore { node.store }

        init() throws {
            temp = try TempDirectory()
            _ = try LedgerDatabase.create(home: temp.home)
            _ = try LocalNode.create(home: temp.home, name: "alice", seed: [UInt8](repeating: 7, count: 32))
            node = try LocalNode.open(home: temp.home, name: "alice")
        }

        /// The same node opened again (a restart).
        func reopened() throws -> LocalNode { try LocalNode.open(home: temp.home, name: "alice") }
    }

    static let peer = key(3).publicKey

    static func channelID(_ n: UInt8) -> ChannelID { try! ChannelID([UInt8](repeating: n, count: 32)) }
    static func txid(_ n: UInt8) -> TxID { try! TxID(bytes: [UInt8](repeating: n, count: 32)) }
    static func hash(_ n: UInt8) -> PaymentHash { try! Preimage(bytes: [UInt8](repeating: n, count: 32)).hash }

    static func write(_ index: UInt64, id: UInt8 = 1, phase: ChannelPhase = .normal, record: [UInt8], revoked: RevokedCommitment? = nil,
                      changes: [StateChange] = [], archived: (number: UInt64, transaction: Transaction)? = nil) -> ChannelWrite {
        ChannelWrite(index: index, row: ChannelRow(channelID: channelID(id), peerID: peer, phase: phase, record: record),
                     revoked: revoked.map { [$0] } ?? [], stateChanges: changes, archived: archived.map { [$0] } ?? [])
    }

    // MARK: Channels

    @Test func persistWritesTheRecordAndUpsertsIt() throws {
        let fixture = try Fixture()
        let store = fixture.store
        #expect(try store.channels().isEmpty)
        try store.persist([Self.write(4, record: [1, 2, 3])], now: 100)
        #expect(try store.channels().map(\.index) == [4])
        #expect(try store.channels().first?.record == [1, 2, 3])
        // The same channel again: replaced, not duplicated.
        try store.persist([Self.write(4, id: 9, phase: .shuttingDown, record: [9, 9])], now: 200)
        let channels = try store.channels()
        #expect(channels.count == 1)
        #expect(channels.first?.index == 4 && channels.first?.record == [9, 9])
        // Another channel, in the same transaction as a third write of the first; by index.
        try store.persist([Self.write(7, id: 2, record: [7]), Self.write(4, record: [4, 4, 4])], now: 300)
        #expect(try store.channels().map(\.index) == [4, 7])
        #expect(try store.channels().map(\.record) == [[4, 4, 4], [7]])
        // Nothing to write writes nothing.
        try store.persist([], now: 400)
        #expect(try store.channels().count == 2)
        // And it all survives a restart.
        #expect(try fixture.reopened().store.channels().map(\.record) == [[4, 4, 4], [7]])
    }

    @Test func persistAppendsRevocationsPerChannel() throws {
        let store = try Fixture().store
        try store.persist([Self.write(1, record: [1], revoked: RevokedCommitment(txid: Self.txid(0xa0), number: 0))], now: 1)
        try store.persist([Self.write(1, record: [2], revoked: RevokedCommitment(txid: Self.txid(0xa1), number: 1))], now: 2)
        try store.persist([Self.write(2, record: [3], revoked: RevokedCommitment(txid: Self.txid(0xb0), number: 5))], now: 3)
        // The same revocation reported twice (a replayed persist) is kept once, unchanged.
        try store.persist([Self.write(1, record: [4], revoked: RevokedCommitment(txid: Self.txid(0xa1), number: 1))], now: 4)
        #expect(try store.revokedCommitmentNumber(channel: 1, txid: Self.txid(0xa0)) == 0)
        #expect(try store.revokedCommitmentNumber(channel: 1, txid: Self.txid(0xa1)) == 1)
        #expect(try store.revokedCommitmentNumber(channel: 2, txid: Self.txid(0xb0)) == 5)
        // Per channel: another channel's revoked txid is not this one's.
        #expect(try store.revokedCommitmentNumber(channel: 1, txid: Self.txid(0xb0)) == nil)
        #expect(try store.revokedCommitmentNumber(channel: 2, txid: Self.txid(0xa0)) == nil)
        #expect(try store.revokedCommitmentNumber(channel: 1, txid: Self.txid(0xcc)) == nil)
        #expect(try store.channels().first?.record == [4])
    }

    /// A group commit merges a channel's writes of one turn: the last row, every log entry.
    @Test func mergedWritesKeepTheLastRowAndEveryLogEntry() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let opened = StateChange(time: 1, old: .opening, new: .awaitingFunding, cause: "signed")
        let ready = StateChange(time: 2, old: .awaitingFunding, new: .normal, cause: "channel_ready")
        var merged = Self.write(6, record: [1], revoked: RevokedCommitment(txid: Self.txid(0xd0), number: 3), changes: [opened])
        merged.merge(ChannelWrite(index: 6, row: nil, stateChanges: [ready]))
        merged.merge(Self.write(6, phase: .shuttingDown, record: [2], revoked: RevokedCommitment(txid: Self.txid(0xd1), number: 4)))
        // A write without a row leaves the row staged before it.
        merged.merge(ChannelWrite(index: 6, row: nil))
        try store.persist([merged], now: 9)
        #expect(try store.channels().map(\.record) == [[2]])
        #expect(try store.revokedCommitmentNumber(channel: 6, txid: Self.txid(0xd0)) == 3)
        #expect(try store.revokedCommitmentNumber(channel: 6, txid: Self.txid(0xd1)) == 4)
        #expect(try store.stateChanges(channel: 6) == [opened, ready])
        // Only the history: no row is created for a channel never written.
        try store.persist([ChannelWrite(index: 7, row: nil, stateChanges: [opened])], now: 10)
        #expect(try store.channels().map(\.index) == [6])
        #expect(try store.stateChanges(channel: 7) == [opened])
    }

    @Test func stateChangesAreAppendedInOrder() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let first = [StateChange(time: 10, old: .opening, new: .awaitingFunding, cause: "funding signed"),
                     StateChange(time: 11, old: .awaitingFunding, new: .normal, cause: "channel_ready")]
        let later = StateChange(time: 20, old: .normal, new: .shuttingDown, cause: "close requested")
        let last = StateChange(time: 30, old: .shuttingDown, new: .closing, cause: "closing_signed")
        try store.persist([Self.write(3, record: [1], changes: first)], now: 11)
        try store.persist([Self.write(3, record: [2], changes: [later])], now: 20)
        // History without a record write.
        try store.persist([ChannelWrite(index: 3, row: nil, stateChanges: [last])], now: 30)
        try store.persist([ChannelWrite(index: 3, row: nil)], now: 31)
        // Another channel's history is its own.
        try store.persist([Self.write(8, record: [1], changes: [StateChange(time: 5, old: .opening, new: .closed, cause: "refused")])], now: 5)
        #expect(try store.stateChanges(channel: 3) == first + [later, last])
        #expect(try store.stateChanges(channel: 8).map(\.cause) == ["refused"])
        #expect(try store.stateChanges(channel: 99).isEmpty)
        #expect(try store.channels().first { $0.index == 3 }?.record == [2])
        #expect(try fixture.reopened().store.stateChanges(channel: 3) == first + [later, last])
    }

    @Test func channelIndexesNeverRepeatAcrossRestarts() throws {
        let fixture = try Fixture()
        var seen: [UInt64] = []
        for _ in 0..<5 { seen.append(try fixture.store.allocateChannelIndex()) }
        #expect(seen == [0, 1, 2, 3, 4])
        let again = try fixture.reopened()
        for _ in 0..<3 { seen.append(try again.store.allocateChannelIndex()) }
        #expect(seen == Array(0..<8))
        #expect(Set(seen).count == seen.count)
    }

    @Test func channelIndexesNeverRepeatUnderConcurrency() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let taken = ConcurrentList()
        let errors = concurrently(8) { _ in
            for _ in 0..<5 { taken.append(try store.allocateChannelIndex()) }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(taken.values.sorted() == Array(0..<40))
    }

    @Test func theCommitmentArchiveRoundTrips() throws {
        let store = try Fixture().store
        let spend = { (n: UInt8, amount: UInt64) in
            Transaction(inputs: [TxInput(previousOutput: OutPoint(txid: Self.txid(n), index: 1))],
                        outputs: [TxOutput(amount: Satoshi(amount), condition: .key(key(n).publicKey))])
        }
        let one = spend(1, 50_000), two = spend(2, 60_000)
        try store.persist([Self.write(5, record: [1], archived: (number: 2, transaction: two))], now: 1)
        try store.persist([Self.write(5, record: [1], archived: (number: 0, transaction: one))], now: 2)
        // A commitment archived again keeps its first copy.
        try store.persist([Self.write(5, record: [1], archived: (number: 2, transaction: one))], now: 3)
        #expect(try store.archivedCommitment(channel: 5, number: 0) == one)
        #expect(try store.archivedCommitment(channel: 5, number: 2) == two)
        #expect(try store.archivedCommitment(channel: 5, number: 1) == nil)
        #expect(try store.archivedCommitment(channel: 6, number: 0) == nil)
        #expect(try store.archivedCommitmentNumbers(channel: 5) == [0, 2])
        #expect(try store.archivedCommitmentNumbers(channel: 6) == [])
        #expect(try store.archivedCommitment(channel: 5, number: 2)?.txid == two.txid)
    }

    // MARK: Peers

    @Test func peersAreRememberedAndUpdated() throws {
        let fixture = try Fixture()
        let store = fixture.store
        #expect(try store.peerAddresses().isEmpty)
        try store.rememberPeer(key(3).publicKey, host: "127.0.0.1", port: 9735)
        try store.rememberPeer(key(4).publicKey, host: "localhost", port: 1)
        try store.rememberPeer(key(3).publicKey, host: "10.0.0.2", port: 65535)
        let peers = try fixture.reopened().store.peerAddresses()
        #expect(peers.count == 2)
        let byKey = Dictionary(uniqueKeysWithValues: peers.map { ($0.nodeID, "\($0.host):\($0.port)") })
        #expect(byKey[key(3).publicKey] == "10.0.0.2:65535")
        #expect(byKey[key(4).publicKey] == "localhost:1")
    }

    // MARK: Batches (the daemon's group commit)

    /// Batched writes are one transaction: invisible to another connection until the commit,
    /// visible at once on the store's own; a batched write that throws takes back only itself.
    @Test func aBatchIsDurableOnlyOnceCommitted() throws {
        let fixture = try Fixture()
        let store = fixture.store
        try store.insertInvoice(Self.invoice(1))
        try store.startPayment(Self.payment(Self.hash(2)), durability: .batched)
        #expect(try store.markInvoicePaid(Self.invoice(1).paymentHash, received: MilliSatoshi(25_000), at: 5, durability: .batched))
        // A refused batched write (the payment exists) changes nothing and keeps the batch.
        #expect(throws: StoreError.self) { try store.startPayment(Self.payment(Self.hash(2)), durability: .batched) }
        #expect(try store.payment(Self.hash(2))?.status == .pending)
        let other = try fixture.reopened().store
        #expect(try other.payment(Self.hash(2)) == nil)
        #expect(try other.invoice(Self.invoice(1).paymentHash)?.status == .open)
        try store.commitBatch()
        #expect(try other.payment(Self.hash(2))?.status == .pending)
        #expect(try other.invoice(Self.invoice(1).paymentHash)?.status == .paid)
        try store.commitBatch()  // nothing open: nothing to do
    }

    /// An immediate write while a batch is open makes the batch durable with it; a rolled-back
    /// batch leaves nothing, and the store goes on.
    @Test func anImmediateWriteCommitsTheBatchAndARollbackDiscardsIt() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let other = try fixture.reopened().store
        try store.startPayment(Self.payment(Self.hash(3)), durability: .batched)
        try store.insertInvoice(Self.invoice(4))
        #expect(try other.payment(Self.hash(3)) != nil)
        #expect(try other.invoice(Self.invoice(4).paymentHash) != nil)
        try store.startPayment(Self.payment(Self.hash(5)), durability: .batched)
        store.rollbackBatch()
        #expect(try store.payment(Self.hash(5)) == nil)
        try store.commitBatch()
        try store.startPayment(Self.payment(Self.hash(5)))
        #expect(try other.payment(Self.hash(5)) != nil)
    }

    // MARK: Invoices

    static func invoice(_ n: UInt8, hold: Bool = false, amount: MilliSatoshi? = MilliSatoshi(25_000), createdAt: UInt64 = 1000) -> InvoiceRecord {
        let preimage = try! Preimage(bytes: [UInt8](repeating: n, count: 32))
        return InvoiceRecord(paymentHash: preimage.hash, preimage: preimage, paymentSecret: try! Bytes32([UInt8](repeating: n &+ 1, count: 32)),
                             bolt11: "lnbcrt\(n)", amount: amount, description: "invoice \(n)", createdAt: createdAt,
                             expiresAt: createdAt + 3600, minFinalCLTVExpiry: 18, hold: hold)
    }

    @Test func invoicesRoundTrip() throws {
        let store = try Fixture().store
        let open = Self.invoice(1, createdAt: 2000)
        let anyAmount = Self.invoice(2, hold: true, amount: nil, createdAt: 1000)
        try store.insertInvoice(open)
        try store.insertInvoice(anyAmount)
        #expect(try store.invoice(open.paymentHash) == open)
        #expect(try store.invoice(anyAmount.paymentHash) == anyAmount)
        #expect(try store.invoice(Self.hash(9)) == nil)
        // Oldest first.
        #expect(try store.invoices() == [anyAmount, open])
        // One invoice per payment hash.
        #expect(throws: (any Error).self) { try store.insertInvoice(open) }
    }

    @Test func anInvoiceIsPaidOnce() throws {
        let store = try Fixture().store
        let invoice = Self.invoice(1)
        try store.insertInvoice(invoice)
        #expect(try store.markInvoicePaid(invoice.paymentHash, received: MilliSatoshi(26_000), at: 1500))
        var paid = invoice
        paid.status = .paid
        paid.received = MilliSatoshi(26_000)
        paid.paidAt = 1500
        #expect(try store.invoice(invoice.paymentHash) == paid)
        // A second payment is refused and changes nothing.
        #expect(try !store.markInvoicePaid(invoice.paymentHash, received: MilliSatoshi(99_000), at: 1600))
        #expect(try store.invoice(invoice.paymentHash) == paid)
        // Nor can an unknown invoice be paid.
        #expect(try !store.markInvoicePaid(Self.hash(8), received: MilliSatoshi(1), at: 1))
    }

    @Test func aHoldInvoiceIsHeldThenSettledOrCanceled() throws {
        let store = try Fixture().store
        let settled = Self.invoice(1, hold: true), canceled = Self.invoice(2, hold: true)
        try store.insertInvoice(settled)
        try store.insertInvoice(canceled)
        // The HTLC arrives: open -> held, once.
        #expect(try store.setInvoice(settled.paymentHash, to: .held, from: [.open], received: MilliSatoshi(25_000)))
        #expect(try !store.setInvoice(settled.paymentHash, to: .held, from: [.open]))
        #expect(try store.invoice(settled.paymentHash)?.status == .held)
        #expect(try store.invoice(settled.paymentHash)?.received == MilliSatoshi(25_000))
        #expect(try store.invoice(settled.paymentHash)?.paidAt == nil)
        // Settled: held -> paid.
        #expect(try store.markInvoicePaid(settled.paymentHash, received: MilliSatoshi(25_000), at: 1200))
        #expect(try store.invoice(settled.paymentHash)?.status == .paid)
        #expect(try store.invoice(settled.paymentHash)?.paidAt == 1200)
        // A paid invoice cannot be canceled.
        #expect(try !store.setInvoice(settled.paymentHash, to: .canceled, from: [.open, .held]))
        #expect(try store.invoice(settled.paymentHash)?.status == .paid)

        #expect(try store.setInvoice(canceled.paymentHash, to: .held, from: [.open]))
        #expect(try store.setInvoice(canceled.paymentHash, to: .canceled, from: [.open, .held]))
        #expect(try store.invoice(canceled.paymentHash)?.status == .canceled)
        // A canceled invoice is paid no more.
        #expect(try !store.markInvoicePaid(canceled.paymentHash, received: MilliSatoshi(25_000), at: 1300))
        #expect(try store.invoice(canceled.paymentHash)?.status == .canceled)
        #expect(try store.invoice(canceled.paymentHash)?.paidAt == nil)
        // No transition from an empty set.
        #expect(try !store.setInvoice(canceled.paymentHash, to: .open, from: []))
    }

    // MARK: Payments

    static func payment(_ hash: PaymentHash, status: PaymentRecord.Status = .pending, createdAt: UInt64 = 1000) -> PaymentRecord {
        PaymentRecord(paymentHash: hash, bolt11: "lnbcrt1", destination: key(5).publicKey, amount: MilliSatoshi(10_000),
                      fee: MilliSatoshi(0), status: status, createdAt: createdAt, channelIndex: 2, htlcID: 7,
                      hopSecrets: [UInt8](repeating: 0xee, count: 65))
    }

    /// `body` is refused: the payment is `code` (`already_paid`, or `payment_in_flight` while pending).
    static func expectRefused(_ code: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("the payment was started again", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code, sourceLocation: sourceLocation)
            if case .paymentExists = error {} else { Issue.record("\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aPaymentIsStartedOnceWhilePendingOrSucceeded() throws {
        let store = try Fixture().store
        let hash = Self.hash(1)
        let pending = Self.payment(hash)
        try store.startPayment(pending)
        #expect(try store.payment(hash) == pending)
        Self.expectRefused("payment_in_flight") { try store.startPayment(Self.payment(hash, createdAt: 2000)) }
        #expect(try store.payment(hash) == pending)

        var succeeded = pending
        succeeded.status = .succeeded
        succeeded.resolvedAt = 1100
        succeeded.preimage = try Preimage(bytes: [UInt8](repeating: 1, count: 32))
        #expect(try store.resolvePayment(succeeded))
        #expect(try store.payment(hash) == succeeded)
        // Resolved once: a second outcome (a failure reported late) changes nothing.
        var late = succeeded
        late.status = .failed
        late.failureCode = "late"
        #expect(try !store.resolvePayment(late))
        #expect(try store.payment(hash) == succeeded)
        Self.expectRefused("already_paid") { try store.startPayment(Self.payment(hash, createdAt: 3000)) }
        #expect(try store.payment(hash) == succeeded)
        #expect(try store.payments() == [succeeded])
    }

    @Test func aFailedPaymentIsReplacedByANewAttempt() throws {
        let store = try Fixture().store
        let hash = Self.hash(2)
        var failed = Self.payment(hash)
        try store.startPayment(failed)
        failed.status = .failed
        failed.resolvedAt = 1050
        failed.failureCode = "incorrect_or_unknown_payment_details"
        failed.failureMessage = "the payee refused it"
        failed.htlcID = nil  // only the outcome is written: the rest of the row stays as it started
        #expect(try store.resolvePayment(failed))
        failed.htlcID = 7
        #expect(try store.payment(hash) == failed)

        let retry = PaymentRecord(paymentHash: hash, bolt11: nil, destination: key(6).publicKey, amount: MilliSatoshi(12_000),
                                  fee: MilliSatoshi(5), status: .pending, createdAt: 2000)
        try store.startPayment(retry)
        #expect(try store.payment(hash) == retry)
        #expect(try store.payments() == [retry])
    }

    @Test func aRetriedPaymentStartsWithoutTheAttemptsOfTheFailedOne() throws {
        let store = try Fixture().store
        let first = Self.payment(Self.hash(3), createdAt: 10)
        try store.startPayment(first)
        let attempt = AttemptRecord(paymentHash: Self.hash(3), attemptID: 1, channelIndex: 0, htlcID: 0, amount: MilliSatoshi(1000), fee: .zero,
                                    route: [], hopSecrets: [], status: .inFlight, createdAt: 10)
        try store.recordAttempt(attempt)
        // In flight: neither it nor its attempts can start again.
        #expect(throws: StoreError.paymentExists(Self.hash(3).hex, status: "pending")) { try store.startPayment(first) }
        var failed = first
        failed.status = .failed
        failed.resolvedAt = 20
        try store.resolvePayment(failed)
        var resolved = attempt
        resolved.status = .failed
        try store.resolveAttempt(resolved)
        #expect(try store.attempts(payment: Self.hash(3)) == [resolved])
        // Tried again: the new try's attempts number from 1 again.
        try store.startPayment(Self.payment(Self.hash(3), createdAt: 30))
        #expect(try store.attempts(payment: Self.hash(3)).isEmpty)
        try store.recordAttempt(attempt)
        #expect(try store.attemptsInFlight() == [attempt])
    }
}

/// Values appended from several threads.
final class ConcurrentList: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt64] = []
    func append(_ value: UInt64) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [UInt64] { lock.lock(); defer { lock.unlock() }; return stored }
}
