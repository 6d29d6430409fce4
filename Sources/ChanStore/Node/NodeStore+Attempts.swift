import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// One HTLC a payment of ours sent (a route tried, or one part of a multi-part payment), and how
/// it ended. Written when it is launched (in the commit that carries its HTLC), and again when it
/// resolves; after a restart the node finishes the payment from these rows.
public struct AttemptRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case inFlight = "in_flight"
        case succeeded
        case failed
    }

    public let paymentHash: PaymentHash
    /// 1, 2, ... within the payment.
    public let attemptID: UInt64
    /// Our HTLC that carries it.
    public let channelIndex: UInt64
    public let htlcID: UInt64
    /// What the payee receives from it, and what the hops keep.
    public let amount: MilliSatoshi
    public let fee: MilliSatoshi
    public let route: [Hop]
    /// The route's shared secrets (node id and secret per hop), which decrypt a failure.
    public let hopSecrets: [UInt8]
    public var status: Status
    public var failureCode: String?
    public var failingNode: PublicKey?
    /// The failing hop's index on the route (0: our peer).
    public var failingHop: Int?
    public let createdAt: UInt64
    public var resolvedAt: UInt64?

    /// A hop as `Route` has it: the node reached, over which channel, what it receives and keeps.
    public struct Hop: Sendable, Equatable, Codable {
        public let nodeID: String
        public let shortChannelID: String
        public let amountMsat: UInt64
        public let feeMsat: UInt64
        public let cltvExpiryDelta: UInt32

        public init(nodeID: String, shortChannelID: String, amountMsat: UInt64, feeMsat: UInt64, cltvExpiryDelta: UInt32) {
            self.nodeID = nodeID
            self.shortChannelID = shortChannelID
            self.amountMsat = amountMsat
            self.feeMsat = feeMsat
            self.cltvExpiryDelta = cltvExpiryDelta
        }
    }

    public init(paymentHash: PaymentHash, attemptID: UInt64, channelIndex: UInt64, htlcID: UInt64, amount: MilliSatoshi, fee: MilliSatoshi,
                route: [Hop], hopSecrets: [UInt8], status: Status, failureCode: String? = nil, failingNode: PublicKey? = nil,
                failingHop: Int? = nil, createdAt: UInt64, resolvedAt: UInt64? = nil) {
        self.paymentHash = paymentHash
        self.attemptID = attemptID
        self.channelIndex = channelIndex
        self.htlcID = htlcID
        self.amount = amount
        self.fee = fee
        self.route = route
        self.hopSecrets = hopSecrets
        self.status = status
        self.failureCode = failureCode
        self.failingNode = failingNode
        self.failingHop = failingHop
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }
}

extension NodeStore {
    /// `payment_attempts`: every HTLC our payments sent, by payment and attempt.
    static func registerAttemptsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-payment-attempts") { db in
            try db.execute(sql: """
                CREATE TABLE payment_attempts (
                    payment_hash BLOB NOT NULL,
                    attempt_id INTEGER NOT NULL,
                    channel_index INTEGER NOT NULL,
                    htlc_id INTEGER NOT NULL,
                    amount_msat INTEGER NOT NULL,
                    fee_msat INTEGER NOT NULL,
                    route TEXT NOT NULL,
                    hop_secrets BLOB NOT NULL,
                    status TEXT NOT NULL,
                    failure_code TEXT,
                    failing_node BLOB,
                    failing_hop INTEGER,
                    created_at INTEGER NOT NULL,
                    resolved_at INTEGER,
                    PRIMARY KEY (payment_hash, attempt_id)
                ) WITHOUT ROWID;
                CREATE INDEX payment_attempts_by_status ON payment_attempts (status);
                CREATE INDEX payments_by_status ON payments (status);
                """)
        }
    }

    /// Records a new attempt.
    public func recordAttempt(_ attempt: AttemptRecord, durability: Durability = .immediate) throws {
        let route = String(decoding: try JSONEncoder().encode(attempt.route), as: UTF8.self)
        try write(durability) { db in
            try db.cachedStatement(sql: """
                INSERT INTO payment_attempts (payment_hash, attempt_id, channel_index, htlc_id, amount_msat, fee_msat, route, hop_secrets,
                    status, failure_code, failing_node, failing_hop, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    Data(attempt.paymentHash.bytes), attempt.attemptID.stored, attempt.channelIndex.stored, attempt.htlcID.stored,
                    attempt.amount.value.stored, attempt.fee.value.stored, route, Data(attempt.hopSecrets), attempt.status.rawValue,
                    attempt.failureCode, attempt.failingNode.map { Data($0.compressed) }, attempt.failingHop.map { Int64($0) },
                    attempt.createdAt.stored, attempt.resolvedAt.map(\.stored),
                ])
        }
    }

    /// Records how an attempt ended: its status, failure and `resolvedAt` (the rest is as launched).
    public func resolveAttempt(_ attempt: AttemptRecord, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                UPDATE payment_attempts SET status = ?, failure_code = ?, failing_node = ?, failing_hop = ?, resolved_at = ?
                WHERE payment_hash = ? AND attempt_id = ?
                """).execute(arguments: [attempt.status.rawValue, attempt.failureCode, attempt.failingNode.map { Data($0.compressed) },
                                         attempt.failingHop.map { Int64($0) }, attempt.resolvedAt.map(\.stored),
                                         Data(attempt.paymentHash.bytes), attempt.attemptID.stored])
        }
    }

    /// A payment's attempts, in order; or every attempt still in flight (after a restart).
    public func attempts(payment hash: PaymentHash) throws -> [AttemptRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payment_attempts WHERE payment_hash = ? ORDER BY attempt_id"),
                             arguments: [Data(hash.bytes)]).map(NodeStore.attempt)
        }
    }

    /// Every attempt, by payment (`chan payments`: one query, not one per payment).
    public func attemptsByPayment() throws -> [PaymentHash: [AttemptRecord]] {
        try read { db in
            try Dictionary(grouping: Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payment_attempts ORDER BY payment_hash, attempt_id"))
                .map(NodeStore.attempt), by: \.paymentHash)
        }
    }

    public func attemptsInFlight() throws -> [AttemptRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payment_attempts WHERE status = 'in_flight' ORDER BY payment_hash, attempt_id"))
                .map(NodeStore.attempt)
        }
    }

    private static func attempt(_ row: Row) throws -> AttemptRecord {
        guard let status = AttemptRecord.Status(rawValue: row["status"]) else { throw StoreError.database("a payment attempt has an unknown status") }
        let route: [AttemptRecord.Hop]
        do {
            route = try JSONDecoder().decode([AttemptRecord.Hop].self, from: Data((row["route"] as String).utf8))
        } catch {
            throw StoreError.database("a payment attempt's route does not read back")
        }
        return AttemptRecord(
            paymentHash: try PaymentHash(bytes: [UInt8](row["payment_hash"] as Data)), attemptID: UInt64(stored: row["attempt_id"]),
            channelIndex: UInt64(stored: row["channel_index"]), htlcID: UInt64(stored: row["htlc_id"]),
            amount: MilliSatoshi(UInt64(stored: row["amount_msat"])), fee: MilliSatoshi(UInt64(stored: row["fee_msat"])),
            route: route, hopSecrets: [UInt8](row["hop_secrets"] as Data), status: status, failureCode: row["failure_code"],
            failingNode: try (row["failing_node"] as Data?).map { try PublicKey(compressed: [UInt8]($0)) },
            failingHop: (row["failing_hop"] as Int64?).map { Int($0) },
            createdAt: UInt64(stored: row["created_at"]), resolvedAt: (row["resolved_at"] as Int64?).map(UInt64.init(stored:)))
    }
}
