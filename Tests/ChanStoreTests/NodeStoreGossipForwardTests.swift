import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
import Testing

/// `NodeStore`'s gossip tables, our channel policies and the forwards, each read back from
/// `node.sqlite` after a reopening (a restart).
@Suite struct NodeStoreGossipForwardTests {
    typealias Fixture = NodeStoreTests.Fixture

    static let scid = try! ShortChannelID(block: 101, transactionIndex: 2, outputIndex: 1)
    static let secret = try! OnionSharedSecret([UInt8](repeating: 0x5a, count: 32))

    @Test func gossipIsKeptRawAndReplacedByDirection() throws {
        let fixture = try Fixture()
        let store = fixture.store
        try store.storeChannelAnnouncement(Self.scid, raw: [1, 0, 1], capacity: Satoshi(500_000))
        try store.storeChannelUpdate(Self.scid, direction: .fromNode2, raw: [1, 2, 1])
        try store.storeChannelUpdate(Self.scid, direction: .fromNode2, raw: [1, 2, 2])  // a newer one replaces it
        // An announcement again changes nothing (the first one stays).
        try store.storeChannelAnnouncement(Self.scid, raw: [9, 9], capacity: Satoshi(1))
        try store.storeNodeAnnouncement(key(1).publicKey, raw: [1, 1])
        try store.storeNodeAnnouncement(key(1).publicKey, raw: [1, 1, 2])
        try store.storeNodeAnnouncement(key(2).publicKey, raw: [2, 2])

        let gossip = try fixture.reopened().store.gossip()
        #expect(gossip.channels == [StoredGossipChannel(shortChannelID: Self.scid, announcement: [1, 0, 1], capacity: Satoshi(500_000),
                                                        updates: [nil, [1, 2, 2]])])
        #expect(Set(gossip.nodes) == [[1, 1, 2], [2, 2]])

        // A spent channel goes, with the announcements of the nodes it leaves alone.
        try store.removeGossipChannel(Self.scid, orphanedNodes: [key(1).publicKey])
        let pruned = try store.gossip()
        #expect(pruned.channels.isEmpty && pruned.nodes == [[2, 2]])
    }

    @Test func aPeersUpdateIsKeptPerChannel() throws {
        let fixture = try Fixture()
        #expect(try fixture.store.peerUpdates().isEmpty)
        try fixture.store.storePeerUpdate([1, 2, 3], channel: 4)
        try fixture.store.storePeerUpdate([9], channel: 5)
        try fixture.store.storePeerUpdate([1, 2, 4], channel: 4)  // a newer one replaces it
        #expect(try fixture.reopened().store.peerUpdates() == [4: [1, 2, 4], 5: [9]])
    }

    @Test func aChannelPolicyReadsBack() throws {
        let fixture = try Fixture()
        #expect(try fixture.store.channelPolicy(channel: 3) == nil)
        let setting = ChannelPolicySetting(policy: ForwardingPolicy(feeBase: MilliSatoshi(2000), feeProportionalMillionths: 500, cltvExpiryDelta: 30,
                                                                    htlcMinimum: MilliSatoshi(1000), htlcMaximum: MilliSatoshi(900_000_000)),
                                           timestamp: 1_700_000_123)
        try fixture.store.setChannelPolicy(setting, channel: 3)
        #expect(try fixture.reopened().store.channelPolicy(channel: 3) == setting)
        var changed = setting
        changed.policy.feeProportionalMillionths = 7
        changed.timestamp += 1
        try fixture.store.setChannelPolicy(changed, channel: 3)
        #expect(try fixture.store.channelPolicy(channel: 3) == changed)
        #expect(try fixture.store.channelPolicy(channel: 4) == nil)
    }

    static func offered(incoming htlc: UInt64, outgoingHTLC: UInt64) -> ForwardRecord {
        ForwardRecord(incomingChannel: 1, incomingHTLC: htlc, paymentHash: NodeStoreTests.hash(UInt8(htlc)), incomingAmount: MilliSatoshi(50_006_002),
                      incomingExpiry: 240, outgoing: ForwardRecord.Outgoing(channel: 2, htlcID: outgoingHTLC, amount: MilliSatoshi(50_000_000), expiry: 200),
                      sharedSecret: secret, status: .offered, receivedAt: 1000)
    }

    @Test func aForwardIsRecordedThenResolved() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let first = Self.offered(incoming: 5, outgoingHTLC: 0), second = Self.offered(incoming: 6, outgoingHTLC: 1)
        try store.recordForward(first)
        try store.recordForward(second)
        #expect(try store.forward(incomingChannel: 1, htlcID: 5) == first)
        #expect(try store.forwards(status: .offered) == [first, second])
        #expect(first.fee == MilliSatoshi(6002))

        var settled = first
        settled.status = .settled
        settled.preimage = try Preimage(bytes: [UInt8](repeating: 5, count: 32))
        settled.resolvedAt = 1010
        try store.recordForward(settled)
        var failed = second
        failed.status = .failed
        failed.upstreamReason = [0xde, 0xad]
        failed.resolvedAt = 1011
        try store.recordForward(failed)

        let reopened = try fixture.reopened().store
        #expect(try reopened.forwards() == [settled, failed])
        #expect(try reopened.forwards(status: .offered).isEmpty)
        #expect(try reopened.forward(incomingChannel: 1, htlcID: 7) == nil)
    }

    @Test func aForwardNeverMadeHasNoOutgoingHTLC() throws {
        let fixture = try Fixture()
        let refused = ForwardRecord(incomingChannel: 4, incomingHTLC: 0, paymentHash: NodeStoreTests.hash(9), incomingAmount: MilliSatoshi(1000),
                                    incomingExpiry: 150, outgoing: nil, sharedSecret: Self.secret, status: .localFailed, upstreamReason: [1, 2, 3],
                                    failureCode: "fee_insufficient", receivedAt: 2000, resolvedAt: 2000)
        try fixture.store.recordForward(refused)
        let read = try #require(try fixture.reopened().store.forward(incomingChannel: 4, htlcID: 0))
        #expect(read == refused && read.outgoing == nil && read.fee == nil)
    }
}
