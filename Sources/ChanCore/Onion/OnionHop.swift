import ChanCrypto

/// One hop of a route, as the sender gives it to `Sphinx.build`.
public struct OnionHop: Hashable, Sendable {
    public var nodeID: PublicKey
    /// The hop's TLV `payload`, without the BigSize length the packet puts in front of it.
    public var payload: [UInt8]

    public init(nodeID: PublicKey, payload: [UInt8]) {
        self.nodeID = nodeID
        self.payload = payload
    }

    public init(nodeID: PublicKey, payload: HopPayload) throws(WireError) {
        self.init(nodeID: nodeID, payload: try payload.encoded())
    }
}
