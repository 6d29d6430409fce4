import ChanCrypto

extension ChannelAnnouncement {
    /// The four keys, parsed; throws `invalidKey` naming the first that is not on the curve.
    public func publicKeys() throws(GossipError) -> (node1: PublicKey, node2: PublicKey, bitcoin1: PublicKey, bitcoin2: PublicKey) {
        (try GossipSignature.publicKey(nodeID1, field: "node_id_1"),
         try GossipSignature.publicKey(nodeID2, field: "node_id_2"),
         try GossipSignature.publicKey(bitcoinKey1, field: "bitcoin_key_1"),
         try GossipSignature.publicKey(bitcoinKey2, field: "bitcoin_key_2"))
    }

    /// Checks the four signatures (node ids, then funding keys); throws `invalidKey` or
    /// `invalidSignature` naming the first field that fails. Returns the four keys, parsed.
    @discardableResult
    public func verifySignatures() throws(GossipError) -> (node1: PublicKey, node2: PublicKey, bitcoin1: PublicKey, bitcoin2: PublicKey) {
        let keys = try publicKeys()
        let digest = try signatureDigest()
        let checks: [(CompactSignature, PublicKey, String)] = [
            (nodeSignature1, keys.node1, "node_signature_1"),
            (nodeSignature2, keys.node2, "node_signature_2"),
            (bitcoinSignature1, keys.bitcoin1, "bitcoin_signature_1"),
            (bitcoinSignature2, keys.bitcoin2, "bitcoin_signature_2"),
        ]
        for (signature, key, field) in checks where !GossipSignature.verify(signature, digest: digest, key: key) {
            throw .invalidSignature(field: field)
        }
        return keys
    }
}
