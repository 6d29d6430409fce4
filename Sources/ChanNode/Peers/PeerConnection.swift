import ChanCore
import ChanCrypto
import Logging
import NIOCore
import NIOPosix

/// One TCP connection to a peer, from the BOLT 8 handshake to its close, as a handler on the
/// node's event loop. Bytes become messages here and nowhere else: each read is decrypted and
/// decoded in order and handed to the node synchronously (the node's actor runs on this same
/// loop, so a message costs no hop to another thread); the node's sends are encrypted and
/// written at once and flushed together at the end of the loop's turn. A peer that fails the
/// handshake, sends a frame that does not authenticate, or a message that does not decode is
/// dropped (with a log line); nothing it sent can reach the node's state first. An inbound
/// connection gets `HandshakeLimits.timeout` to finish its handshake and holds one of the
/// listener's `PendingHandshakes` slots until it does.
final class PeerConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Which side of the handshake we are.
    enum Role: Sendable {
        case initiator(remote: PublicKey)
        case responder
    }

    private enum State {
        /// Act one goes out when the connection becomes active; act two is awaited.
        case initiating(NoiseInitiator, actOne: [UInt8])
        case responding(NoiseResponder)
        /// The session is up and the node knows the connection.
        case open(TransportFramer, remote: PublicKey)
        /// Closing once what was written is flushed: nothing more is read or sent.
        case closing
        case closed
    }

    private let node: Node
    private let role: Role
    private let logger: Logger
    private let connectionID: UInt64
    private var state: State
    /// Handshake bytes received beyond the last complete act.
    private var pending: [UInt8] = []
    private var context: ChannelHandlerContext?
    private var handshakeTimer: Scheduled<Void>?
    private var flushScheduled = false
    /// Whether the node knows the connection (its handshake completed).
    private var registered = false
    /// Why we closed the connection, for the log and for whoever waits for a dial.
    private var closeReason: String?
    /// The listener's slot this inbound connection holds until its handshake is done.
    private var handshakeSlot: PendingHandshakes?

    private init(node: Node, role: Role, logger: Logger, connectionID: UInt64, state: State, handshakeSlot: PendingHandshakes?) {
        self.node = node
        self.role = role
        self.logger = logger
        self.connectionID = connectionID
        self.state = state
        self.handshakeSlot = handshakeSlot
    }

    /// Adds a connection's handler to `channel`'s pipeline (on its event loop, the node's). An
    /// inbound connection takes a slot of `pending`; when there is none it is closed at once.
    static func install(on channel: any NIOCore.Channel, role: Role, node: Node, logger: Logger,
                        pending: PendingHandshakes? = nil) throws {
        if let pending, !pending.acquire() {
            logger.warning("refusing a peer connection: too many handshakes pending",
                           metadata: ["limit": "\(pending.limit)", "address": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
            channel.close(promise: nil)
            return
        }
        let localKey = node.local.keys.nodeKey
        let state: State
        switch role {
        case .initiator(let remote):
            let (initiator, actOne) = try NoiseInitiator.start(localStatic: localKey, remoteStatic: remote, ephemeral: try PrivateKey.random())
            state = .initiating(initiator, actOne: actOne)
        case .responder:
            state = .responding(NoiseResponder(localStatic: localKey, ephemeral: try PrivateKey.random()))
        }
        let connectionID = node.assumeIsolated { $0.nextConnectionID() }
        let handler = PeerConnection(node: node, role: role, logger: logger, connectionID: connectionID, state: state, handshakeSlot: pending)
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let channel = context.channel
        // A peer that stalls the handshake is dropped.
        let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = HandshakeLimits.timeout
        handshakeTimer = context.eventLoop.scheduleTask(in: timeout) {
            guard let context = connection.value.context else { return channel.close(promise: nil) }
            connection.value.drop(context: context, reason: "the handshake did not complete within \(timeout.nanoseconds / 1_000_000) ms")
        }
    }

    /// Gives the listener's slot back (once): the handshake is done or the connection gone.
    private func releaseHandshakeSlot() {
        handshakeSlot?.release()
        handshakeSlot = nil
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .initiating(_, let actOne) = state {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: actOne)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(buffer: unwrapInboundIn(data))
        do {
            switch state {
            case .initiating, .responding:
                pending += bytes
                try advanceHandshake(context: context)
            case .open:
                try receiveFrames(bytes)
            case .closing, .closed:
                break
            }
        } catch {
            drop(context: context, reason: "\(error)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        releaseHandshakeSlot()
        state = .closed
        let reason = closeReason ?? "the connection closed"
        logger.info("peer connection closed", metadata: ["connection": "\(connectionID)", "reason": "\(reason)"])
        let connectionID = connectionID
        if registered {
            node.assumeIsolated { $0.peerDisconnected(connectionID: connectionID) }
        } else if case .initiator(let remote) = role {
            node.assumeIsolated { $0.dialFailed(remote, reason: "the handshake with \(remote) failed: \(reason)") }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        drop(context: context, reason: "\(error)")
    }

    /// Reads every complete act in `pending`; once the handshake is done, the connection is
    /// registered with the node and what followed the last act is read as transport frames.
    private func advanceHandshake(context: ChannelHandlerContext) throws {
        switch state {
        case .initiating(var initiator, _):
            guard pending.count >= HandshakeAct.two.length else { return }
            let (actThree, cipher) = try initiator.receiveActTwo(takePending(HandshakeAct.two.length))
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: actThree)), promise: nil)
            try handshakeComplete(remote: initiator.remoteStatic, cipher: cipher, context: context)
        case .responding(var responder):
            // Every act starts with version 0 (BOLT 8): anything else is not a peer; say so
            // now rather than wait for a whole act that will never decrypt.
            if let version = pending.first, version != 0 {
                throw UnknownHandshakeVersion(version: version)
            }
            guard let act = responder.expectedAct, pending.count >= act.length else { return }
            if act == .one {
                let actTwo = try responder.receiveActOne(takePending(act.length))
                state = .responding(responder)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: actTwo)), promise: nil)
                try advanceHandshake(context: context)
            } else {
                let (remote, cipher) = try responder.receiveActThree(takePending(act.length))
                try handshakeComplete(remote: remote, cipher: cipher, context: context)
            }
        case .open, .closing, .closed:
            return
        }
    }

    private func takePending(_ count: Int) -> [UInt8] {
        defer { pending.removeFirst(count) }
        return Array(pending[..<count])
    }

    private func handshakeComplete(remote: PublicKey, cipher: TransportCipher, context: ChannelHandlerContext) throws {
        handshakeTimer?.cancel()
        releaseHandshakeSlot()
        let leftover = pending
        pending = []
        state = .open(TransportFramer(cipher: cipher), remote: remote)
        registered = true
        let link = PeerLink(connectionID: connectionID, remote: remote, connection: NIOLoopBound(self, eventLoop: context.eventLoop))
        let address = context.channel.remoteAddress
        node.assumeIsolated { $0.peerConnected(link, address: address) }
        if !leftover.isEmpty { try receiveFrames(leftover) }
    }

    /// Decrypts what arrived and hands each completed message to the node, in order.
    private func receiveFrames(_ bytes: [UInt8]) throws {
        guard case .open(var framer, let remote) = state else { return }
        state = .closed  // the framer is uniquely held while it is mutated (no copy of its buffer)
        let messages = try framer.receive(bytes)
        state = .open(framer, remote: remote)
        try deliver(messages)
    }

    /// Hands each message to the node, in order; a message the node refuses ends the connection.
    private func deliver(_ messages: [[UInt8]]) throws {
        let connectionID = connectionID
        for bytes in messages {
            guard case .open = state else { return }
            let message = try WireMessage.decode(bytes)
            let keep = node.assumeIsolated { $0.peerMessage(message, connectionID: connectionID) }
            guard keep else {
                close(reason: "dropped by the node")
                return
            }
        }
    }

    // MARK: Sending (the node's side, on the loop)

    /// Encrypts and writes `message`; the flush comes at the end of the loop's turn, so the
    /// messages of one event (a `revoke_and_ack` and a `commitment_signed`) leave in one write.
    fileprivate func send(_ message: WireMessage) {
        guard case .open(var framer, let remote) = state, let context else { return }
        state = .closed
        do {
            let bytes = try framer.encrypt(try message.encode())
            state = .open(framer, remote: remote)
            context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        } catch {
            drop(context: context, reason: "cannot send \(message.name): \(error)")
            return
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            connection.value.flushScheduled = false
            connection.value.context?.flush()
        }
    }

    /// Closes once what was written is flushed (the peer reads an `error` we sent before it),
    /// or after `drainTimeout` if the peer does not read.
    fileprivate func close(reason: String) {
        guard let context, case .open = state else { return }
        if closeReason == nil { closeReason = reason }
        state = .closing
        let channel = context.channel
        // Writes complete in order: once this empty one has, everything before it is out.
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: Self.drainTimeout) { channel.close(promise: nil) }
    }

    /// How long a closing connection waits for its last writes to leave.
    static let drainTimeout: TimeAmount = .seconds(5)

    /// Closes at once: the peer broke the protocol.
    private func drop(context: ChannelHandlerContext, reason: String) {
        if closeReason == nil {
            closeReason = reason
            logger.warning("dropping peer connection", metadata: [
                "connection": "\(connectionID)", "address": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")", "reason": "\(reason)"])
        }
        state = .closed
        context.close(promise: nil)
    }

    // MARK: Connecting

    /// Connects to `host:port` on the node's loop and starts the handshake as the initiator;
    /// the node hears of the connection once the handshake is done (`peerConnected`) or failed
    /// (`dialFailed`).
    static func connect(to remote: PublicKey, host: String, port: Int, node: Node, logger: Logger) async throws {
        _ = try await ClientBootstrap(group: node.loop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try install(on: channel, role: .initiator(remote: remote), node: node, logger: logger) }
            }
            .connect(host: host, port: port)
            .get()
    }
}

/// The first byte of an act was not BOLT 8's version 0.
struct UnknownHandshakeVersion: Error, CustomStringConvertible {
    let version: UInt8
    var description: String { "not a BOLT 8 handshake (version byte \(version))" }
}

/// The node's handle on one live connection; used on the node's loop only.
struct PeerLink: Sendable {
    let connectionID: UInt64
    let remote: PublicKey
    fileprivate let connection: NIOLoopBound<PeerConnection>

    func send(_ message: WireMessage) { connection.value.send(message) }

    /// Closes the connection once what was sent is flushed.
    func close() { connection.value.close(reason: "closed by the node") }
}
