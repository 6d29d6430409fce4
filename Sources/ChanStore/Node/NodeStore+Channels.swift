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

/// A channel's row as the store keeps it: its ids, its state and its versioned record.
public struct ChannelRow: Sendable {
    public let channelID: ChannelID
    public let peerID: PublicKey
    public let phase: ChannelPhase
    public let record: [UInt8]

    public init(channelID: ChannelID, peerID: PublicKey, phase: ChannelPhase, record: [UInt8]) {
        self.channelID = channelID
        self.peerID = peerID
        self.phase = phase
        self.record = record
    }
}

/// What one channel's `persist` writes, in one transaction: its row (replaced; nil when only
/// its logs grow) and what its changes append to its logs. Writes of the same channel merge
/// (`merge`): the later row wins, the log entries add up.
public struct ChannelWrite: Sendable {
    public let index: UInt64
    public var row: ChannelRow?
    public private(set) var revoked: [RevokedCommitment]
    public private(set) var stateChanges: [StateChange]
    /// Our new current commitments, signed, for the archive (`cheat`).
    public private(set) var archived: [(number: UInt64, transaction: Transaction)]

    public init(index: UInt64, row: ChannelRow?, revoked: [RevokedCommitment] = [], stateChanges: [StateChange] = [],
                archived: [(number: UInt64, transaction: Transaction)] = []) {
        self.index = index
        self.row = row
        self.revoked = revoked
        self.stateChanges = stateChanges
        self.archived = archived
    }

    /// Adds a later write of the same channel.
    public mutating func merge(_ later: ChannelWrite) {
        precondition(later.index == index, "writes of different channels do not merge")
        if let row = later.row { self.row = row }
        revoked += later.revoked
        stateChanges += later.stateChanges
        archived += later.archived
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

    /// Writes channels' rows and appends their log entries, all in one durable transaction.
    public func persist(_ writes: [ChannelWrite], now: UInt64, durability: Durability = .immediate) throws {
        guard !writes.isEmpty else { return }
        try write(durability) { db in
            for change in writes {
                if let row = change.row {
                    try db.cachedStatement(sql: """
                        INSERT INTO channels (channel_index, channel_id, peer_id, phase, record, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (channel_index) DO UPDATE SET channel_id = excluded.channel_id, phase = excluded.phase,
                            record = excluded.record, updated_at = excluded.updated_at
                        """).execute(arguments: [change.index.stored, Data(row.channelID.bytes), Data(row.peerID.compressed),
                                                 row.phase.rawValue, Data(row.record), now.stored])
                }
                for revoked in change.revoked {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO revocation_log (channel_index, txid, commitment_number) VALUES (?, ?, ?)")
                        .execute(arguments: [change.index.stored, Data(revoked.txid.bytes), revoked.number.stored])
                }
                try appendStateChanges(db, index: change.index, change.stateChanges)
                for archived in change.archived {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO commitment_archive (channel_index, commitment_number, raw) VALUES (?, ?, ?)")
                        .execute(arguments: [change.index.stored, archived.number.stored, Data(archived.transaction.serialized())])
                }
            }
        }
    }

    private func appendStateChanges(_ db: Database, index: UInt64, _ changes: [StateChange]) throws {
        guard !changes.isEmpty else { return }
        var seq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM state_changes WHERE channel_index = ?"), arguments: [index.stored]) ?? 0
        for change in changes {
            try db.cachedStatement(sql: "INSERT INTO state_changes (channel_index, seq, time, old, new, cause) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [index.stored, seq, change.time.stored, change.old.rawValue, change.new.rawValue, change.cause])
            seq += 1
        }
    }

    /// Every stored channel, by index.
    public func channels() throws -> [StoredChannel] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT channel_index, record FROM channels ORDER BY channel_index")).map { row in
                StoredChannel(index: UInt64(stored: row["channel_index"]), record: [UInt8](row["record"] as Data))
            }
        }
    }

    /// A channel's history, oldest first.
    public func stateChanges(channel index: UInt64) throws -> [StateChange] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT time, old, new, cause FROM state_changes WHERE channel_index = ? ORDER BY seq"), arguments: [index.stored]).map { row in
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
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT commitment_number FROM revocation_log WHERE channel_index = ? AND txid = ?"), arguments: [index.stored, Data(txid.bytes)]).map(UInt64.init(stored:))
        }
    }

    /// Our archived commitment `number` of channel `index`, or nil.
    public func archivedCommitment(channel index: UInt64, number: UInt64) throws -> Transaction? {
        try read { db in
            guard let raw = try Data.fetchOne(db.cachedStatement(sql: "SELECT raw FROM commitment_archive WHERE channel_index = ? AND commitment_number = ?"), arguments: [index.stored, number.stored]) else { return nil }
            return try Transaction(serialized: [UInt8](raw))
        }
    }

    /// The numbers of our archived commitments of channel `index`, ascending.
    public func archivedCommitmentNumbers(channel index: UInt64) throws -> [UInt64] {
        try read { db in
            try Int64.fetchAll(db.cachedStatement(sql: "SELECT commitment_number FROM commitment_archive WHERE channel_index = ? ORDER BY commitment_number"), arguments: [index.stored]).map(UInt64.init(stored:))
        }
    }

    // MARK: Peers

    /// Remembers where `nodeID` listens, to reconnect after a restart.
    public func rememberPeer(_ nodeID: PublicKey, host: String, port: UInt16) throws {
        try write { db in
            try db.cachedStatement(sql: "INSERT INTO peers (node_id, host, port) VALUES (?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET host = excluded.host, port = excluded.port").execute(arguments: [Data(nodeID.compressed), host, Int64(port)])
        }
    }

    /// Every remembered peer address.
    public func peerAddresses() throws -> [(nodeID: PublicKey, host: String, port: UInt16)] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT node_id, host, port FROM peers")).compactMap { row in
                guard let key = try? PublicKey(compressed: [UInt8](row["node_id"] as Data)), let port = UInt16(exactly: row["port"] as Int64) else { return nil }
                return (key, row["host"], port)
            }
        }
    }
}
