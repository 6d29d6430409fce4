import ChanCore
import ChanLedger

/// Method `open`: a channel to `node_id` (connected first when `host`/`port` are given).
public struct OpenParams: Codable, Sendable, Equatable {
    public let nodeId: String
    public var host: String?
    public var port: UInt16?
    public let amountSat: Satoshi
    public let pushMsat: MilliSatoshi
    /// Confirmations we wait for before `channel_ready` (the peer may ask for more).
    public var minDepth: UInt32?
    /// The funding transaction's fee rate, in sat per byte.
    public var feeRate: UInt64?
    /// Not announced to the network (reachable through route hints only); absent: announced.
    public var `private`: Bool?

    public init(nodeId: String, host: String?, port: UInt16?, amountSat: Satoshi, pushMsat: MilliSatoshi, minDepth: UInt32?, feeRate: UInt64?,
                private isPrivate: Bool? = nil) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.amountSat = amountSat
        self.pushMsat = pushMsat
        self.minDepth = minDepth
        self.feeRate = feeRate
        self.private = isPrivate
    }
}

/// `chan open`: the channel once the peer signed our first commitment and the funding is in the mempool.
public struct OpenResult: Codable, Sendable, Equatable {
    public let channelId: String
    public let fundingTxid: String
    public let fundingOutputIndex: UInt32
    public let capacitySat: Satoshi
    public let pushMsat: MilliSatoshi
    public let state: ChannelPhase

    public init(channelId: String, fundingTxid: String, fundingOutputIndex: UInt32, capacitySat: Satoshi, pushMsat: MilliSatoshi, state: ChannelPhase) {
        self.channelId = channelId
        self.fundingTxid = fundingTxid
        self.fundingOutputIndex = fundingOutputIndex
        self.capacitySat = capacitySat
        self.pushMsat = pushMsat
        self.state = state
    }
}

/// A method that names one channel: its `channel_id` (hex) or `short_channel_id` (`BLOCKxTXxOUTPUT`).
public struct ChannelParams: Codable, Sendable, Equatable {
    public let id: String
    public init(id: String) { self.id = id }
}

/// Method `close`.
public struct CloseParams: Codable, Sendable, Equatable {
    public let id: String
    public let force: Bool
    public init(id: String, force: Bool) {
        self.id = id
        self.force = force
    }
}

/// `chan close`: the transaction that closes (mutual) or will close (force) the channel.
public struct CloseResult: Codable, Sendable, Equatable {
    public let channelId: String
    public let closingTxid: String
    public let state: ChannelPhase
    /// `mutual` or `force`.
    public let type: String

    public init(channelId: String, closingTxid: String, state: ChannelPhase, type: String) {
        self.channelId = channelId
        self.closingTxid = closingTxid
        self.state = state
        self.type = type
    }
}

/// Method `cheat`: broadcast one of our own revoked commitments (for demos).
public struct CheatParams: Codable, Sendable, Equatable {
    public let id: String
    /// Which revoked commitment; the oldest one the node kept by default.
    public var commitment: UInt64?
    public init(id: String, commitment: UInt64?) {
        self.id = id
        self.commitment = commitment
    }
}

public struct CheatResult: Codable, Sendable, Equatable {
    public let channelId: String
    public let txid: String
    public let commitmentNumber: UInt64
    public init(channelId: String, txid: String, commitmentNumber: UInt64) {
        self.channelId = channelId
        self.txid = txid
        self.commitmentNumber = commitmentNumber
    }
}

/// `chan channels`: every channel's snapshot (docs/channel-snapshot.schema.json).
public struct ChannelsResult: Codable, Sendable, Equatable {
    public let channels: [ChannelSnapshot]
    public init(channels: [ChannelSnapshot]) { self.channels = channels }
}
