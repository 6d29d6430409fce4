import ChanLedger

/// What one node knows of the public network (BOLT 7): announced channels by short channel
/// id with the latest update of each direction, and node announcements by node id. A value:
/// the daemon applies each validated message, persists the raw bytes it keeps, and derives the
/// pathfinder's `ChannelGraph` from it (`routingGraph`).
///
/// Invariant: a node announcement is kept only for a node with at least one channel here.
public struct NetworkGraph: Sendable, Equatable {
    public let chainHash: Hash32
    public private(set) var channels: [ShortChannelID: AnnouncedChannel] = [:]
    public private(set) var nodeAnnouncements: [NodeID: GossipRecord<NodeAnnouncement>] = [:]
    /// The channels of each node, kept with `channels`.
    private var channelsByNode: [NodeID: Set<ShortChannelID>] = [:]

    public init(chainHash: Hash32) {
        self.chainHash = chainHash
    }

    public func channels(of node: NodeID) -> Set<ShortChannelID> { channelsByNode[node] ?? [] }

    /// Nodes with at least one announced channel.
    public var nodes: Set<NodeID> { Set(channelsByNode.keys) }

    // MARK: Applying gossip

    /// A `channel_announcement`, with the output the caller found at its short channel id
    /// (nil when there is none, or it is spent). The same announcement again is `duplicate`
    /// (checked before any signature); a valid one for a short channel id held by another is
    /// refused as `conflictingAnnouncement`.
    public mutating func apply(_ announcement: ChannelAnnouncement, fundingOutput: TxOutput?) -> GossipOutcome {
        if let known = channels[announcement.shortChannelID],
           Self.sameSignedContent(known.announcement.message, announcement) {
            return .duplicate
        }
        guard let fundingOutput else {
            return .rejected(.fundingOutputMismatch("no unspent output at \(announcement.shortChannelID)"))
        }
        let ends: ChannelEnds
        let record: GossipRecord<ChannelAnnouncement>
        do throws(GossipError) {
            ends = try GossipValidation.validate(announcement, chainHash: chainHash, fundingOutput: fundingOutput)
            record = try Self.record(announcement)
        } catch {
            return .rejected(error)
        }
        guard channels[ends.shortChannelID] == nil else {
            return .rejected(.conflictingAnnouncement(ends.shortChannelID))
        }
        channels[ends.shortChannelID] = AnnouncedChannel(announcement: record, ends: ends)
        channelsByNode[ends.nodeID1, default: []].insert(ends.shortChannelID)
        channelsByNode[ends.nodeID2, default: []].insert(ends.shortChannelID)
        return .accepted
    }

    /// A `channel_update`: replaces the stored one of its direction when its timestamp is
    /// greater (BOLT 7); an equal timestamp with the same content is `duplicate`, any other
    /// one no newer is `stale`. Both are decided before the signature is checked.
    public mutating func apply(_ update: ChannelUpdateMessage) -> GossipOutcome {
        guard update.chainHash == chainHash else { return .rejected(.wrongChain(update.chainHash)) }
        guard var channel = channels[update.shortChannelID] else { return .unknownChannel }
        if let known = channel.update(update.direction)?.message {
            if known.timestamp == update.timestamp, known.hasSameSignedContent(as: update) { return .duplicate }
            if update.timestamp <= known.timestamp { return .stale }
        }
        do throws(GossipError) {
            try GossipValidation.validate(update, chainHash: chainHash, channel: channel.ends)
            channel.setUpdate(try Self.record(update))
        } catch {
            return .rejected(error)
        }
        channels[update.shortChannelID] = channel
        return .accepted
    }

    /// A `node_announcement`: kept only for a node with an announced channel, and only when
    /// newer than the stored one (same rules as `channel_update`).
    public mutating func apply(_ announcement: NodeAnnouncement) -> GossipOutcome {
        guard let node = NodeID(bytes: announcement.nodeID.bytes) else { return .rejected(.invalidKey(field: "node_id")) }
        guard channelsByNode[node] != nil else { return .unknownNode }
        if let known = nodeAnnouncements[node]?.message {
            if known.timestamp == announcement.timestamp, known.hasSameSignedContent(as: announcement) { return .duplicate }
            if announcement.timestamp <= known.timestamp { return .stale }
        }
        do throws(GossipError) {
            try GossipValidation.validate(announcement, nodeHasChannel: true)
            nodeAnnouncements[node] = try Self.record(announcement)
        } catch {
            return .rejected(error)
        }
        return .accepted
    }

    // MARK: Pruning

    /// Forgets a channel (its funding output was spent), and the announcement of any node left
    /// without channels. Returns the channel, nil when it was not known.
    @discardableResult
    public mutating func removeChannel(_ id: ShortChannelID) -> AnnouncedChannel? {
        guard let channel = channels.removeValue(forKey: id) else { return nil }
        for node in [channel.ends.nodeID1, channel.ends.nodeID2] {
            channelsByNode[node]?.remove(id)
            if channelsByNode[node]?.isEmpty == true {
                channelsByNode[node] = nil
                nodeAnnouncements[node] = nil
            }
        }
        return channel
    }

    /// BOLT 7's two weeks: an update older than this marks a channel stale.
    public static let staleAge: UInt32 = 1_209_600

    /// Forgets the channels whose oldest latest update is older than `maxAge` at `now` (both
    /// ends must be alive for a channel to be usable, BOLT 7). A channel without any update
    /// is kept: nothing dates it. Returns the removed channels, by short channel id.
    public mutating func pruneStaleChannels(now: UInt32, maxAge: UInt32 = staleAge) -> [AnnouncedChannel] {
        let cutoff = now > maxAge ? now - maxAge : 0
        let stale = channels.values.filter { channel in
            guard let oldest = channel.updates.map(\.message.timestamp).min() else { return false }
            return oldest < cutoff
        }.sorted { $0.shortChannelID < $1.shortChannelID }
        for channel in stale { removeChannel(channel.shortChannelID) }
        return stale
    }

    // MARK: Helpers

    private static func record<Message: WireMessageBody>(_ message: Message) throws(GossipError) -> GossipRecord<Message> {
        do {
            return try GossipRecord(message)
        } catch {
            throw .cannotBuild(error.message)
        }
    }

    /// Equal apart from the signatures (ECDSA signatures are malleable: a relay may flip s).
    static func sameSignedContent(_ a: ChannelAnnouncement, _ b: ChannelAnnouncement) -> Bool {
        var unsignedA = a
        unsignedA.nodeSignature1 = b.nodeSignature1
        unsignedA.nodeSignature2 = b.nodeSignature2
        unsignedA.bitcoinSignature1 = b.bitcoinSignature1
        unsignedA.bitcoinSignature2 = b.bitcoinSignature2
        return unsignedA == b
    }
}
