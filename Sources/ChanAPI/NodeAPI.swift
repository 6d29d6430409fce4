/// `chan node start`: how to reach the node that now runs.
public struct NodeStarted: Codable, Sendable, Equatable {
    public let name: String
    public let nodeId: String
    public let pid: Int32
    /// `PUBKEY@127.0.0.1:PORT`, what `connect` takes on another machine.
    public let uri: String
    public let rpcSocket: String

    public init(name: String, nodeId: String, pid: Int32, uri: String, rpcSocket: String) {
        self.name = name
        self.nodeId = nodeId
        self.pid = pid
        self.uri = uri
        self.rpcSocket = rpcSocket
    }
}

/// `chan -n NAME info` (method `info`), like `lncli getinfo`.
public struct NodeInfo: Codable, Sendable, Equatable {
    public let name: String
    public let alias: String
    public let nodeId: String
    public let uri: String
    public let pid: Int32
    public let version: String
    public let chainHash: String
    /// The ledger height the daemon has processed.
    public let blockHeight: UInt32
    public let peers: Int
    public let channels: ChannelCounts

    public struct ChannelCounts: Codable, Sendable, Equatable {
        /// Opening or waiting for the funding to confirm.
        public let pending: Int
        /// `normal` and connected.
        public let active: Int
        /// `normal` with the peer away, or shutting down.
        public let inactive: Int
        /// Closing or force closing: waiting for the ledger.
        public let closing: Int
        public let closed: Int

        public init(pending: Int, active: Int, inactive: Int, closing: Int, closed: Int) {
            self.pending = pending
            self.active = active
            self.inactive = inactive
            self.closing = closing
            self.closed = closed
        }
    }

    public init(name: String, alias: String, nodeId: String, uri: String, pid: Int32, version: String, chainHash: String,
                blockHeight: UInt32, peers: Int, channels: ChannelCounts) {
        self.name = name
        self.alias = alias
        self.nodeId = nodeId
        self.uri = uri
        self.pid = pid
        self.version = version
        self.chainHash = chainHash
        self.blockHeight = blockHeight
        self.peers = peers
        self.channels = channels
    }
}

/// `chan node stop` (method `stop`).
public struct NodeStopped: Codable, Sendable, Equatable {
    public let name: String
    public let stopped: Bool

    public init(name: String, stopped: Bool) {
        self.name = name
        self.stopped = stopped
    }
}

/// One node of `chan node list`.
public struct NodeListEntry: Codable, Sendable, Equatable {
    public let name: String
    public let alias: String
    public let nodeId: String
    public let port: UInt16
    public let running: Bool
    public var pid: Int32?

    public init(name: String, alias: String, nodeId: String, port: UInt16, running: Bool, pid: Int32?) {
        self.name = name
        self.alias = alias
        self.nodeId = nodeId
        self.port = port
        self.running = running
        self.pid = pid
    }
}

/// The version both ends report.
public enum ChanVersion {
    public static let current = "0.2.0"
}
