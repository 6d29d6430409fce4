import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// An HTLC we were asked to forward, and what became of it. Written when we decide (in the
/// same commit as the outgoing HTLC, if any), and again when it is resolved: the resolution
/// (preimage or the failure for upstream) is durable before the downstream channel forgets
/// the HTLC, so a restart always knows what the incoming HTLC is owed.
public struct ForwardRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The outgoing HTLC is out; the incoming one waits for its outcome.
        case offered
        /// The preimage came back: the incoming HTLC is fulfilled with it.
        case settled
        /// The outgoing HTLC failed: the incoming one is failed with `upstreamReason`.
        case failed
        /// Never forwarded (our policy, the channel): the incoming HTLC is failed with `upstreamReason`.
        case localFailed = "local_failed"
    }

    public let incomingChannel: UInt64
    public let incomingHTLC: UInt64
    public let paymentHash: PaymentHash
    public let incomingAmount: MilliSatoshi
    public let incomingExpiry: UInt32
    /// The outgoing HTLC: channel, id, amount, expiry (nil when never forwarded).
    public let outgoing: Outgoing?
    /// Shared with the sender: wraps failures for it.
    public let sharedSecret: OnionSharedSecret
    public var status: Status
    public var preimage: Preimage?
    /// The `reason` of the `update_fail_htlc` owed upstream.
    public var upstreamReason: [UInt8]?
    /// The name of the BOLT 4 failure we made, when we failed it ourselves (a downstream
    /// failure is encrypted for the sender: we cannot read it).
    public var failureCode: String?
    public let receivedAt: UInt64
    public var resolvedAt: UInt64?

    public struct Outgoing: Sendable, Equatable {
        public let channel: UInt64
        public let htlcID: UInt64
        public let amount: MilliSatoshi
        public let expiry: UInt32

        public init(channel: UInt64, htlcID: UInt64, amount: MilliSatoshi, expiry: UInt32) {
            self.channel = channel
            self.htlcID = htlcID
            self.amount = amount
            self.expiry = expiry
        }
    }

    public init(incomingChannel: UInt64, incomingHTLC: UInt64, paymentHash: PaymentHash, incomingAmount: MilliSatoshi, incomingExpiry: UInt32,
                outgoing: Outgoing?, sharedSecret: OnionSharedSecret, status: Status, preimage: Preimage? = nil, upstreamReason: [UInt8]? = nil,
                failureCode: String? = nil, receivedAt: UInt64, resolvedAt: UInt64? = nil) {
        self.incomingChannel = incomingChannel
        self.incomingHTLC = incomingHTLC
        self.paymentHash = paymentHash
        self.incomingAmount = incomingAmount
        self.incomingExpiry = incomingExpiry
        self.outgoing = outgoing
        self.sharedSecret = sharedSecret
        self.status = status
        self.preimage = preimage
        self.upstreamReason = upstreamReason
        self.failureCode = failureCode
        self.receivedAt = receivedAt
        self.resolvedAt = resolvedAt
    }

    /// What we keep once settled: the incoming amount less the outgoing one.
    public var fee: MilliSatoshi? {
        outgoing.flatMap { try? incomingAmount.subtracting($0.amount) }
    }
}

extension NodeStore {
    /// `forwards`: every HTLC we were asked to forward, by its incoming channel and id.
    static func registerForwardsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-forwards") { db in
            try db.execute(sql: """
                CREATE TABLE forwards (
                    incoming_channel INTEGER NOT NULL,
                    incoming_htlc INTEGER NOT NULL,
                    payment_hash BLOB NOT NULL,
                    incoming_amount_msat INTEGER NOT NULL,
                    incoming_expiry INTEGER NOT NULL,
                    outgoing_channel INTEGER,
                    outgoing_htlc INTEGER,
                    outgoing_amount_msat INTEGER,
                    outgoing_expiry INTEGER,
                    shared_secret BLOB NOT NULL,
                    status TEXT NOT NULL,
                    preimage BLOB,
                    upstream_reason BLOB,
                    failure_code TEXT,
                    received_at INTEGER NOT NULL,
                    resolved_at INTEGER,
                    PRIMARY KEY (incoming_channel, incoming_htlc)
                ) WITHOUT ROWID;
                CREATE INDEX forwards_by_status ON forwards (status);
                """)
        }
    }

    /// Records a forward as decided (or replaces the record of the same incoming HTLC).
    public func recordForward(_ forward: ForwardRecord, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                INSERT INTO forwards (incoming_channel, incoming_htlc, payment_hash, incoming_amount_msat, incoming_expiry, outgoing_channel,
                    outgoing_htlc, outgoing_amount_msat, outgoing_expiry, shared_secret, status, preimage, upstream_reason, failure_code,
                    received_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (incoming_channel, incoming_htlc) DO UPDATE SET status = excluded.status, preimage = excluded.preimage,
                    upstream_reason = excluded.upstream_reason, failure_code = excluded.failure_code, resolved_at = excluded.resolved_at
                """).execute(arguments: [
                    forward.incomingChannel.stored, forward.incomingHTLC.stored, Data(forward.paymentHash.bytes),
                    forward.incomingAmount.value.stored, Int64(forward.incomingExpiry), forward.outgoing.map(\.channel.stored),
                    forward.outgoing.map(\.htlcID.stored), forward.outgoing.map(\.amount.value.stored), forward.outgoing.map { Int64($0.expiry) },
                    Data(forward.sharedSecret.bytes), forward.status.rawValue, forward.preimage.map { Data($0.bytes) },
                    forward.upstreamReason.map { Data($0) }, forward.failureCode, forward.receivedAt.stored, forward.resolvedAt.map(\.stored),
                ])
        }
    }

    /// The forward of incoming HTLC `htlcID` on channel `channel`, if we decided one.
    public func forward(incomingChannel channel: UInt64, htlcID: UInt64) throws -> ForwardRecord? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM forwards WHERE incoming_channel = ? AND incoming_htlc = ?"),
                             arguments: [channel.stored, htlcID.stored]).map(NodeStore.forward)
        }
    }

    /// Every forward, oldest first; or only those in `status`.
    public func forwards(status: ForwardRecord.Status? = nil) throws -> [ForwardRecord] {
        try read { db in
            if let status {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM forwards WHERE status = ? ORDER BY received_at, incoming_channel, incoming_htlc"),
                                        arguments: [status.rawValue]).map(NodeStore.forward)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM forwards ORDER BY received_at, incoming_channel, incoming_htlc"))
                .map(NodeStore.forward)
        }
    }

    private static func forward(_ row: Row) throws -> ForwardRecord {
        guard let status = ForwardRecord.Status(rawValue: row["status"]) else { throw StoreError.database("a forward has an unknown status") }
        let outgoing: ForwardRecord.Outgoing? = if let channel = row["outgoing_channel"] as Int64?, let htlc = row["outgoing_htlc"] as Int64?,
                                                   let amount = row["outgoing_amount_msat"] as Int64?, let expiry = row["outgoing_expiry"] as Int64? {
            ForwardRecord.Outgoing(channel: UInt64(stored: channel), htlcID: UInt64(stored: htlc), amount: MilliSatoshi(UInt64(stored: amount)),
                                   expiry: UInt32(truncatingIfNeeded: expiry))
        } else {
            nil
        }
        return ForwardRecord(
            incomingChannel: UInt64(stored: row["incoming_channel"]), incomingHTLC: UInt64(stored: row["incoming_htlc"]),
            paymentHash: try PaymentHash(bytes: [UInt8](row["payment_hash"] as Data)),
            incomingAmount: MilliSatoshi(UInt64(stored: row["incoming_amount_msat"])),
            incomingExpiry: UInt32(truncatingIfNeeded: row["incoming_expiry"] as Int64), outgoing: outgoing,
            sharedSecret: try OnionSharedSecret([UInt8](row["shared_secret"] as Data)), status: status,
            preimage: try (row["preimage"] as Data?).map { try Preimage(bytes: [UInt8]($0)) },
            upstreamReason: (row["upstream_reason"] as Data?).map { [UInt8]($0) }, failureCode: row["failure_code"],
            receivedAt: UInt64(stored: row["received_at"]), resolvedAt: (row["resolved_at"] as Int64?).map(UInt64.init(stored:)))
    }
}
