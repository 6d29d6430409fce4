import ChanCrypto

/// One authenticated connection's BOLT 1 life after the BOLT 8 handshake: the `init` exchange
/// (feature negotiation), `ping`/`pong`, `error`/`warning`, and the routing of every other
/// message to the channel it names. A value state machine: the daemon feeds it decoded
/// messages and performs what it returns.
public struct PeerSession: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Our `init` is sent; nothing but the peer's `init` may come first.
        case awaitingInit
        /// Both `init`s exchanged.
        case active(remoteFeatures: FeatureBits)
        /// The connection is to be dropped; nothing more is accepted.
        case closed(reason: String)
    }

    public private(set) var state: State = .awaitingInit
    public let localFeatures: FeatureBits
    public let chainHash: Hash32
    /// The `pong` size our last `ping` asked for, while it is unanswered.
    public private(set) var awaitedPongLength: Int?
    /// Pings the peer may still send before it pings too often, and when that was counted.
    private var pingAllowance = PeerSession.pingBurst
    private var pingAllowanceCountedAt: UInt64?

    /// BOLT 1 lets a node drop a peer that pings "significantly in excess of one ping per 30
    /// seconds" (each ping may ask for a pong of 65531 bytes): a burst of 10, then one per 10 s.
    public static let pingBurst = 10
    public static let pingRefillSeconds: UInt64 = 10

    public init(localFeatures: FeatureBits = .node, chainHash: Hash32) {
        self.localFeatures = localFeatures
        self.chainHash = chainHash
    }

    /// Our `init`, the first message on the connection.
    public var initMessage: WireMessage {
        .initMessage(InitMessage(features: localFeatures.bytes, tlvs: InitMessage.TLVs(networks: [chainHash])))
    }

    public var isActive: Bool { if case .active = state { true } else { false } }

    /// Where a message from the peer goes.
    public enum Delivery: Sendable, Equatable {
        /// Answer on the connection.
        case reply(WireMessage)
        /// The peer's `init` arrived: the connection is ready for channel traffic.
        case ready(remoteFeatures: FeatureBits)
        /// A message for the channel `channelID` names (temporary id while opening).
        case channel(ChannelID, WireMessage)
        /// The peer proposes a channel.
        case openChannel(OpenChannel)
        /// An `error` with the all-zero id: every channel with this peer fails.
        case failAllChannels(ErrorMessage)
        /// A `warning` for the log; nothing fails.
        case warning(WarningMessage)
        /// Network gossip (BOLT 7) for the node's gossip layer.
        case gossip(GossipMessage)
        /// Drop the connection (after sending `error`, when given).
        case disconnect(reason: String, error: WireMessage?)
        case ignore
    }

    /// What to do with `message` from the peer, arrived at `now` (seconds).
    public mutating func receive(_ message: WireMessage, now: UInt64) -> Delivery {
        switch state {
        case .closed:
            return .ignore
        case .awaitingInit:
            guard case .initMessage(let remote) = message else {
                return close("\(message.name) before init")
            }
            let features = FeatureBits(bytes: remote.combinedFeatures)
            let unknown = localFeatures.unknownRequired(in: features)
            guard unknown.isEmpty else {
                return close("the peer requires unknown features \(unknown)", error: true)
            }
            if let networks = remote.tlvs.networks, !networks.isEmpty, !networks.contains(chainHash) {
                return close("the peer is on another chain", error: true)
            }
            state = .active(remoteFeatures: features)
            return .ready(remoteFeatures: features)
        case .active:
            if case .ping = message, !spendPingAllowance(now: now) { return close("pinging too often") }
            return route(message)
        }
    }

    private mutating func route(_ message: WireMessage) -> Delivery {
        switch message {
        case .initMessage:
            return close("a second init")
        case .ping(let ping):
            // BOLT 1: no answer to a ping asking for a pong too large to send.
            guard ping.numPongBytes < Ping.noPongThreshold else { return .ignore }
            return .reply(.pong(Pong(ignored: [UInt8](repeating: 0, count: Int(ping.numPongBytes)))))
        case .pong(let pong):
            guard let expected = awaitedPongLength else { return .ignore }
            awaitedPongLength = nil
            return pong.ignored.count == expected ? .ignore : close("a pong of \(pong.ignored.count) bytes, \(expected) asked")
        case .error(let error):
            return error.channelID.isZero ? .failAllChannels(error) : .channel(error.channelID, message)
        case .warning(let warning):
            return .warning(warning)
        case .openChannel(let open):
            return .openChannel(open)
        case .unknown:
            return .ignore  // odd types only: even ones never decode
        case .acceptChannel(let body): return .channel(body.temporaryChannelID, message)
        case .fundingCreated(let body): return .channel(body.temporaryChannelID, message)
        case .fundingSigned(let body): return .channel(body.channelID, message)
        case .channelReady(let body): return .channel(body.channelID, message)
        case .shutdown(let body): return .channel(body.channelID, message)
        case .closingSigned(let body): return .channel(body.channelID, message)
        case .updateAddHTLC(let body): return .channel(body.channelID, message)
        case .updateFulfillHTLC(let body): return .channel(body.channelID, message)
        case .updateFailHTLC(let body): return .channel(body.channelID, message)
        case .commitmentSigned(let body): return .channel(body.channelID, message)
        case .revokeAndAck(let body): return .channel(body.channelID, message)
        case .updateFee(let body): return .channel(body.channelID, message)
        case .updateFailMalformedHTLC(let body): return .channel(body.channelID, message)
        case .channelReestablish(let body): return .channel(body.channelID, message)
        case .announcementSignatures(let body): return .channel(body.channelID, message)
        case .channelAnnouncement(let body): return .gossip(.channelAnnouncement(body))
        case .nodeAnnouncement(let body): return .gossip(.nodeAnnouncement(body))
        case .channelUpdate(let body): return .gossip(.channelUpdate(body))
        case .gossipTimestampFilter(let body): return .gossip(.gossipTimestampFilter(body))
        }
    }

    private mutating func spendPingAllowance(now: UInt64) -> Bool {
        if let counted = pingAllowanceCountedAt, now > counted {
            let refill = (now - counted) / PeerSession.pingRefillSeconds
            pingAllowance = Int(min(UInt64(PeerSession.pingBurst), UInt64(pingAllowance) + refill))
            pingAllowanceCountedAt = counted + refill * PeerSession.pingRefillSeconds
        } else if pingAllowanceCountedAt == nil {
            pingAllowanceCountedAt = now
        }
        guard pingAllowance > 0 else { return false }
        pingAllowance -= 1
        return true
    }

    /// A `ping` to send, asking for a `pong` of `length` bytes (keepalive).
    public mutating func ping(pongLength: UInt16 = 8) -> WireMessage? {
        guard isActive, awaitedPongLength == nil else { return nil }
        awaitedPongLength = Int(pongLength)
        return .ping(Ping(numPongBytes: pongLength))
    }

    /// BOLT 1's answer to a message naming a channel we do not have: an `error` for it, except
    /// to an `error` or `warning` (ignored, or two nodes could answer each other forever).
    public static func unknownChannel(_ channelID: ChannelID, message: WireMessage) -> WireMessage? {
        switch message {
        case .error, .warning: nil
        default: .error(ErrorMessage(channelID: channelID, data: Array("unknown channel".utf8)))
        }
    }

    private mutating func close(_ reason: String, error: Bool = false) -> Delivery {
        state = .closed(reason: reason)
        let message = error ? WireMessage.error(ErrorMessage(channelID: .zero, data: Array(reason.utf8))) : nil
        return .disconnect(reason: reason, error: message)
    }
}
