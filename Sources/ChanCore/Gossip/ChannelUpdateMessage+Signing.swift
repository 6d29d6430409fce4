import ChanCrypto

extension ChannelUpdateMessage {
    /// A `channel_update` for our end of a channel, signed with our node key. `direction` is
    /// our end (`ChannelDirection(local:remote:)`); `policy.disabled` sets the `disable` bit;
    /// `dontForward` marks an update meant only for the channel peer (an unannounced channel).
    public static func signed(
        chainHash: Hash32, shortChannelID: ShortChannelID, timestamp: UInt32, direction: ChannelDirection,
        policy: ChannelPolicy, dontForward: Bool = false, nodeKey: PrivateKey
    ) throws(GossipError) -> ChannelUpdateMessage {
        var channelFlags: ChannelFlags = []
        if direction == .fromNode2 { channelFlags.insert(.direction) }
        if policy.disabled { channelFlags.insert(.disable) }
        let update = ChannelUpdateMessage(
            chainHash: chainHash, shortChannelID: shortChannelID, timestamp: timestamp,
            messageFlags: dontForward ? [.mustBeOne, .dontForward] : .mustBeOne, channelFlags: channelFlags,
            cltvExpiryDelta: policy.cltvExpiryDelta, htlcMinimum: policy.htlcMinimum, feeBase: policy.feeBase,
            feeProportionalMillionths: policy.feeProportionalMillionths, htlcMaximum: policy.htlcMaximum)
        return try update.signed(with: nodeKey)
    }

    /// Whether `signature` is `nodeKey`'s over the other fields.
    public func verifySignature(nodeKey: PublicKey) -> Bool {
        guard let digest = try? signatureDigest() else { return false }
        return GossipSignature.verify(signature, digest: digest, key: nodeKey)
    }
}

extension ChannelDirection {
    /// Our end of a channel between `local` and `remote`: node 1 is the lesser compressed key.
    public init(local: PublicKey, remote: PublicKey) {
        self = local.compressed.lexicographicallyPrecedes(remote.compressed) ? .fromNode1 : .fromNode2
    }
}
