/// Method `connect`: a node id and where it listens.
public struct ConnectParams: Codable, Sendable, Equatable {
    public let nodeId: String
    public let host: String
    public let port: UInt16

    public init(nodeId: String, host: String, port: UInt16) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
    }
}

/// Method `disconnect`, and any method that names one peer.
public struct PeerParams: Codable, Sendable, Equatable {
    public let nodeId: String
    public init(nodeId: String) { self.nodeId = nodeId }
}

/// One connected peer (`chan peers`, the answer to `connect`).
public struct PeerJSON: Codable, Sendable, Equatable {
    public let nodeId: String
    /// `host:port` of the connection's other end.
    public var address: String?
    /// Whether we opened the connection (outbound) or the peer did (inbound).
    public let direction: String
    /// The peer's `init` arrived; channel messages flow.
    public let ready: Bool
    /// Feature bits the peer announced in `init`.
    public let features: [Int]
    /// Channels we have with the peer that are not closed.
    public let channels: Int

    public init(nodeId: String, address: String?, direction: String, ready: Bool, features: [Int], channels: Int) {
        self.nodeId = nodeId
        self.address = address
        self.direction = direction
        self.ready = ready
        self.features = features
        self.channels = channels
    }
}

public struct PeersResult: Codable, Sendable, Equatable {
    public let peers: [PeerJSON]
    public init(peers: [PeerJSON]) { self.peers = peers }
}

/// The answer to `disconnect`.
public struct DisconnectResult: Codable, Sendable, Equatable {
    public let nodeId: String
    public let disconnected: Bool
    public init(nodeId: String, disconnected: Bool) {
        self.nodeId = nodeId
        self.disconnected = disconnected
    }
}
