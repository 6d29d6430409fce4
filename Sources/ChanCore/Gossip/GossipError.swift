import ChanCrypto
import ChanLedger

/// Why a gossip message is refused, or could not be made. The codes are stable: the daemon
/// logs them and decides from them whether to warn the peer.
public enum GossipError: CodedError, Equatable, Sendable {
    /// The message is for another chain than ours.
    case wrongChain(Hash32)
    /// `node_id_1` is not the lesser of the two compressed node ids.
    case nodeIDsNotOrdered
    /// Both ends of the channel are the same node.
    case sameNodeTwice
    /// A field that must be a public key is not a point on the curve.
    case invalidKey(field: String)
    /// A signature does not verify with the key it must come from.
    case invalidSignature(field: String)
    /// The output at the short channel id does not pay to the two announced funding keys.
    case fundingOutputMismatch(String)
    /// Another announcement, for other nodes or keys, already holds this short channel id.
    case conflictingAnnouncement(ShortChannelID)
    /// An update names a channel that is not announced (or not the one passed).
    case unknownChannel(ShortChannelID)
    /// A node announcement for a node without an announced channel.
    case unknownNode(NodeID)
    case htlcMinimumAboveMaximum(minimum: MilliSatoshi, maximum: MilliSatoshi)
    case htlcMaximumAboveCapacity(maximum: MilliSatoshi, capacity: Satoshi)
    /// A node announcement's address descriptors do not parse.
    case malformedAddresses(String)
    /// An `announcement_signatures` is for another short channel id than ours.
    case shortChannelIDMismatch(expected: ShortChannelID, actual: ShortChannelID)
    /// Building a message failed: a field does not fit the format, or signing failed.
    case cannotBuild(String)

    public var code: String {
        switch self {
        case .wrongChain: "gossip_wrong_chain"
        case .nodeIDsNotOrdered: "gossip_node_ids_not_ordered"
        case .sameNodeTwice: "gossip_same_node_twice"
        case .invalidKey: "gossip_invalid_key"
        case .invalidSignature: "gossip_invalid_signature"
        case .fundingOutputMismatch: "gossip_funding_output_mismatch"
        case .conflictingAnnouncement: "gossip_conflicting_announcement"
        case .unknownChannel: "gossip_unknown_channel"
        case .unknownNode: "gossip_unknown_node"
        case .htlcMinimumAboveMaximum: "gossip_htlc_minimum_above_maximum"
        case .htlcMaximumAboveCapacity: "gossip_htlc_maximum_above_capacity"
        case .malformedAddresses: "gossip_malformed_addresses"
        case .shortChannelIDMismatch: "gossip_short_channel_id_mismatch"
        case .cannotBuild: "gossip_cannot_build"
        }
    }

    public var message: String {
        switch self {
        case .wrongChain(let chain): "the message is for chain \(chain.hex), not ours"
        case .nodeIDsNotOrdered: "node_id_1 is not the lesser of the two node ids"
        case .sameNodeTwice: "both ends of the channel are the same node"
        case .invalidKey(let field): "\(field) is not a valid public key"
        case .invalidSignature(let field): "\(field) does not verify"
        case .fundingOutputMismatch(let why): "the funding output does not match the announcement: \(why)"
        case .conflictingAnnouncement(let scid): "channel \(scid) is already announced with other nodes or keys"
        case .unknownChannel(let scid): "channel \(scid) is not announced"
        case .unknownNode(let node): "node \(node) has no announced channel"
        case .htlcMinimumAboveMaximum(let minimum, let maximum):
            "htlc_minimum_msat \(minimum.value) is above htlc_maximum_msat \(maximum.value)"
        case .htlcMaximumAboveCapacity(let maximum, let capacity):
            "htlc_maximum_msat \(maximum.value) is above the channel capacity of \(capacity.value) sat"
        case .malformedAddresses(let why): "the address descriptors are malformed: \(why)"
        case .shortChannelIDMismatch(let expected, let actual):
            "announcement_signatures for channel \(actual), expected \(expected)"
        case .cannotBuild(let why): "cannot build the gossip message: \(why)"
        }
    }
}
