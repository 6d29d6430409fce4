import ChanCore
import ChanCrypto

/// Keeps the node connected to every peer it shares a channel with and knows an address of:
/// a peer that is away is dialed again with exponential backoff (BOLT 1 asks for one
/// connection per peer; `channel_reestablish` follows each reconnection).
extension Node {
    static let reconnectFirstDelay = 0.25
    static let reconnectMaximumDelay = 10.0

    func reconnectLoop() async {
        while !Task.isCancelled {
            for (peer, host, port) in peersToReconnect() {
                Task { await self.reconnect(peer, host: host, port: port) }
            }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// Peers with an open channel, not connected, not being dialed, whose backoff has passed.
    private func peersToReconnect() -> [(PublicKey, String, UInt16)] {
        let wanted = Set(channels.values.filter { $0.phase != .closed }.map(\.peerID))
        guard !wanted.isEmpty, let known = try? local.store.peerAddresses() else { return [] }
        let clock = NodeProcess.monotonicSeconds()
        return known.compactMap { entry in
            guard wanted.contains(entry.nodeID), registry[entry.nodeID] == nil, !pendingConnects.contains(entry.nodeID),
                  (reconnectBackoff[entry.nodeID]?.next ?? 0) <= clock else { return nil }
            return (entry.nodeID, entry.host, entry.port)
        }
    }

    private func reconnect(_ peer: PublicKey, host: String, port: UInt16) async {
        do {
            try await dial(peer, host: host, port: Int(port))
            reconnectBackoff[peer] = nil
        } catch {
            let failures = (reconnectBackoff[peer]?.failures ?? 0) + 1
            let delay = min(Node.reconnectFirstDelay * Double(1 << min(failures - 1, 10)), Node.reconnectMaximumDelay)
            reconnectBackoff[peer] = (failures, NodeProcess.monotonicSeconds() + delay)
            logger.debug("reconnect failed", metadata: ["peer": "\(peer)", "retry_in_s": "\(delay)"])
        }
    }
}
