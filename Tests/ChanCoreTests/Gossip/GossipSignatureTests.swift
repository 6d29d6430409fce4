import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// BOLT 7's signatures: what is hashed (the message after its signatures, type excluded), that
/// signing then verifying works, and that any change to a signed field breaks it.
@Suite struct GossipSignatureTests {
    typealias F = GossipFixtures

    // MARK: What is hashed

    @Test func digestsCoverTheBytesAfterTheSignaturesWithoutTheType() throws {
        let announcement = SampleMessages.channelAnnouncement
        let encoded = try announcement.encode()
        // BOLT 7: "beginning at offset 256" of the payload: 2 bytes of type, then 4 signatures.
        #expect(try announcement.signatureDigest() == SHA256.doubleHash(Array(encoded[(2 + 4 * 64)...])))
        let update = SampleMessages.channelUpdate
        let updateBytes = try update.encode()
        #expect(try update.signatureDigest() == SHA256.doubleHash(Array(updateBytes[(2 + 64)...])))
        let node = SampleMessages.nodeAnnouncement
        let nodeBytes = try node.encode()
        #expect(try node.signatureDigest() == SHA256.doubleHash(Array(nodeBytes[(2 + 64)...])))
        // Not with the type in front, nor with a single SHA-256.
        #expect(try update.signatureDigest() != SHA256.doubleHash(Array(updateBytes[0..<2]) + Array(updateBytes[(2 + 64)...])))
        #expect(try update.signatureDigest() != SHA256.hash(Array(updateBytes[(2 + 64)...])))
    }

    @Test func signaturesDoNotChangeTheDigest() throws {
        var update = SampleMessages.channelUpdate
        let digest = try update.signatureDigest()
        update.signature = SampleMessages.signature(1)
        #expect(try update.signatureDigest() == digest)
        var announcement = SampleMessages.channelAnnouncement
        let announcementDigest = try announcement.signatureDigest()
        announcement.bitcoinSignature2 = .zero
        #expect(try announcement.signatureDigest() == announcementDigest)
    }

    // MARK: channel_update

    @Test func signedChannelUpdateVerifiesWithItsNodeOnly() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let update = channel.update(from: channel.nodeKeyA, timestamp: 1_700_000_000, policy: F.policy())
        #expect(update.verifySignature(nodeKey: channel.nodeKeyA.publicKey))
        #expect(!update.verifySignature(nodeKey: channel.nodeKeyB.publicKey))
        #expect(update.messageFlags == .mustBeOne)
        #expect(try Signature(compact: update.signature.bytes).isLowS)
        // Decoded from the wire, it still verifies.
        let decoded = try ChannelUpdateMessage.decode(update.encode())
        #expect(decoded.verifySignature(nodeKey: channel.nodeKeyA.publicKey))
    }

    @Test func everyTamperedChannelUpdateFieldFailsVerification() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let update = channel.update(from: channel.nodeKeyA, timestamp: 1_700_000_000, policy: F.policy())
        let key = channel.nodeKeyA.publicKey
        let tamperings: [(String, (inout ChannelUpdateMessage) -> Void)] = [
            ("chain_hash", { $0.chainHash = SampleMessages.hash(1) }),
            ("short_channel_id", { $0.shortChannelID = ShortChannelID(rawValue: $0.shortChannelID.rawValue + 1) }),
            ("timestamp", { $0.timestamp += 1 }),
            ("message_flags", { $0.messageFlags.insert(.dontForward) }),
            ("channel_flags", { $0.channelFlags.insert(.disable) }),
            ("cltv_expiry_delta", { $0.cltvExpiryDelta += 1 }),
            ("htlc_minimum_msat", { $0.htlcMinimum = MilliSatoshi($0.htlcMinimum.value + 1) }),
            ("fee_base_msat", { $0.feeBase = MilliSatoshi($0.feeBase.value + 1) }),
            ("fee_proportional_millionths", { $0.feeProportionalMillionths += 1 }),
            ("htlc_maximum_msat", { $0.htlcMaximum = MilliSatoshi($0.htlcMaximum.value - 1) }),
            ("trailing bytes", { $0.excessData = [0x01, 0x00] }),
            ("signature", { $0.signature = SampleMessages.signature(9) }),
        ]
        for (field, tamper) in tamperings {
            var changed = update
            tamper(&changed)
            #expect(!changed.verifySignature(nodeKey: key), "\(field)")
        }
        // Trailing bytes are signed too: a sender that adds them signs them.
        var extended = update
        extended.excessData = [0x01, 0x00]
        #expect(try extended.signed(with: channel.nodeKeyA).verifySignature(nodeKey: key))
    }

    @Test func updateDirectionFollowsTheOrderOfNodeIDs() {
        let one = F.key(1).publicKey
        let two = F.key(2).publicKey
        let oneIsLesser = one.compressed.lexicographicallyPrecedes(two.compressed)
        #expect(ChannelDirection(local: one, remote: two) == (oneIsLesser ? .fromNode1 : .fromNode2))
        #expect(ChannelDirection(local: two, remote: one) == (oneIsLesser ? .fromNode2 : .fromNode1))
        let channel = F.Channel("700000x1x0", 1, 2)
        let fromOne = channel.update(from: F.key(1), timestamp: 1, policy: F.policy())
        #expect(fromOne.channelFlags.contains(.direction) == !oneIsLesser)
    }

    // MARK: node_announcement

    @Test func signedNodeAnnouncementVerifiesAndTamperingFails() throws {
        let announcement = F.nodeAnnouncement(F.key(3), timestamp: 1_700_000_000, alias: "carol")
        try announcement.verifySignature()
        #expect(announcement.nodeID.bytes == F.key(3).publicKey.compressed)
        #expect(try announcement.decodedAddresses() == [.ipv4(address: [127, 0, 0, 1], port: 9735)])
        let tamperings: [(String, (inout NodeAnnouncement) -> Void)] = [
            ("features", { $0.features = [0x02] }),
            ("timestamp", { $0.timestamp += 1 }),
            ("node_id", { $0.nodeID = point(F.key(4)) }),
            ("rgb_color", { $0.rgbColor.blue ^= 1 }),
            ("alias", { $0.alias = try! NodeAlias(text: "mallory") }),
            ("addresses", { $0.addresses = [] }),
            ("trailing bytes", { $0.excessData = [0] }),
        ]
        for (field, tamper) in tamperings {
            var changed = announcement
            tamper(&changed)
            #expect(throws: GossipError.invalidSignature(field: "signature"), "\(field)") { try changed.verifySignature() }
        }
        var notAKey = announcement
        notAKey.nodeID = try SerializedPoint([0x02] + [UInt8](repeating: 0xff, count: 32))
        #expect(throws: GossipError.invalidKey(field: "node_id")) { try notAKey.verifySignature() }
    }

    @Test func nodeAnnouncementSortsAddressesByType() throws {
        let announcement = try NodeAnnouncement.signed(
            timestamp: 1, features: .node, rgbColor: RGBColor(red: 0, green: 0, blue: 0), alias: .zero,
            addresses: [.dnsHostname("a.example", port: 1), .ipv4(address: [10, 0, 0, 1], port: 2)], nodeKey: F.key(3))
        #expect(try announcement.decodedAddresses() == [.ipv4(address: [10, 0, 0, 1], port: 2), .dnsHostname("a.example", port: 1)])
        #expect(FeatureBits(bytes: announcement.features) == .node)
    }

    // MARK: Announcement assembly

    @Test func bothSidesAssembleTheSameVerifiedAnnouncement() throws {
        // Both orders of the keys, so either side may be node 1.
        for (a, b) in [(UInt8(1), UInt8(2)), (2, 1), (5, 9), (9, 5)] {
            let channel = F.Channel("700000x1x0", a, b, features: FeatureBits([1]))
            let draftA = channel.draftOfA
            let draftB = channel.draftOfB
            #expect(draftA.unsigned == draftB.unsigned)
            #expect(draftA.digest == draftB.digest)
            #expect(draftA.localIsNode1 != draftB.localIsNode1)
            let signaturesA = channel.signaturesOfA
            let signaturesB = channel.signaturesOfB
            try draftA.verifyRemote(signaturesB)
            try draftB.verifyRemote(signaturesA)
            let assembledByA = try draftA.assemble(local: signaturesA, remote: signaturesB)
            let assembledByB = try draftB.assemble(local: signaturesB, remote: signaturesA)
            #expect(assembledByA == assembledByB)
            try assembledByA.verifySignatures()

            // node_id_1 is the lesser key; each bitcoin key follows its node.
            let aIsNode1 = F.key(a).publicKey.compressed.lexicographicallyPrecedes(F.key(b).publicKey.compressed)
            #expect(draftA.localIsNode1 == aIsNode1)
            let (node1, node2) = aIsNode1 ? (channel.nodeKeyA, channel.nodeKeyB) : (channel.nodeKeyB, channel.nodeKeyA)
            let (funding1, funding2) = aIsNode1 ? (channel.fundingKeyA, channel.fundingKeyB) : (channel.fundingKeyB, channel.fundingKeyA)
            #expect(assembledByA.nodeID1.bytes == node1.publicKey.compressed)
            #expect(assembledByA.nodeID2.bytes == node2.publicKey.compressed)
            #expect(assembledByA.bitcoinKey1.bytes == funding1.publicKey.compressed)
            #expect(assembledByA.bitcoinKey2.bytes == funding2.publicKey.compressed)
            #expect(assembledByA.features == [0x02])
            #expect(assembledByA.chainHash == F.chain)
        }
    }

    @Test func peerSignaturesThatDoNotVerifyAreRefused() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let draft = channel.draftOfA
        let remote = channel.signaturesOfB

        var swapped = remote
        swapped.nodeSignature = remote.bitcoinSignature
        swapped.bitcoinSignature = remote.nodeSignature
        #expect(throws: GossipError.invalidSignature(field: "node_signature")) { try draft.verifyRemote(swapped) }

        var badBitcoin = remote
        badBitcoin.bitcoinSignature = channel.signaturesOfA.bitcoinSignature
        #expect(throws: GossipError.invalidSignature(field: "bitcoin_signature")) { try draft.verifyRemote(badBitcoin) }

        var otherChannel = remote
        otherChannel.shortChannelID = try ShortChannelID(text: "700000x1x1")
        #expect(throws: GossipError.shortChannelIDMismatch(expected: channel.shortChannelID, actual: otherChannel.shortChannelID)) {
            try draft.verifyRemote(otherChannel)
        }
        #expect(throws: GossipError.invalidSignature(field: "node_signature")) {
            try draft.assemble(local: channel.signaturesOfA, remote: swapped)
        }
        // Signatures of an announcement for other funding keys do not fit ours.
        let otherKeys = try ChannelAnnouncementDraft(
            chainHash: F.chain, shortChannelID: channel.shortChannelID, localNodeID: channel.nodeKeyB.publicKey,
            remoteNodeID: channel.nodeKeyA.publicKey, localFundingKey: F.key(100).publicKey,
            remoteFundingKey: channel.fundingKeyA.publicKey)
        let signedForOtherKeys = try otherKeys.localSignatures(channelID: .zero, nodeKey: channel.nodeKeyB, fundingKey: F.key(100))
        #expect(throws: GossipError.self) { try draft.verifyRemote(signedForOtherKeys) }
    }

    @Test func localSignaturesNeedTheLocalKeys() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        #expect(throws: GossipError.self) {
            try channel.draftOfA.localSignatures(channelID: .zero, nodeKey: channel.nodeKeyB, fundingKey: channel.fundingKeyA)
        }
        #expect(throws: GossipError.self) {
            try channel.draftOfA.localSignatures(channelID: .zero, nodeKey: channel.nodeKeyA, fundingKey: channel.fundingKeyB)
        }
        #expect(throws: GossipError.sameNodeTwice) {
            try ChannelAnnouncementDraft(
                chainHash: F.chain, shortChannelID: channel.shortChannelID, localNodeID: channel.nodeKeyA.publicKey,
                remoteNodeID: channel.nodeKeyA.publicKey, localFundingKey: channel.fundingKeyA.publicKey,
                remoteFundingKey: channel.fundingKeyB.publicKey)
        }
    }

    @Test func everyTamperedAnnouncementFieldFailsVerification() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let announcement = channel.announcement
        try announcement.verifySignatures()
        let tamperings: [(String, (inout ChannelAnnouncement) -> Void)] = [
            ("features", { $0.features = [0x01] }),
            ("chain_hash", { $0.chainHash = SampleMessages.hash(1) }),
            ("short_channel_id", { $0.shortChannelID = ShortChannelID(rawValue: 1) }),
            ("bitcoin_key_2", { $0.bitcoinKey2 = point(F.key(99)) }),
            ("trailing bytes", { $0.excessData = [0] }),
        ]
        for (field, tamper) in tamperings {
            var changed = announcement
            tamper(&changed)
            #expect(throws: GossipError.invalidSignature(field: "node_signature_1"), "\(field)") { try changed.verifySignatures() }
        }
        // Each signature is checked against its own key.
        let slots: [(String, (inout ChannelAnnouncement) -> Void)] = [
            ("node_signature_2", { $0.nodeSignature2 = $0.nodeSignature1 }),
            ("bitcoin_signature_1", { $0.bitcoinSignature1 = $0.nodeSignature1 }),
            ("bitcoin_signature_2", { $0.bitcoinSignature2 = $0.bitcoinSignature1 }),
        ]
        for (field, tamper) in slots {
            var changed = announcement
            tamper(&changed)
            #expect(throws: GossipError.invalidSignature(field: field)) { try changed.verifySignatures() }
        }
    }
}

/// The wire form of a test key.
func point(_ key: PrivateKey) -> SerializedPoint { try! SerializedPoint(key.publicKey.compressed) }
