import ChanCrypto
import ChanLedger

/// What an announced channel proves: its two nodes (node 1 the lesser key) and its capacity,
/// the amount of its funding output. Checking a `channel_update` needs exactly this.
public struct ChannelEnds: Hashable, Sendable {
    public let shortChannelID: ShortChannelID
    public let nodeKey1: PublicKey
    public let nodeKey2: PublicKey
    public let capacity: Satoshi
    /// The two keys as routing ids (kept: the routing graph reads them for every channel).
    public let nodeID1: NodeID
    public let nodeID2: NodeID

    public init(shortChannelID: ShortChannelID, nodeKey1: PublicKey, nodeKey2: PublicKey, capacity: Satoshi) {
        self.shortChannelID = shortChannelID
        self.nodeKey1 = nodeKey1
        self.nodeKey2 = nodeKey2
        self.capacity = capacity
        nodeID1 = NodeID(publicKey: nodeKey1)
        nodeID2 = NodeID(publicKey: nodeKey2)
    }

    /// The node that signs updates for `direction`.
    public func nodeKey(_ direction: ChannelDirection) -> PublicKey {
        switch direction {
        case .fromNode1: nodeKey1
        case .fromNode2: nodeKey2
        }
    }
}
