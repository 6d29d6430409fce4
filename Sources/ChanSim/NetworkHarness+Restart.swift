import ChanCore
import ChanLedger

/// A node crashes and starts again: every link to it drops (what was in flight is lost), and
/// whatever it had not persisted is gone: its live channels are read back from their last
/// records, its multi-part sets are empty. Its store (invoices, forwards, payment parts) was
/// written before anything depending on it left the node, so it survives; what it says is
/// reconciled with the channels read back, as the daemon does at start.
extension NetworkHarness {
    public mutating func restart(_ node: Int) {
        statistics.restarts += 1
        trace.record("node \(node) restarts")
        for edge in edges(of: node) {
            // The peer sees the connection drop; the crashed side's channel is replaced below.
            if edges[edge].link.isUp {
                statistics.disconnects += 1
                statistics.messagesDropped += edges[edge].link.drop()
                event(edges[edge].ends.other(than: node), edge, .disconnected)
            }
        }
        nodes[node].incomingSets = [:]
        for edge in nodes[node].channels.keys.sorted() {
            guard let record = nodes[node].records[edge] else {
                violations.record("node \(node)'s channel \(edge) was never persisted")
                continue
            }
            do {
                nodes[node].channels[edge] = try ChannelRecord.decode(record, nodeKeys: nodes[node].keys)
            } catch {
                violations.record("node \(node)'s channel \(edge) record does not read back: \(error.message)")
            }
        }
        // Each channel starts disconnected (a restart is a reconnection): the daemon's `loadChannels`.
        for edge in nodes[node].channels.keys.sorted() where channel(node, edge)?.isConnected == true && channel(node, edge)?.phase != .closed {
            event(node, edge, .disconnected)
        }
        reconcileAfterRestart(node)
    }

    /// Forwards and payment parts whose outgoing HTLC no channel holds after the restart never
    /// left in a signed commitment: they failed (a forward's incoming HTLC is failed back once
    /// its peer is back). The daemon's `reconcileForwardsAfterRestart`, and the same for payments.
    private mutating func reconcileAfterRestart(_ node: Int) {
        let lost = { (harness: NetworkHarness, ref: NetworkHTLCRef) in
            harness.channel(node, ref.edge)?.hasOutgoingHTLC(id: ref.id) != true
        }
        for ref in nodes[node].forwardsInFlight.keys.sorted(by: { ($0.edge, $0.id) < ($1.edge, $1.id) }) where lost(self, ref) {
            trace.record("node \(node): forward out as \(ref) lost in the restart")
            if let incoming = outcome(ref, node: node, preimage: nil, failure: .local("lost in a restart before it was signed")) {
                carryOutForward(node: node, incoming: incoming)
            }
        }
        for ref in nodes[node].attempts.keys.sorted(by: { ($0.edge, $0.id) < ($1.edge, $1.id) }) where lost(self, ref) {
            trace.record("node \(node): payment part out as \(ref) lost in the restart")
            _ = outcome(ref, node: node, preimage: nil, failure: .local("lost in a restart before it was signed"))
        }
    }
}
