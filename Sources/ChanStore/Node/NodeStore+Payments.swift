import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// One of our invoices, with the preimage that settles it (never printed: see the daemon's JSON).
public struct InvoiceRecord: Sendable, Equatable {
    /// `held`: a hold invoice whose HTLC arrived and waits for `settle` or `cancel`.
    public enum Status: String, Sendable { case open, held, paid, canceled }

    public let paymentHash: PaymentHash
    public let preimage: Preimage
    public let paymentSecret: Bytes32
    public let bolt11: String
    public let amount: MilliSatoshi?
    public let description: String
    public let createdAt: UInt64
    public let expiresAt: UInt64
    public let minFinalCLTVExpiry: UInt32
    /// Its HTLCs are held until the node is told to settle or cancel them.
    public let hold: Bool
    public var status: Status
    public var received: MilliSatoshi?
    public var paidAt: UInt64?

    public init(paymentHash: PaymentHash, preimage: Preimage, paymentSecret: Bytes32, bolt11: String, amount: MilliSatoshi?,
                description: String, createdAt: UInt64, expiresAt: UInt64, minFinalCLTVExpiry: UInt32, hold: Bool = false,
                status: Status = .open, received: MilliSatoshi? = nil, paidAt: UInt64? = nil) {
        self.paymentHash = paymentHash
        self.preimage = preimage
        self.paymentSecret = paymentSecret
        self.bolt11 = bolt11
        self.amount = amount
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.minFinalCLTVExpiry = minFinalCLTVExpiry
        self.hold = hold
        self.status = status
        self.received = received
        self.paidAt = paidAt
    }
}

/// One of our outgoing payments and where it stands.
public struct PaymentRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, succeeded, failed }

    public let paymentHash: PaymentHash
    public let bolt11: String?
    public let destination: PublicKey
    public let amount: MilliSatoshi
    public var fee: MilliSatoshi
    public var status: Status
    public let createdAt: UInt64
    public var resolvedAt: UInt64?
    public var preimage: Preimage?
    public var failureCode: String?
    public var failureMessage: String?
    /// The HTLC that carries it: which channel, which id.
    public var channelIndex: UInt64?
    public var htlcID: UInt64?
    /// What decrypts a failure onion coming back (the route's shared secrets), encoded by the daemon.
    public var hopSecrets: [UInt8]?

    public init(paymentHash: PaymentHash, bolt11: String?, destination: PublicKey, amount: MilliSatoshi, fee: MilliSatoshi,
                status: Status, createdAt: UInt64, resolvedAt: UInt64? = nil, preimage: Preimage? = nil, failureCode: String? = nil,
                failureMessage: String? = nil, channelIndex: UInt64? = nil, htlcID: UInt64? = nil, hopSecrets: [UInt8]? = nil) {
        self.paymentHash = paymentHash
        self.bolt11 = bolt11
        self.destination = destination
        self.amount = amount
        self.fee = fee
        self.status = status
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
        self.preimage = preimage
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.channelIndex = channelIndex
        self.htlcID = htlcID
        self.hopSecrets = hopSecrets
    }
}

extension NodeStore {
    // MARK: Invoices

    public func insertInvoice(_ invoice: InvoiceRecord, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                    INSERT INTO invoices (payment_hash, preimage, payment_secret, bolt11, amount_msat, description, created_at,
                        expires_at, min_final_cltv_expiry, hold, status, received_msat, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [Data(invoice.paymentHash.bytes), Data(invoice.preimage.bytes), Data(invoice.paymentSecret.bytes), invoice.bolt11,
                            invoice.amount.map { $0.value.stored }, invoice.description, invoice.createdAt.stored, invoice.expiresAt.stored,
                            Int64(invoice.minFinalCLTVExpiry), invoice.hold, invoice.status.rawValue, invoice.received.map { $0.value.stored },
                            invoice.paidAt.map(\.stored)])
        }
    }

    public func invoice(_ hash: PaymentHash) throws -> InvoiceRecord? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM invoices WHERE payment_hash = ?"), arguments: [Data(hash.bytes)]).map(NodeStore.invoice)
        }
    }

    public func invoices() throws -> [InvoiceRecord] {
        try read { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM invoices ORDER BY created_at, payment_hash")).map(NodeStore.invoice) }
    }

    /// Marks the invoice paid with what arrived; false if it was not open or held.
    @discardableResult
    public func markInvoicePaid(_ hash: PaymentHash, received: MilliSatoshi, at time: UInt64, durability: Durability = .immediate) throws -> Bool {
        try setInvoice(hash, to: .paid, from: [.open, .held], received: received, at: time, durability: durability)
    }

    /// Moves the invoice from one of `from` to `status`; false if it was in none of them.
    @discardableResult
    public func setInvoice(_ hash: PaymentHash, to status: InvoiceRecord.Status, from: Set<InvoiceRecord.Status>,
                           received: MilliSatoshi? = nil, at time: UInt64? = nil, durability: Durability = .immediate) throws -> Bool {
        try write(durability) { db in
            let placeholders = from.map { _ in "?" }.joined(separator: ", ")
            var arguments: [any DatabaseValueConvertible] = [status.rawValue]
            var assignments = "status = ?"
            if let received {
                assignments += ", received_msat = ?"
                arguments.append(received.value.stored)
            }
            if let time {
                assignments += ", paid_at = ?"
                arguments.append(time.stored)
            }
            arguments.append(Data(hash.bytes))
            arguments += from.map(\.rawValue)
            try db.cachedStatement(sql: "UPDATE invoices SET \(assignments) WHERE payment_hash = ? AND status IN (\(placeholders))").execute(arguments: StatementArguments(arguments))
            return db.changesCount == 1
        }
    }

    private static func invoice(_ row: Row) throws -> InvoiceRecord {
        guard let status = InvoiceRecord.Status(rawValue: row["status"]) else { throw StoreError.database("an invoice has an unknown status") }
        return InvoiceRecord(
            paymentHash: try PaymentHash(bytes: [UInt8](row["payment_hash"] as Data)),
            preimage: try Preimage(bytes: [UInt8](row["preimage"] as Data)),
            paymentSecret: try Bytes32([UInt8](row["payment_secret"] as Data)),
            bolt11: row["bolt11"], amount: (row["amount_msat"] as Int64?).map { MilliSatoshi(UInt64(stored: $0)) },
            description: row["description"], createdAt: UInt64(stored: row["created_at"]), expiresAt: UInt64(stored: row["expires_at"]),
            minFinalCLTVExpiry: UInt32(truncatingIfNeeded: row["min_final_cltv_expiry"] as Int64), hold: row["hold"], status: status,
            received: (row["received_msat"] as Int64?).map { MilliSatoshi(UInt64(stored: $0)) },
            paidAt: (row["paid_at"] as Int64?).map(UInt64.init(stored:)))
    }

    // MARK: Payments

    /// Records a new attempt to pay `payment.paymentHash`; refuses (`already_paid`,
    /// `payment_in_flight`) while an earlier one succeeded or is pending. A failed one is
    /// replaced, with its attempts: the payment may be tried again.
    public func startPayment(_ payment: PaymentRecord, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                    DELETE FROM payment_attempts WHERE payment_hash = ?
                        AND EXISTS (SELECT 1 FROM payments WHERE payment_hash = ? AND status = 'failed')
                    """).execute(arguments: [Data(payment.paymentHash.bytes), Data(payment.paymentHash.bytes)])
            // One statement when the hash is new or its last attempt failed (the usual cases).
            try db.cachedStatement(sql: """
                    INSERT INTO payments (payment_hash, bolt11, destination, amount_msat, fee_msat, status, created_at, resolved_at, preimage,
                        failure_code, failure_message, channel_index, htlc_id, hop_secrets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (payment_hash) DO UPDATE SET bolt11 = excluded.bolt11, destination = excluded.destination,
                        amount_msat = excluded.amount_msat, fee_msat = excluded.fee_msat, status = excluded.status,
                        created_at = excluded.created_at, resolved_at = excluded.resolved_at, preimage = excluded.preimage,
                        failure_code = excluded.failure_code, failure_message = excluded.failure_message,
                        channel_index = excluded.channel_index, htlc_id = excluded.htlc_id, hop_secrets = excluded.hop_secrets
                    WHERE payments.status = 'failed'
                    """).execute(arguments: NodeStore.columns(of: payment))
            guard db.changesCount == 0 else { return }
            let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM payments WHERE payment_hash = ?"),
                                             arguments: [Data(payment.paymentHash.bytes)])
            throw StoreError.paymentExists(payment.paymentHash.hex, status: status ?? "unknown")
        }
    }

    /// Records how pending payment `payment.paymentHash` ended: its status, fee, `resolvedAt`,
    /// preimage and failure (the rest of the row is as it started). False if it was not pending.
    @discardableResult
    public func resolvePayment(_ payment: PaymentRecord, durability: Durability = .immediate) throws -> Bool {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                    UPDATE payments SET status = ?, fee_msat = ?, resolved_at = ?, preimage = ?, failure_code = ?, failure_message = ?
                    WHERE payment_hash = ? AND status = 'pending'
                    """).execute(arguments: [payment.status.rawValue, payment.fee.value.stored, payment.resolvedAt.map(\.stored),
                                             payment.preimage.map { Data($0.bytes) }, payment.failureCode, payment.failureMessage,
                                             Data(payment.paymentHash.bytes)])
            return db.changesCount == 1
        }
    }

    public func payment(_ hash: PaymentHash) throws -> PaymentRecord? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM payments WHERE payment_hash = ?"), arguments: [Data(hash.bytes)]).map(NodeStore.payment)
        }
    }

    /// Every payment, oldest first; or only those in `status`.
    public func payments(status: PaymentRecord.Status? = nil) throws -> [PaymentRecord] {
        try read { db in
            guard let status else {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payments ORDER BY created_at, payment_hash")).map(NodeStore.payment)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payments WHERE status = ? ORDER BY created_at, payment_hash"),
                                    arguments: [status.rawValue]).map(NodeStore.payment)
        }
    }

    private static func columns(of payment: PaymentRecord) -> StatementArguments {
        [Data(payment.paymentHash.bytes), payment.bolt11, Data(payment.destination.compressed), payment.amount.value.stored,
         payment.fee.value.stored, payment.status.rawValue, payment.createdAt.stored, payment.resolvedAt.map(\.stored),
         payment.preimage.map { Data($0.bytes) }, payment.failureCode, payment.failureMessage,
         payment.channelIndex.map(\.stored), payment.htlcID.map(\.stored), payment.hopSecrets.map { Data($0) }]
    }

    private static func payment(_ row: Row) throws -> PaymentRecord {
        guard let status = PaymentRecord.Status(rawValue: row["status"]) else { throw StoreError.database("a payment has an unknown status") }
        return PaymentRecord(
            paymentHash: try PaymentHash(bytes: [UInt8](row["payment_hash"] as Data)), bolt11: row["bolt11"],
            destination: try PublicKey(compressed: [UInt8](row["destination"] as Data)),
            amount: MilliSatoshi(UInt64(stored: row["amount_msat"])), fee: MilliSatoshi(UInt64(stored: row["fee_msat"])),
            status: status, createdAt: UInt64(stored: row["created_at"]), resolvedAt: (row["resolved_at"] as Int64?).map(UInt64.init(stored:)),
            preimage: try (row["preimage"] as Data?).map { try Preimage(bytes: [UInt8]($0)) },
            failureCode: row["failure_code"], failureMessage: row["failure_message"],
            channelIndex: (row["channel_index"] as Int64?).map(UInt64.init(stored:)),
            htlcID: (row["htlc_id"] as Int64?).map(UInt64.init(stored:)),
            hopSecrets: (row["hop_secrets"] as Data?).map { [UInt8]($0) })
    }
}
