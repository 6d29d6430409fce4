import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// A channel as the store holds it: its index (its keys re-derive from it) and its record.
public struct StoredChannel: Sendable {
    public let index: UInt64
    public let record: [UInt8]
}

/// What one `persist` writes, in one transaction: the channel's record (replaced) and what the
/// change appends to its logs.
public struct ChannelWrite: Sendable {
    public let index: UInt64
    public let channelID: ChannelID
    public let peerID: PublicKey
    public let phase: ChannelPhase
    public let record: [UInt8]
    public let revoked: RevokedCommitment?
    public let stateChanges: [StateChange]
    /// Our new current commitment, signed, for the archive (`cheat`).
    public let archived: (number: UInt64, transaction: Transaction)?

    public init(index: UInt64, channelID: ChannelID, peerID: PublicKey, phase: ChannelPhase, record: [UInt8],
                revoked: RevokedCommitment?, stateChanges: [StateChange], archived: (number: UInt64, transaction: Transaction)? = nil) {
        self.index = index
        self.channelID = channelID
        self.peerID = peerID
        self.phase = phase
        self.record = record
        self.revoked = revoked
        self.stateChanges = stateChanges
        self.archived = archived
    }
}

extension NodeStore {
    /// Takes the next channel index for good (a channel that fails to open never gives its
    /// index, and so its keys, to another).
    public func allocateChannelIndex() throws -> UInt64 {
        try write { db in
            let next = try db.integer(meta: "next_channel_index")
            try db.setInteger(meta: "next_channel_index", next + 1)
            return UInt64(stored: next)
        }
    }

    /// Writes channels' records and appends their log entries, all in one durable transaction.
    public func persist(_ writes: [ChannelWrite], now: UInt64) throws {
        guard !writes.isEmpty else { return }
        try write { db in
            for change in writes {
                try db.execute(
                    sql: """
                        INSERT INTO channels (channel_index, channel_id, peer_id, phase, record, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (channel_index) DO UPDATE SET channel_id = excluded.channel_id, phase = excluded.phase,
                            record = excluded.record, updated_at = excluded.updated_at
                        """,
                    arguments: [change.index.stored, Data(change.channelID.bytes), Data(change.peerID.compressed),
                                change.phase.rawValue, Data(change.record), now.stored])
                if let revoked = change.revoked {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO revocation_log (channel_index, txid, commitment_number) VALUES (?, ?, ?)",
                        arguments: [change.index.stored, Data(revoked.txid.bytes), revoked.number.stored])
                }
                try appendStateChanges(db, index: change.index, change.stateChanges)
                if let archived = change.archived {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO commitment_archive (channel_index, commitment_number, raw) VALUES (?, ?, ?)",
                        arguments: [change.index.stored, archived.number.stored, Data(archived.transaction.serialized())])
                }
            }
        }
    }

    /// Appends history without touching the record (a change of state that needed no persist).
    public func appendStateChanges(channel index: UInt64, _ changes: [StateChange]) throws {
        guard !changes.isEmpty else { return }
        try write { db in try appendStateChanges(db, index: index, changes) }
    }

    private func appendStateChanges(_ db: Database, index: UInt64, _ changes: [StateChange]) throws {
        guard !changes.isEmpty else { return }
        var seq = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM state_changes WHERE channel_index = ?",
                                     arguments: [index.stored]) ?? 0
        for change in changes {
            try db.execute(
                sql: "INSERT INTO state_changes (channel_index, seq, time, old, new, cause) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [index.stored, seq, change.time.stored, change.old.rawValue, change.new.rawValue, change.cause])
            seq += 1
        }
    }

    /// Every stored channel, by index.
    public func channels() throws -> [StoredChannel] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT channel_index, record FROM channels ORDER BY channel_index").map { row in
                StoredChannel(index: UInt64(stored: row["channel_index"]), record: [UInt8](row["record"] as Data))
            }
        }
    }

    /// A channel's history, oldest first.
    public func stateChanges(channel index: UInt64) throws -> [StateChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT time, old, new, cause FROM state_changes WHERE channel_index = ? ORDER BY seq",
                             arguments: [index.stored]).map { row in
                guard let old = ChannelPhase(rawValue: row["old"]), let new = ChannelPhase(rawValue: row["new"]) else {
                    throw StoreError.database("a state change of channel \(index) names an unknown state")
                }
                return StateChange(time: UInt64(stored: row["time"]), old: old, new: new, cause: row["cause"])
            }
        }
    }

    /// The number of the peer's commitment `txid` if the channel's revocation log holds it.
    public func revokedCommitmentNumber(channel index: UInt64, txid: TxID) throws -> UInt64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT commitment_number FROM revocation_log WHERE channel_index = ? AND txid = ?",
                               arguments: [index.stored, Data(txid.bytes)]).map(UInt64.init(stored:))
        }
    }

    /// Our archived commitment `number` of channel `index`, or nil.
    public func archivedCommitment(channel index: UInt64, number: UInt64) throws -> Transaction? {
        try read { db in
            guard let raw = try Data.fetchOne(db, sql: "SELECT raw FROM commitment_archive WHERE channel_index = ? AND commitment_number = ?",
                                              arguments: [index.stored, number.stored]) else { return nil }
            return try Transaction(serialized: [UInt8](raw))
        }
    }

    /// The numbers of our archived commitments of channel `index`, ascending.
    public func archivedCommitmentNumbers(channel index: UInt64) throws -> [UInt64] {
        try read { db in
            try Int64.fetchAll(db, sql: "SELECT commitment_number FROM commitment_archive WHERE channel_index = ? ORDER BY commitment_number",
                               arguments: [index.stored]).map(UInt64.init(stored:))
        }
    }

    // MARK: Peers

    /// Remembers where `nodeID` listens, to reconnect after a restart.
    public func rememberPeer(_ nodeID: PublicKey, host: String, port: UInt16) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO peers (node_id, host, port) VALUES (?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET host = excluded.host, port = excluded.port",
                           arguments: [Data(nodeID.compressed), host, Int64(port)])
        }
    }

    /// Every remembered peer address.
    public func peerAddresses() throws -> [(nodeID: PublicKey, host: String, port: UInt16)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT node_id, host, port FROM peers").compactMap { row in
                guard let key = try? PublicKey(compressed: [UInt8](row["node_id"] as Data)), let port = UInt16(exactly: row["port"] as Int64) else { return nil }
                return (key, row["host"], port)
            }
        }
    }
}
