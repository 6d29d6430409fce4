import ChanCrypto

extension NodeAnnouncement {
    /// Our `node_announcement`, signed with our node key. `timestamp` must grow with each one
    /// we make; `features` is our node feature set (BOLT 9).
    public static func signed(
        timestamp: UInt32, features: FeatureBits, rgbColor: RGBColor, alias: NodeAlias, addresses: [NodeAddress],
        nodeKey: PrivateKey
    ) throws(GossipError) -> NodeAnnouncement {
        let encodedAddresses: [UInt8]
        do {
            encodedAddresses = try NodeAddress.encodeList(addresses.sorted { $0.type < $1.type })
        } catch {
            throw .cannotBuild(error.message)
        }
        let announcement = NodeAnnouncement(
            features: features.bytes, timestamp: timestamp, nodeID: SerializedPoint(nodeKey.publicKey),
            rgbColor: rgbColor, alias: alias, addresses: encodedAddresses)
        return try announcement.signed(with: nodeKey)
    }

    /// Checks that `node_id` is a key and `signature` is its signature over the other fields.
    public func verifySignature() throws(GossipError) {
        let key = try GossipSignature.publicKey(nodeID, field: "node_id")
        guard GossipSignature.verify(signature, digest: try signatureDigest(), key: key) else {
            throw .invalidSignature(field: "signature")
        }
    }
}
