import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import GRDB

/// A public channel as the node's gossip store keeps it: the raw messages as they arrived
/// (checked by the daemon before they are stored), so they can be relayed byte for byte.
public struct StoredGossipChannel: Sendable, Equatable {
    public let shortChannelID: ShortChannelID
    public let announcement: [UInt8]
    public let capacity: Satoshi
    /// The latest `channel_update` of each direction (0: from node_1, 1: from node_2).
    public let updates: [[UInt8]?]

    public init(shortChannelID: ShortChannelID, announcement: [UInt8], capacity: Satoshi, updates: [[UInt8]?]) {
        self.shortChannelID = shortChannelID
        self.announcement = announcement
        self.capacity = capacity
        self.updates = updates
    }
}

/// Our forwarding policy on one channel, and the timestamp of the last `channel_update` that
/// announced it (the next one must carry a later timestamp, BOLT 7).
public struct ChannelPolicySetting: Sendable, Equatable {
    public var policy: ForwardingPolicy
    public var timestamp: UInt32

    public init(policy: ForwardingPolicy, timestamp: UInt32) {
        self.policy = policy
        self.timestamp = timestamp
    }
}

extension NodeStore {
    /// `gossip_channels`, `gossip_nodes`: the public network as this node knows it, raw.
    /// `channel_policies`: our forwarding policy per channel (absent: the node's defaults).
    /// `peer_updates`: the peer's `channel_update` of each of our channels the network does not
    /// know (private ones: their route hints need it after a restart too).
    static func registerGossipMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-gossip") { db in
            try db.execute(sql: """
                CREATE TABLE gossip_channels (
                    short_channel_id INTEGER PRIMARY KEY NOT NULL,
                    announcement BLOB NOT NULL,
                    capacity_sat INTEGER NOT NULL,
                    update_0 BLOB,
                    update_1 BLOB
                );
                CREATE TABLE gossip_nodes (
                    node_id BLOB PRIMARY KEY NOT NULL,
                    announcement BLOB NOT NULL
                );
                CREATE TABLE peer_updates (
                    channel_index INTEGER PRIMARY KEY NOT NULL,
                    raw BLOB NOT NULL
                );
                CREATE TABLE channel_policies (
                    channel_index INTEGER PRIMARY KEY NOT NULL,
                    fee_base_msat INTEGER NOT NULL,
                    fee_proportional_millionths INTEGER NOT NULL,
                    cltv_expiry_delta INTEGER NOT NULL,
                    htlc_minimum_msat INTEGER NOT NULL,
                    htlc_maximum_msat INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL
                );
                """)
        }
    }

    // MARK: Gossip

    /// Stores a channel's announcement (kept as is when the channel is known already).
    public func storeChannelAnnouncement(_ id: ShortChannelID, raw: [UInt8], capacity: Satoshi, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO gossip_channels (short_channel_id, announcement, capacity_sat) VALUES (?, ?, ?)")
                .execute(arguments: [id.rawValue.stored, Data(raw), capacity.value.stored])
        }
    }

    /// Replaces the `channel_update` of one direction of a stored channel.
    public func storeChannelUpdate(_ id: ShortChannelID, direction: ChannelDirection, raw: [UInt8], durability: Durability = .immediate) throws {
        let column = switch direction {
        case .fromNode1: "update_0"
        case .fromNode2: "update_1"
        }
        try write(durability) { db in
            try db.cachedStatement(sql: "UPDATE gossip_channels SET \(column) = ? WHERE short_channel_id = ?")
                .execute(arguments: [Data(raw), id.rawValue.stored])
        }
    }

    public func storeNodeAnnouncement(_ nodeID: PublicKey, raw: [UInt8], durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: """
                INSERT INTO gossip_nodes (node_id, announcement) VALUES (?, ?)
                ON CONFLICT (node_id) DO UPDATE SET announcement = excluded.announcement
                """).execute(arguments: [Data(nodeID.compressed), Data(raw)])
        }
    }

    /// Forgets a closed channel, and the announcements of nodes it leaves without channels.
    public func removeGossipChannel(_ id: ShortChannelID, orphanedNodes: [PublicKey], durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: "DELETE FROM gossip_channels WHERE short_channel_id = ?").execute(arguments: [id.rawValue.stored])
            for node in orphanedNodes {
                try db.cachedStatement(sql: "DELETE FROM gossip_nodes WHERE node_id = ?").execute(arguments: [Data(node.compressed)])
            }
        }
    }

    /// Every stored channel, by short channel id, and every node announcement.
    public func gossip() throws -> (channels: [StoredGossipChannel], nodes: [[UInt8]]) {
        try read { db in
            let channels = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM gossip_channels ORDER BY short_channel_id")).map { row in
                StoredGossipChannel(
                    shortChannelID: ShortChannelID(rawValue: UInt64(stored: row["short_channel_id"])),
                    announcement: [UInt8](row["announcement"] as Data), capacity: Satoshi(UInt64(stored: row["capacity_sat"])),
                    updates: [(row["update_0"] as Data?).map { [UInt8]($0) }, (row["update_1"] as Data?).map { [UInt8]($0) }])
            }
            let nodes = try Data.fetchAll(db.cachedStatement(sql: "SELECT announcement FROM gossip_nodes ORDER BY node_id")).map { [UInt8]($0) }
            return (channels, nodes)
        }
    }

    /// Keeps the peer's latest `channel_update` of our channel `index`.
    public func storePeerUpdate(_ raw: [UInt8], channel index: UInt64, durability: Durability = .immediate) throws {
        try write(durability) { db in
            try db.cachedStatement(sql: "INSERT INTO peer_updates (channel_index, raw) VALUES (?, ?) ON CONFLICT (channel_index) DO UPDATE SET raw = excluded.raw")
                .execute(arguments: [index.stored, Data(raw)])
        }
    }

    /// The peers' updates kept, by channel index.
    public func peerUpdates() throws -> [UInt64: [UInt8]] {
        try read { db in
            var updates: [UInt64: [UInt8]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT channel_index, raw FROM peer_updates")) {
                updates[UInt64(stored: row["channel_index"])] = [UInt8](row["raw"] as Data)
            }
            return updates
        }
    }

    // MARK: Our forwarding policies

    public func channelPolicy(channel index: UInt64) throws -> ChannelPolicySetting? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM channel_policies WHERE channel_index = ?"), arguments: [index.stored]).map { row in
                ChannelPolicySetting(
                    policy: ForwardingPolicy(
                        feeBase: MilliSatoshi(UInt64(stored: row["fee_base_msat"])),
                        feeProportionalMillionths: UInt32(truncatingIfNeeded: row["fee_proportional_millionths"] as Int64),
                        cltvExpiryDelta: UInt16(truncatingIfNeeded: row["cltv_expiry_delta"] as Int64),
                        htlcMinimum: MilliSatoshi(UInt64(stored: row["htlc_minimum_msat"])),
                        htlcMaximum: MilliSatoshi(UInt64(stored: row["htlc_maximum_msat"]))),
                    timestamp: UInt32(truncatingIfNeeded: row["timestamp"] as Int64))
            }
        }
    }

    public func setChannelPolicy(_ setting: ChannelPolicySetting, channel index: UInt64, durability: Durability = .immediate) throws {
        let policy = setting.policy
        try write(durability) { db in
            try db.cachedStatement(sql: """
                INSERT INTO channel_policies (channel_index, fee_base_msat, fee_proportional_millionths, cltv_expiry_delta,
                    htlc_minimum_msat, htlc_maximum_msat, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel_index) DO UPDATE SET fee_base_msat = excluded.fee_base_msat,
                    fee_proportional_millionths = excluded.fee_proportional_millionths, cltv_expiry_delta = excluded.cltv_expiry_delta,
                    htlc_minimum_msat = excluded.htlc_minimum_msat, htlc_maximum_msat = excluded.htlc_maximum_msat,
                    timestamp = excluded.timestamp
                """).execute(arguments: [index.stored, policy.feeBase.value.stored, Int64(policy.feeProportionalMillionths),
                                         Int64(policy.cltvExpiryDelta), policy.htlcMinimum.value.stored, policy.htlcMaximum.value.stored,
                                         Int64(setting.timestamp)])
        }
    }
}
