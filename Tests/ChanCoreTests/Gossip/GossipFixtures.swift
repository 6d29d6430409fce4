import ChanCore
import ChanCrypto
import ChanLedger

/// Keys, channels and signed gossip for the gossip tests, all deterministic.
enum GossipFixtures {
    static let chain = SampleMessages.hash(500)

    /// The secret key `n` repeated (valid for n in 1...127).
    static func key(_ n: UInt8) -> PrivateKey { try! PrivateKey(secretBytes: [UInt8](repeating: n, count: 32)) }

    static func nodeID(_ key: PrivateKey) -> NodeID { NodeID(publicKey: key.publicKey) }

    /// A channel between two nodes, announced by both: each node's key is `node`, its funding
    /// key `node + 60`.
    struct Channel {
        let shortChannelID: ShortChannelID
        let nodeKeyA: PrivateKey
        let nodeKeyB: PrivateKey
        let fundingKeyA: PrivateKey
        let fundingKeyB: PrivateKey
        let capacity: Satoshi
        let features: FeatureBits

        init(_ scid: String, _ a: UInt8, _ b: UInt8, capacity: Satoshi = Satoshi(1_000_000), features: FeatureBits = FeatureBits()) {
            shortChannelID = try! ShortChannelID(text: scid)
            nodeKeyA = key(a)
            nodeKeyB = key(b)
            fundingKeyA = key(a + 60)
            fundingKeyB = key(b + 60)
            self.capacity = capacity
            self.features = features
        }

        /// The output the ledger holds at the short channel id (keys sorted, as the ledger keeps them).
        var fundingOutput: TxOutput {
            TxOutput(amount: capacity, condition: .funding(fundingKeyA.publicKey, fundingKeyB.publicKey))
        }

        /// A's view of the announcement to sign.
        var draftOfA: ChannelAnnouncementDraft {
            try! ChannelAnnouncementDraft(
                chainHash: GossipFixtures.chain, shortChannelID: shortChannelID, features: features,
                localNodeID: nodeKeyA.publicKey, remoteNodeID: nodeKeyB.publicKey,
                localFundingKey: fundingKeyA.publicKey, remoteFundingKey: fundingKeyB.publicKey)
        }

        /// B's view of the same announcement.
        var draftOfB: ChannelAnnouncementDraft {
            try! ChannelAnnouncementDraft(
                chainHash: GossipFixtures.chain, shortChannelID: shortChannelID, features: features,
                localNodeID: nodeKeyB.publicKey, remoteNodeID: nodeKeyA.publicKey,
                localFundingKey: fundingKeyB.publicKey, remoteFundingKey: fundingKeyA.publicKey)
        }

        var signaturesOfA: AnnouncementSignatures {
            try! draftOfA.localSignatures(channelID: .zero, nodeKey: nodeKeyA, fundingKey: fundingKeyA)
        }

        var signaturesOfB: AnnouncementSignatures {
            try! draftOfB.localSignatures(channelID: .zero, nodeKey: nodeKeyB, fundingKey: fundingKeyB)
        }

        /// The announcement as A assembles it from both sides' signatures.
        var announcement: ChannelAnnouncement {
            try! draftOfA.assemble(local: signaturesOfA, remote: signaturesOfB)
        }

        /// `node`'s update (it must be A's or B's key).
        func update(from node: PrivateKey, timestamp: UInt32, policy: ChannelPolicy) -> ChannelUpdateMessage {
            let other = node == nodeKeyA ? nodeKeyB : nodeKeyA
            return try! ChannelUpdateMessage.signed(
                chainHash: GossipFixtures.chain, shortChannelID: shortChannelID, timestamp: timestamp,
                direction: ChannelDirection(local: node.publicKey, remote: other.publicKey), policy: policy, nodeKey: node)
        }
    }

    static func nodeAnnouncement(
        _ key: PrivateKey, timestamp: UInt32, alias: String = "", features: FeatureBits = .node
    ) -> NodeAnnouncement {
        try! NodeAnnouncement.signed(
            timestamp: timestamp, features: features, rgbColor: RGBColor(red: 1, green: 2, blue: 3),
            alias: try! NodeAlias(text: alias), addresses: [.ipv4(address: [127, 0, 0, 1], port: 9735)], nodeKey: key)
    }

    static func policy(base: UInt64 = 1000, ppm: UInt32 = 100, delta: UInt16 = 40, max: UInt64 = 500_000_000) -> ChannelPolicy {
        ChannelPolicy(
            feeBase: MilliSatoshi(base), feeProportionalMillionths: ppm, cltvExpiryDelta: delta,
            htlcMinimum: MilliSatoshi(1000), htlcMaximum: MilliSatoshi(max))
    }
}
