import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// `NetworkGraph`: what it keeps of announcements, updates and node announcements, what it
/// forgets, the order of a full sync, and the routing graph it gives the pathfinder.
@Suite struct NetworkGraphTests {
    typealias F = GossipFixtures

    /// A graph holding `channel`'s announcement.
    private func graph(with channels: F.Channel...) -> NetworkGraph {
        var graph = NetworkGraph(chainHash: F.chain)
        for channel in channels {
            #expect(graph.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
        }
        return graph
    }

    // MARK: channel_announcement

    @Test func announcementIsStoredOnceWithItsRawBytes() throws {
        let channel = F.Channel("700000x1x0", 1, 2, capacity: Satoshi(3_000_000))
        var graph = NetworkGraph(chainHash: F.chain)
        #expect(graph.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
        let stored = try #require(graph.channels[channel.shortChannelID])
        #expect(stored.capacity == Satoshi(3_000_000))
        #expect(stored.announcement.raw == (try channel.announcement.encode()))
        #expect(stored.update1 == nil && stored.update2 == nil)
        #expect(graph.nodes == [F.nodeID(channel.nodeKeyA), F.nodeID(channel.nodeKeyB)])
        #expect(graph.channels(of: F.nodeID(channel.nodeKeyA)) == [channel.shortChannelID])

        // Again, even without the output at hand: a duplicate, found before any check.
        #expect(graph.apply(channel.announcement, fundingOutput: nil) == .duplicate)
        var resigned = channel.announcement
        resigned.excessData = [1]
        #expect(graph.apply(resigned, fundingOutput: channel.fundingOutput) == .rejected(.invalidSignature(field: "node_signature_1")))
        #expect(graph.channels.count == 1)
    }

    @Test func aSecondValidAnnouncementForTheSameChannelIsAConflict() {
        let first = F.Channel("700000x1x0", 1, 2)
        let second = F.Channel("700000x1x0", 3, 4)
        var graph = graph(with: first)
        #expect(graph.apply(second.announcement, fundingOutput: second.fundingOutput)
            == .rejected(.conflictingAnnouncement(first.shortChannelID)))
        #expect(graph.channels[first.shortChannelID]?.announcement.message == first.announcement)
        #expect(!graph.nodes.contains(F.nodeID(second.nodeKeyA)))
    }

    @Test func invalidAnnouncementsAreRejectedWithTheirReason() {
        let channel = F.Channel("700000x1x0", 1, 2)
        var graph = NetworkGraph(chainHash: F.chain)
        #expect(graph.apply(channel.announcement, fundingOutput: nil).rejectionCode == "gossip_funding_output_mismatch")
        let elsewhere = TxOutput(amount: Satoshi(1), condition: .key(channel.fundingKeyA.publicKey))
        #expect(graph.apply(channel.announcement, fundingOutput: elsewhere).rejectionCode == "gossip_funding_output_mismatch")
        var otherGraph = NetworkGraph(chainHash: SampleMessages.hash(1))
        #expect(otherGraph.apply(channel.announcement, fundingOutput: channel.fundingOutput).rejectionCode == "gossip_wrong_chain")
        #expect(graph.channels.isEmpty && otherGraph.channels.isEmpty)
    }

    // MARK: channel_update

    @Test func updatesReplaceOnlyWhenNewer() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        var graph = NetworkGraph(chainHash: F.chain)
        let first = channel.update(from: channel.nodeKeyA, timestamp: 1000, policy: F.policy(base: 1))
        #expect(graph.apply(first) == .unknownChannel)
        #expect(graph.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
        #expect(graph.apply(first) == .accepted)
        #expect(graph.apply(first) == .duplicate)

        let sameTimeOtherFee = channel.update(from: channel.nodeKeyA, timestamp: 1000, policy: F.policy(base: 2))
        #expect(graph.apply(sameTimeOtherFee) == .stale)
        let older = channel.update(from: channel.nodeKeyA, timestamp: 999, policy: F.policy(base: 3))
        #expect(graph.apply(older) == .stale)
        let direction = first.direction
        #expect(graph.channels[channel.shortChannelID]?.update(direction)?.message == first)

        let newer = channel.update(from: channel.nodeKeyA, timestamp: 1001, policy: F.policy(base: 4))
        #expect(graph.apply(newer) == .accepted)
        let stored = try #require(graph.channels[channel.shortChannelID]?.update(direction))
        #expect(stored.message == newer)
        #expect(stored.raw == (try newer.encode()))
        // The other direction is untouched, and has its own timeline.
        let otherDirection: ChannelDirection = direction == .fromNode1 ? .fromNode2 : .fromNode1
        #expect(graph.channels[channel.shortChannelID]?.update(otherDirection) == nil)
        let fromB = channel.update(from: channel.nodeKeyB, timestamp: 5, policy: F.policy())
        #expect(graph.apply(fromB) == .accepted)
        #expect(graph.channels[channel.shortChannelID]?.updates.count == 2)
    }

    @Test func invalidUpdatesAreRejectedAndChangeNothing() {
        let channel = F.Channel("700000x1x0", 1, 2)
        var graph = graph(with: channel)
        var forged = channel.update(from: channel.nodeKeyA, timestamp: 10, policy: F.policy())
        forged.feeBase = MilliSatoshi(0)
        #expect(graph.apply(forged) == .rejected(.invalidSignature(field: "signature")))
        let tooLarge = channel.update(from: channel.nodeKeyA, timestamp: 10, policy: F.policy(max: 1_000_000_001))
        #expect(graph.apply(tooLarge).rejectionCode == "gossip_htlc_maximum_above_capacity")
        var otherChain = channel.update(from: channel.nodeKeyA, timestamp: 10, policy: F.policy())
        otherChain.chainHash = SampleMessages.hash(3)
        #expect(graph.apply(otherChain).rejectionCode == "gossip_wrong_chain")
        #expect(graph.channels[channel.shortChannelID]?.updates.isEmpty == true)
    }

    // MARK: node_announcement

    @Test func nodeAnnouncementNeedsAChannelAndANewerTimestamp() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        var graph = NetworkGraph(chainHash: F.chain)
        let first = F.nodeAnnouncement(channel.nodeKeyA, timestamp: 50, alias: "alice")
        #expect(graph.apply(first) == .unknownNode)
        #expect(graph.nodeAnnouncements.isEmpty)
        #expect(graph.apply(channel.announcement, fundingOutput: channel.fundingOutput) == .accepted)
        #expect(graph.apply(first) == .accepted)
        #expect(graph.apply(first) == .duplicate)
        #expect(graph.apply(F.nodeAnnouncement(channel.nodeKeyA, timestamp: 50, alias: "alicia")) == .stale)
        #expect(graph.apply(F.nodeAnnouncement(channel.nodeKeyA, timestamp: 49, alias: "old")) == .stale)
        let newer = F.nodeAnnouncement(channel.nodeKeyA, timestamp: 51, alias: "alice 2")
        #expect(graph.apply(newer) == .accepted)
        let stored = try #require(graph.nodeAnnouncements[F.nodeID(channel.nodeKeyA)])
        #expect(stored.message.alias.text == "alice 2")
        #expect(stored.raw == (try newer.encode()))
        var forged = newer
        forged.timestamp = 60
        #expect(graph.apply(forged) == .rejected(.invalidSignature(field: "signature")))
        #expect(graph.apply(F.nodeAnnouncement(F.key(30), timestamp: 1)) == .unknownNode)
    }

    // MARK: Pruning

    @Test func removingAChannelForgetsNodesLeftWithoutChannels() {
        let ab = F.Channel("700000x1x0", 1, 2)
        let bc = F.Channel("700001x1x0", 2, 3)
        var graph = graph(with: ab, bc)
        for key in [F.key(1), F.key(2), F.key(3)] {
            #expect(graph.apply(F.nodeAnnouncement(key, timestamp: 1)) == .accepted)
        }
        #expect(graph.removeChannel(ab.shortChannelID)?.shortChannelID == ab.shortChannelID)
        #expect(graph.channels.keys.sorted() == [bc.shortChannelID])
        // Node 1 had only that channel; node 2 still has one.
        #expect(graph.nodeAnnouncements[F.nodeID(F.key(1))] == nil)
        #expect(graph.nodeAnnouncements[F.nodeID(F.key(2))] != nil)
        #expect(graph.nodes == [F.nodeID(F.key(2)), F.nodeID(F.key(3))])
        #expect(graph.channels(of: F.nodeID(F.key(2))) == [bc.shortChannelID])
        #expect(graph.removeChannel(ab.shortChannelID) == nil)
        // A node without channels is unknown again.
        #expect(graph.apply(F.nodeAnnouncement(F.key(1), timestamp: 2)) == .unknownNode)
        #expect(graph.removeChannel(bc.shortChannelID) != nil)
        #expect(graph.nodeAnnouncements.isEmpty && graph.nodes.isEmpty)
        #expect(graph == NetworkGraph(chainHash: F.chain))
    }

    @Test func channelsWhoseOldestUpdateIsTwoWeeksOldArePruned() {
        let fresh = F.Channel("700000x1x0", 1, 2)
        let halfStale = F.Channel("700001x1x0", 2, 3)
        let noUpdates = F.Channel("700002x1x0", 3, 4)
        var graph = graph(with: fresh, halfStale, noUpdates)
        let now: UInt32 = 2_000_000
        #expect(graph.apply(fresh.update(from: fresh.nodeKeyA, timestamp: now - 100, policy: F.policy())) == .accepted)
        #expect(graph.apply(halfStale.update(from: halfStale.nodeKeyA, timestamp: now - 100, policy: F.policy())) == .accepted)
        #expect(graph.apply(halfStale.update(from: halfStale.nodeKeyB, timestamp: now - NetworkGraph.staleAge - 1, policy: F.policy())) == .accepted)
        #expect(graph.pruneStaleChannels(now: now).map(\.shortChannelID) == [halfStale.shortChannelID])
        #expect(graph.channels.keys.sorted() == [fresh.shortChannelID, noUpdates.shortChannelID])
        #expect(graph.pruneStaleChannels(now: now).isEmpty)
    }

    // MARK: Full sync

    @Test func fullSyncSendsAnnouncementsBeforeTheirUpdatesAndNodesAfterAChannel() throws {
        let ab = F.Channel("700002x1x0", 1, 2)
        let bc = F.Channel("700001x1x0", 2, 3)
        let cd = F.Channel("700000x1x0", 3, 4)  // no update: not sent
        var graph = graph(with: ab, bc, cd)
        #expect(graph.apply(ab.update(from: ab.nodeKeyA, timestamp: 10, policy: F.policy())) == .accepted)
        #expect(graph.apply(ab.update(from: ab.nodeKeyB, timestamp: 20, policy: F.policy())) == .accepted)
        #expect(graph.apply(bc.update(from: bc.nodeKeyB, timestamp: 30, policy: F.policy())) == .accepted)
        for key in [F.key(1), F.key(2), F.key(3), F.key(4)] {
            #expect(graph.apply(F.nodeAnnouncement(key, timestamp: 40)) == .accepted)
        }
        let messages = graph.fullSync()
        let names = messages.map(Self.label)
        // By short channel id: bc (700001) first, then ab; cd has no update.
        #expect(names == [
            "ca 700001x1x0", "cu 700001x1x0", "na \(Self.short(F.key(2)))", "na \(Self.short(F.key(3)))",
            "ca 700002x1x0", "cu 700002x1x0", "cu 700002x1x0", "na \(Self.short(F.key(1)))",
        ] || names == [
            "ca 700001x1x0", "cu 700001x1x0", "na \(Self.short(F.key(3)))", "na \(Self.short(F.key(2)))",
            "ca 700002x1x0", "cu 700002x1x0", "cu 700002x1x0", "na \(Self.short(F.key(1)))",
        ])
        try Self.checkOrder(messages)
        // Node 4's only channel is not sent, so neither is its announcement.
        #expect(!names.contains("na \(Self.short(F.key(4)))"))
        // Everything sent re-encodes to what is stored.
        for case .channelUpdate(let update) in messages {
            #expect(try update.encode() == graph.channels[update.shortChannelID]?.update(update.direction)?.raw)
        }
    }

    @Test func fullSyncWithAFilterDatesAnnouncementsByTheirUpdates() throws {
        let ab = F.Channel("700000x1x0", 1, 2)
        let bc = F.Channel("700001x1x0", 2, 3)
        var graph = graph(with: ab, bc)
        #expect(graph.apply(ab.update(from: ab.nodeKeyA, timestamp: 100, policy: F.policy())) == .accepted)
        #expect(graph.apply(ab.update(from: ab.nodeKeyB, timestamp: 300, policy: F.policy())) == .accepted)
        #expect(graph.apply(bc.update(from: bc.nodeKeyA, timestamp: 150, policy: F.policy())) == .accepted)
        #expect(graph.apply(F.nodeAnnouncement(F.key(1), timestamp: 250)) == .accepted)
        #expect(graph.apply(F.nodeAnnouncement(F.key(3), timestamp: 250)) == .accepted)
        let filter = GossipTimestampFilter(chainHash: F.chain, firstTimestamp: 200, timestampRange: 200)
        let messages = graph.fullSync(filter: filter)
        // ab: only its newer update passes, which brings its announcement; node 1 follows it.
        // bc: no update passes, so neither its announcement nor node 3 (its only channel).
        #expect(messages.map(Self.label) == ["ca 700000x1x0", "cu 700000x1x0", "na \(Self.short(F.key(1)))"])
        try Self.checkOrder(messages)
        #expect(graph.fullSync(filter: .everything(chainHash: F.chain)) == graph.fullSync())
    }

    /// BOLT 7's order: an update after its channel's announcement, a node announcement after
    /// an announcement of one of its channels.
    static func checkOrder(_ messages: [GossipMessage]) throws {
        var announcedChannels: Set<ShortChannelID> = []
        var announcedNodes: Set<[UInt8]> = []
        for message in messages {
            switch message {
            case .channelAnnouncement(let announcement):
                announcedChannels.insert(announcement.shortChannelID)
                announcedNodes.formUnion([announcement.nodeID1.bytes, announcement.nodeID2.bytes])
            case .channelUpdate(let update):
                #expect(announcedChannels.contains(update.shortChannelID))
            case .nodeAnnouncement(let node):
                #expect(announcedNodes.contains(node.nodeID.bytes))
            case .gossipTimestampFilter:
                Issue.record("a filter in a sync")
            }
        }
    }

    static func short(_ key: PrivateKey) -> String { String(key.publicKey.hex.prefix(8)) }

    static func label(_ message: GossipMessage) -> String {
        switch message {
        case .channelAnnouncement(let announcement): "ca \(announcement.shortChannelID)"
        case .channelUpdate(let update): "cu \(update.shortChannelID)"
        case .nodeAnnouncement(let node): "na \(node.nodeID.hex.prefix(8))"
        case .gossipTimestampFilter: "filter"
        }
    }
}

extension GossipOutcome {
    /// The code of a rejection, nil for any other outcome.
    var rejectionCode: String? {
        if case .rejected(let error) = self { error.code } else { nil }
    }
}
