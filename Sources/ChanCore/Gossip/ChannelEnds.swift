import ChanCrypto
import ChanLedger

/// What an announced channel proves: its two nodes (node 1 the lesser key) and its capacity,
/// the amount of its funding output. Checking a `channel_update` needs exactly this.
public struct ChannelEnds: Hashable, Sendable {
    public let shortChannelID: ShortChannelID
    public let nodeKey1: PublicKey
    public let nodeKey2: PublicKey
    public let capacity: Satoshi

    public init(shortChannelID: ShortChannelID, nodeKey1: PublicKey, nodeKey2: PublicKey, capacity: Satoshi) {
        self.shortChannelID = shortChannelID
        self.nodeKey1 = nodeKey1
        self.nodeKey2 = nodeKey2
        self.capacity = capacity
    }

    public var nodeID1: NodeID { NodeID(publicKey: nodeKey1) }
    public var nodeID2: NodeID { NodeID(publicKey: nodeKey2) }

    /// The node that signs updates for `direction`.
    public func nodeKey(_ direction: ChannelDirection) -> PublicKey {
        switch direction {
        case .fromNode1: nodeKey1
        case .fromNode2: nodeKey2
        }
    }

    public func contains(_ node: NodeID) -> Bool { nodeID1 == node || nodeID2 == node }
}

extension NodeID {
    /// The routing id of a (valid) public key.
    public init(publicKey: PublicKey) {
        // Cannot fail: a compressed key is 33 bytes starting with 02 or 03.
        self = NodeID(bytes: publicKey.compressed)!
    }
}
