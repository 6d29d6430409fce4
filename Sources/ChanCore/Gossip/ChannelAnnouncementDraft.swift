import ChanCrypto

/// The `channel_announcement` both ends of a channel build once its funding is deep enough,
/// before either has the other's signatures. Each end signs it (`localSignatures`), sends the
/// result in `announcement_signatures`, checks the peer's (`verifyRemote`), and assembles the
/// signed announcement from both (`assemble`).
///
/// BOLT 7 orders the ends: `node_id_1` is the lesser compressed node id, and each funding key
/// goes with its node, so both ends build byte-identical announcements.
public struct ChannelAnnouncementDraft: Hashable, Sendable {
    /// The announcement with all four signatures zero.
    public let unsigned: ChannelAnnouncement
    /// Whether we are `node_id_1`.
    public let localIsNode1: Bool
    public let localNodeID: PublicKey
    public let remoteNodeID: PublicKey
    public let localFundingKey: PublicKey
    public let remoteFundingKey: PublicKey
    /// The hash the four signatures sign.
    public let digest: [UInt8]

    /// Throws `sameNodeTwice` when both node ids are one key, and `cannotBuild` when the
    /// features do not fit a message.
    public init(
        chainHash: Hash32, shortChannelID: ShortChannelID, features: FeatureBits = FeatureBits(),
        localNodeID: PublicKey, remoteNodeID: PublicKey, localFundingKey: PublicKey, remoteFundingKey: PublicKey
    ) throws(GossipError) {
        guard localNodeID != remoteNodeID else { throw .sameNodeTwice }
        let localIsNode1 = ChannelDirection(local: localNodeID, remote: remoteNodeID) == .fromNode1
        let (node1, node2) = localIsNode1 ? (localNodeID, remoteNodeID) : (remoteNodeID, localNodeID)
        let (bitcoin1, bitcoin2) = localIsNode1 ? (localFundingKey, remoteFundingKey) : (remoteFundingKey, localFundingKey)
        unsigned = ChannelAnnouncement(
            features: features.bytes, chainHash: chainHash, shortChannelID: shortChannelID,
            nodeID1: SerializedPoint(node1), nodeID2: SerializedPoint(node2),
            bitcoinKey1: SerializedPoint(bitcoin1), bitcoinKey2: SerializedPoint(bitcoin2))
        self.localIsNode1 = localIsNode1
        self.localNodeID = localNodeID
        self.remoteNodeID = remoteNodeID
        self.localFundingKey = localFundingKey
        self.remoteFundingKey = remoteFundingKey
        digest = try unsigned.signatureDigest()
    }

    public var shortChannelID: ShortChannelID { unsigned.shortChannelID }

    /// Our `announcement_signatures`: the announcement signed with our node key and our
    /// funding key (the secrets of `localNodeID` and `localFundingKey`).
    public func localSignatures(
        channelID: ChannelID, nodeKey: PrivateKey, fundingKey: PrivateKey
    ) throws(GossipError) -> AnnouncementSignatures {
        guard nodeKey.publicKey == localNodeID else { throw .cannotBuild("the node key is not the local node id's") }
        guard fundingKey.publicKey == localFundingKey else {
            throw .cannotBuild("the funding key is not the local funding key's")
        }
        return AnnouncementSignatures(
            channelID: channelID, shortChannelID: shortChannelID,
            nodeSignature: try GossipSignature.sign(digest, with: nodeKey),
            bitcoinSignature: try GossipSignature.sign(digest, with: fundingKey))
    }

    /// Checks the peer's `announcement_signatures`: our short channel id, and both signatures
    /// by the peer's node and funding keys.
    public func verifyRemote(_ remote: AnnouncementSignatures) throws(GossipError) {
        guard remote.shortChannelID == shortChannelID else {
            throw .shortChannelIDMismatch(expected: shortChannelID, actual: remote.shortChannelID)
        }
        guard GossipSignature.verify(remote.nodeSignature, digest: digest, key: remoteNodeID) else {
            throw .invalidSignature(field: "node_signature")
        }
        guard GossipSignature.verify(remote.bitcoinSignature, digest: digest, key: remoteFundingKey) else {
            throw .invalidSignature(field: "bitcoin_signature")
        }
    }

    /// The signed announcement: each side's signatures in its node's slots. Checks the peer's
    /// signatures first (ours are checked too, so a wrong local key cannot slip through).
    public func assemble(local: AnnouncementSignatures, remote: AnnouncementSignatures) throws(GossipError) -> ChannelAnnouncement {
        try verifyRemote(remote)
        guard local.shortChannelID == shortChannelID else {
            throw .shortChannelIDMismatch(expected: shortChannelID, actual: local.shortChannelID)
        }
        let (first, second) = localIsNode1 ? (local, remote) : (remote, local)
        var announcement = unsigned
        announcement.nodeSignature1 = first.nodeSignature
        announcement.nodeSignature2 = second.nodeSignature
        announcement.bitcoinSignature1 = first.bitcoinSignature
        announcement.bitcoinSignature2 = second.bitcoinSignature
        let slot = localIsNode1 ? "1" : "2"
        guard GossipSignature.verify(local.nodeSignature, digest: digest, key: localNodeID) else {
            throw .invalidSignature(field: "node_signature_" + slot)
        }
        guard GossipSignature.verify(local.bitcoinSignature, digest: digest, key: localFundingKey) else {
            throw .invalidSignature(field: "bitcoin_signature_" + slot)
        }
        return announcement
    }
}
