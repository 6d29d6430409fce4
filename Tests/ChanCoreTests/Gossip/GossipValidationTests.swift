import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Each BOLT 7 rule of `GossipValidation`, broken on its own, with the error code it must give.
@Suite struct GossipValidationTests {
    typealias F = GossipFixtures

    private func code(_ body: () throws(GossipError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }

    // MARK: channel_announcement

    @Test func validAnnouncementGivesItsEndsAndTheOutputAmountAsCapacity() throws {
        let channel = F.Channel("700000x1x0", 1, 2, capacity: Satoshi(2_500_000))
        let ends = try GossipValidation.validate(channel.announcement, chainHash: F.chain, fundingOutput: channel.fundingOutput)
        #expect(ends.capacity == Satoshi(2_500_000))
        #expect(ends.shortChannelID == channel.shortChannelID)
        #expect(Set([ends.nodeKey1, ends.nodeKey2]) == Set([channel.nodeKeyA.publicKey, channel.nodeKeyB.publicKey]))
        #expect(ends.nodeKey1.compressed.lexicographicallyPrecedes(ends.nodeKey2.compressed))
    }

    @Test func announcementRules() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let valid = channel.announcement
        let output = channel.fundingOutput
        func check(_ announcement: ChannelAnnouncement, _ output: TxOutput) -> String? {
            code { () throws(GossipError) in _ = try GossipValidation.validate(announcement, chainHash: F.chain, fundingOutput: output) }
        }
        #expect(check(valid, output) == nil)

        var otherChain = valid
        otherChain.chainHash = SampleMessages.hash(1)
        #expect(check(otherChain, output) == "gossip_wrong_chain")

        var sameNode = valid
        sameNode.nodeID2 = sameNode.nodeID1
        #expect(check(sameNode, output) == "gossip_same_node_twice")

        var unordered = valid
        (unordered.nodeID1, unordered.nodeID2) = (valid.nodeID2, valid.nodeID1)
        #expect(check(unordered, output) == "gossip_node_ids_not_ordered")

        var notAKey = valid
        notAKey.bitcoinKey1 = try SerializedPoint([0x02] + [UInt8](repeating: 0xff, count: 32))
        #expect(check(notAKey, output) == "gossip_invalid_key")

        for slot in 0..<4 {
            var badSignature = valid
            switch slot {
            case 0: badSignature.nodeSignature1 = valid.nodeSignature2
            case 1: badSignature.nodeSignature2 = valid.nodeSignature1
            case 2: badSignature.bitcoinSignature1 = valid.bitcoinSignature2
            default: badSignature.bitcoinSignature2 = .zero
            }
            #expect(check(badSignature, output) == "gossip_invalid_signature", "slot \(slot)")
        }
    }

    @Test func fundingOutputMustBeAMultisigOverExactlyTheTwoFundingKeys() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let announcement = channel.announcement
        func check(_ condition: OutputCondition) -> String? {
            code { () throws(GossipError) in
                _ = try GossipValidation.validate(
                    announcement, chainHash: F.chain, fundingOutput: TxOutput(amount: Satoshi(1_000_000), condition: condition))
            }
        }
        let a = channel.fundingKeyA.publicKey
        let b = channel.fundingKeyB.publicKey
        // Either order: the ledger sorts by key, the announcement by node.
        #expect(check(.multisig2(a, b)) == nil)
        #expect(check(.multisig2(b, a)) == nil)
        #expect(check(.key(a)) == "gossip_funding_output_mismatch")
        #expect(check(.multisig2(a, F.key(99).publicKey)) == "gossip_funding_output_mismatch")
        #expect(check(.multisig2(a, a)) == "gossip_funding_output_mismatch")
        // The node keys are not the funding keys.
        #expect(check(.funding(channel.nodeKeyA.publicKey, channel.nodeKeyB.publicKey)) == "gossip_funding_output_mismatch")
    }

    @Test func unknownEvenChannelFeaturesDoNotInvalidateTheAnnouncement() throws {
        // BOLT 7: the announcement is kept (and relayed); only routing through it is forbidden.
        let channel = F.Channel("700000x1x0", 1, 2, features: FeatureBits([40]))
        _ = try GossipValidation.validate(channel.announcement, chainHash: F.chain, fundingOutput: channel.fundingOutput)
    }

    // MARK: channel_update

    @Test func updateRules() throws {
        let channel = F.Channel("700000x1x0", 1, 2, capacity: Satoshi(1_000_000))
        let ends = try GossipValidation.validate(channel.announcement, chainHash: F.chain, fundingOutput: channel.fundingOutput)
        func check(_ update: ChannelUpdateMessage, _ ends: ChannelEnds?) -> String? {
            code { () throws(GossipError) in try GossipValidation.validate(update, chainHash: F.chain, channel: ends) }
        }
        let valid = channel.update(from: channel.nodeKeyB, timestamp: 100, policy: F.policy())
        #expect(check(valid, ends) == nil)
        #expect(check(channel.update(from: channel.nodeKeyA, timestamp: 100, policy: F.policy()), ends) == nil)

        var otherChain = valid
        otherChain.chainHash = SampleMessages.hash(1)
        #expect(check(try otherChain.signed(with: channel.nodeKeyB), ends) == "gossip_wrong_chain")

        #expect(check(valid, nil) == "gossip_unknown_channel")
        let otherEnds = ChannelEnds(
            shortChannelID: try ShortChannelID(text: "700000x1x1"), nodeKey1: ends.nodeKey1, nodeKey2: ends.nodeKey2,
            capacity: ends.capacity)
        #expect(check(valid, otherEnds) == "gossip_unknown_channel")

        // Signed by B but claiming the other direction: checked against the other node.
        var wrongDirection = valid
        wrongDirection.channelFlags.formSymmetricDifference(.direction)
        #expect(check(try wrongDirection.signed(with: channel.nodeKeyB), ends) == "gossip_invalid_signature")
        var tampered = valid
        tampered.feeProportionalMillionths += 1
        #expect(check(tampered, ends) == "gossip_invalid_signature")

        var minimumAboveMaximum = F.policy()
        minimumAboveMaximum.htlcMinimum = MilliSatoshi(minimumAboveMaximum.htlcMaximum.value + 1)
        #expect(check(channel.update(from: channel.nodeKeyB, timestamp: 100, policy: minimumAboveMaximum), ends)
            == "gossip_htlc_minimum_above_maximum")

        // htlc_maximum_msat may reach the capacity, not one msat more.
        #expect(check(channel.update(from: channel.nodeKeyB, timestamp: 100, policy: F.policy(max: 1_000_000_000)), ends) == nil)
        #expect(check(channel.update(from: channel.nodeKeyB, timestamp: 100, policy: F.policy(max: 1_000_000_001)), ends)
            == "gossip_htlc_maximum_above_capacity")
        #expect(check(channel.update(from: channel.nodeKeyB, timestamp: 100, policy: F.policy(max: UInt64.max)), ends)
            == "gossip_htlc_maximum_above_capacity")
    }

    @Test func aForgedUpdateIsBlamedOnItsSignatureNotItsAmounts() throws {
        let channel = F.Channel("700000x1x0", 1, 2)
        let ends = try GossipValidation.validate(channel.announcement, chainHash: F.chain, fundingOutput: channel.fundingOutput)
        var forged = channel.update(from: channel.nodeKeyA, timestamp: 1, policy: F.policy())
        forged.htlcMaximum = MilliSatoshi(UInt64.max)
        #expect(throws: GossipError.invalidSignature(field: "signature")) {
            try GossipValidation.validate(forged, chainHash: F.chain, channel: ends)
        }
    }

    // MARK: node_announcement

    @Test func nodeAnnouncementRules() throws {
        let valid = F.nodeAnnouncement(F.key(1), timestamp: 10, alias: "alice")
        func check(_ announcement: NodeAnnouncement, hasChannel: Bool = true) -> String? {
            code { () throws(GossipError) in try GossipValidation.validate(announcement, nodeHasChannel: hasChannel) }
        }
        #expect(check(valid) == nil)
        #expect(try GossipValidation.validate(valid, nodeHasChannel: true) == F.nodeID(F.key(1)))
        #expect(check(valid, hasChannel: false) == "gossip_unknown_node")

        var notAKey = valid
        notAKey.nodeID = try SerializedPoint([0x02] + [UInt8](repeating: 0xff, count: 32))
        #expect(check(notAKey) == "gossip_invalid_key")
        var wrongPrefix = valid
        wrongPrefix.nodeID = try SerializedPoint([0x04] + [UInt8](repeating: 1, count: 32))
        #expect(check(wrongPrefix) == "gossip_invalid_key")

        var tampered = valid
        tampered.timestamp += 1
        #expect(check(tampered) == "gossip_invalid_signature")

        var badAddresses = valid
        badAddresses.addresses = [2, 0, 0, 0]  // an IPv6 descriptor cut short
        #expect(check(try badAddresses.signed(with: F.key(1))) == "gossip_malformed_addresses")

        // Unknown even node features: valid (the node is not routed through; see NetworkGraph).
        #expect(check(F.nodeAnnouncement(F.key(1), timestamp: 10, features: FeatureBits([1, 50]))) == nil)
    }

    @Test func errorsHaveSentences() {
        let errors: [GossipError] = [
            .wrongChain(.zero), .nodeIDsNotOrdered, .sameNodeTwice, .invalidKey(field: "node_id"),
            .invalidSignature(field: "signature"), .fundingOutputMismatch("x"), .conflictingAnnouncement(ShortChannelID(rawValue: 1)),
            .unknownChannel(ShortChannelID(rawValue: 1)), .unknownNode(F.nodeID(F.key(1))),
            .htlcMinimumAboveMaximum(minimum: MilliSatoshi(2), maximum: MilliSatoshi(1)),
            .htlcMaximumAboveCapacity(maximum: MilliSatoshi(2), capacity: Satoshi(0)), .malformedAddresses("x"),
            .shortChannelIDMismatch(expected: ShortChannelID(rawValue: 1), actual: ShortChannelID(rawValue: 2)),
            .cannotBuild("x"),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        for error in errors {
            #expect(error.code.hasPrefix("gossip_"))
            #expect(!error.message.isEmpty)
        }
    }
}
