import ChanCrypto
import ChanLedger

/// The BOLT 7 checks of incoming gossip that need nothing but the message and what the caller
/// looked up. The ledger look-ups (the output at a short channel id, whether it is unspent and
/// 6 blocks deep) are the caller's; so are rate limits and blacklists.
///
/// Unknown even feature bits do not make a message invalid: BOLT 7 has the message stored and
/// relayed, and only forbids routing through the channel or node (`NetworkGraph.routingGraph`
/// leaves them out).
public enum GossipValidation {
    /// A `channel_announcement` is valid when it is for our chain, its node ids are distinct and
    /// ordered, its four keys are points and its four signatures verify, and `fundingOutput`
    /// (the output at its short channel id) is a `multisig2` over exactly its two funding keys.
    /// Returns the channel's ends, with the output's amount as capacity.
    public static func validate(
        _ announcement: ChannelAnnouncement, chainHash: Hash32, fundingOutput: TxOutput
    ) throws(GossipError) -> ChannelEnds {
        guard announcement.chainHash == chainHash else { throw .wrongChain(announcement.chainHash) }
        guard announcement.nodeID1 != announcement.nodeID2 else { throw .sameNodeTwice }
        guard announcement.nodeID1.bytes.lexicographicallyPrecedes(announcement.nodeID2.bytes) else {
            throw .nodeIDsNotOrdered
        }
        let keys = try announcement.verifySignatures()
        try checkFundingOutput(fundingOutput, bitcoinKey1: keys.bitcoin1, bitcoinKey2: keys.bitcoin2)
        return ChannelEnds(
            shortChannelID: announcement.shortChannelID, nodeKey1: keys.node1, nodeKey2: keys.node2,
            capacity: fundingOutput.amount)
    }

    /// The ledger keeps a funding output's keys sorted (BOLT 3 order), while the announcement
    /// orders them by node id: the pair is compared without regard to order.
    static func checkFundingOutput(_ output: TxOutput, bitcoinKey1: PublicKey, bitcoinKey2: PublicKey) throws(GossipError) {
        guard case .multisig2(let first, let second) = output.condition else {
            throw .fundingOutputMismatch("the output is \(output.condition.kind), not multisig2")
        }
        guard (first, second) == (bitcoinKey1, bitcoinKey2) || (first, second) == (bitcoinKey2, bitcoinKey1) else {
            throw .fundingOutputMismatch("the output's keys are not bitcoin_key_1 and bitcoin_key_2")
        }
    }

    /// A `channel_update` is valid when it is for our chain and for `channel` (nil: the
    /// channel is not announced), its signature is the node's of its direction (channel_flags
    /// bit 0: 0 is node 1), and htlc_minimum <= htlc_maximum <= capacity. The signature is
    /// checked before the amounts, so a range error is the signing node's.
    public static func validate(
        _ update: ChannelUpdateMessage, chainHash: Hash32, channel: ChannelEnds?
    ) throws(GossipError) {
        guard update.chainHash == chainHash else { throw .wrongChain(update.chainHash) }
        guard let channel, channel.shortChannelID == update.shortChannelID else {
            throw .unknownChannel(update.shortChannelID)
        }
        guard update.verifySignature(nodeKey: channel.nodeKey(update.direction)) else {
            throw .invalidSignature(field: "signature")
        }
        guard update.htlcMinimum <= update.htlcMaximum else {
            throw .htlcMinimumAboveMaximum(minimum: update.htlcMinimum, maximum: update.htlcMaximum)
        }
        // Compared in msat without multiplying the capacity (which could overflow).
        guard update.htlcMaximum.value / 1000 < channel.capacity.value
                || (update.htlcMaximum.value / 1000 == channel.capacity.value && update.htlcMaximum.value % 1000 == 0)
        else {
            throw .htlcMaximumAboveCapacity(maximum: update.htlcMaximum, capacity: channel.capacity)
        }
    }

    /// A `node_announcement` is valid when its node has an announced channel (BOLT 7 ignores
    /// the others, against cheap spam), `node_id` is a key, the signature is its, and the
    /// address descriptors parse. Returns the node's id.
    @discardableResult
    public static func validate(_ announcement: NodeAnnouncement, nodeHasChannel: Bool) throws(GossipError) -> NodeID {
        guard let node = NodeID(bytes: announcement.nodeID.bytes) else { throw .invalidKey(field: "node_id") }
        guard nodeHasChannel else { throw .unknownNode(node) }
        try announcement.verifySignature()
        do {
            _ = try announcement.decodedAddresses()
        } catch {
            throw .malformedAddresses(error.message)
        }
        return node
    }
}
