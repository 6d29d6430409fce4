import ChanCore
import ChanCrypto
import NIOCore

/// The node's live connections, one per peer: the link that writes to it, the BOLT 1 session
/// state, where it is, and who waits for it to be ready. Owned by the node (its actor).
struct PeerRegistry {
    struct Peer {
        var link: PeerLink
        var session: PeerSession
        var address: SocketAddress?
        let outbound: Bool
        var readyWaiters: [CheckedContinuation<Void, any Error>] = []

        var isReady: Bool { session.isActive }
    }

    private(set) var peers: [PublicKey: Peer] = [:]
    private var byConnection: [UInt64: PublicKey] = [:]
    private var lastConnectionID: UInt64 = 0

    mutating func nextConnectionID() -> UInt64 {
        lastConnectionID += 1
        return lastConnectionID
    }

    /// Registers a new connection; returns the one it replaces (to be closed), if any.
    mutating func add(_ link: PeerLink, session: PeerSession, address: SocketAddress?, outbound: Bool) -> Peer? {
        let replaced = peers[link.remote]
        if let replaced { byConnection[replaced.link.connectionID] = nil }
        var peer = Peer(link: link, session: session, address: address, outbound: outbound)
        peer.readyWaiters = replaced?.readyWaiters ?? []
        peers[link.remote] = peer
        byConnection[link.connectionID] = link.remote
        return replaced
    }

    func peer(connection id: UInt64) -> PublicKey? { byConnection[id] }

    subscript(remote: PublicKey) -> Peer? {
        get { peers[remote] }
        set { peers[remote] = newValue }
    }

    /// Forgets the connection; returns the peer it belonged to if it was that peer's current one.
    mutating func remove(connection id: UInt64) -> Peer? {
        guard let remote = byConnection.removeValue(forKey: id), let peer = peers[remote], peer.link.connectionID == id else { return nil }
        peers[remote] = nil
        return peer
    }
}
