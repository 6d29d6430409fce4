import ChanCrypto

/// What the sender keeps of one hop after building the onion: enough to tell which node a
/// returned failure came from and to unwrap it.
public struct OnionHopSecret: Hashable, Sendable, Codable {
    public var nodeID: PublicKey
    public var sharedSecret: OnionSharedSecret

    public init(nodeID: PublicKey, sharedSecret: OnionSharedSecret) {
        self.nodeID = nodeID
        self.sharedSecret = sharedSecret
    }
}

/// The result of `Sphinx.build`: the packet for the first hop, and one secret per hop in
/// route order (index 0 is the first hop).
public struct BuiltOnion: Hashable, Sendable {
    public let packet: OnionRoutingPacket
    public let hopSecrets: [OnionHopSecret]

    public var sharedSecrets: [OnionSharedSecret] { hopSecrets.map(\.sharedSecret) }
}
