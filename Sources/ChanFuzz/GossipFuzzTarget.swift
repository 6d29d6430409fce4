import ChanCore
import ChanCrypto
import ChanLedger

/// BOLT 7 gossip as a peer sends it: the input is messages, each u16-length-prefixed, decoded
/// and applied in order to a network graph (every check of `GossipValidation`, with the
/// funding output taken to be the announced keys'). What the graph then serves (its routing
/// graph, a full sync) must be built without a trap, and the sync's messages must read back.
enum GossipFuzzTarget {
    static let capacity = Satoshi(1_000_000)

    static let gossip = FuzzTarget("gossip", "decode and apply gossip to a NetworkGraph") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        var graph: NetworkGraph?
        while !script.isAtEnd {
            let bytes = script.bytes(Int(script.u16()))
            guard let message = try? WireMessage.decode(bytes) else { continue }
            switch message {
            case .channelAnnouncement(let announcement):
                if graph == nil { graph = NetworkGraph(chainHash: announcement.chainHash) }
                _ = graph!.apply(announcement, fundingOutput: fundingOutput(announcement))
            case .channelUpdate(let update):
                if graph == nil { graph = NetworkGraph(chainHash: update.chainHash) }
                _ = graph!.apply(update)
            case .nodeAnnouncement(let announcement):
                _ = graph?.apply(announcement)
            default:
                continue
            }
        }
        guard let graph else { return }
        _ = graph.routingGraph()
        for message in graph.fullSync() {
            let wire = message.wireMessage
            let encoded: [UInt8]
            do { encoded = try wire.encode() } catch { throw FuzzFailure(message: "stored gossip does not encode: \(error)") }
            try require((try? WireMessage.decode(encoded)) == wire, "stored gossip reads back as another message")
        }
    }

    /// The output a valid announcement's short channel id points at: a 2-of-2 of its keys.
    static func fundingOutput(_ announcement: ChannelAnnouncement) -> TxOutput? {
        guard let key1 = try? PublicKey(compressed: announcement.bitcoinKey1.bytes),
              let key2 = try? PublicKey(compressed: announcement.bitcoinKey2.bytes)
        else { return nil }
        let (first, second) = key1.compressed.lexicographicallyPrecedes(key2.compressed) ? (key1, key2) : (key2, key1)
        return TxOutput(amount: capacity, condition: .multisig2(first, second))
    }
}
