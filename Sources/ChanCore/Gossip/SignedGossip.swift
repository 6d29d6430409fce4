import ChanCrypto

/// A gossip message whose signatures cover the bytes after them (BOLT 7): what signing,
/// verifying and comparing need of each.
public protocol SignedGossip: WireMessageBody {
    /// The message's fields after its signatures, to its end, trailing bytes included.
    func writeSignedFields(to writer: inout WireWriter) throws(WireError)
}

extension SignedGossip {
    /// SHA-256d of what `writeSignedFields` writes: what every signature of the message signs.
    public func signatureDigest() throws(GossipError) -> [UInt8] {
        try GossipSignature.digest { writer throws(WireError) in try writeSignedFields(to: &writer) }
    }
}

/// A gossip message with one signature, its node's (`channel_update`, `node_announcement`).
public protocol SingleSignedGossip: SignedGossip {
    var signature: CompactSignature { get set }
}

extension SingleSignedGossip {
    /// This message with `signature` replaced by one of `nodeKey` over the other fields.
    public func signed(with nodeKey: PrivateKey) throws(GossipError) -> Self {
        var message = self
        message.signature = try GossipSignature.sign(signatureDigest(), with: nodeKey)
        return message
    }

    /// Equal apart from the signature (ECDSA signatures are malleable: a relay may flip s).
    func hasSameSignedContent(as other: Self) -> Bool {
        var unsigned = self
        unsigned.signature = other.signature
        return unsigned == other
    }
}

extension ChannelAnnouncement: SignedGossip {}
extension ChannelUpdateMessage: SingleSignedGossip {}
extension NodeAnnouncement: SingleSignedGossip {}
