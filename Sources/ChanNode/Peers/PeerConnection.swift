import ChanCore
import ChanCrypto
import Logging
import NIOCore
import NIOPosix

/// One TCP connection to a peer, from the BOLT 8 handshake to its close. Bytes become messages
/// here and nowhere else: the reader decrypts frames and decodes them in order, handing each to
/// the node; a writer drains the node's outbound queue, encoding and encrypting. A peer that
/// fails the handshake, sends a frame that does not authenticate, or a message that does not
/// decode is dropped; nothing it sent can reach the node's state first.
enum PeerConnection {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// How long a handshake may take before the connection is dropped.
    static let handshakeTimeout: TimeAmount = .seconds(10)

    /// Which side of the handshake we are.
    enum Role: Sendable {
        case initiator(remote: PublicKey)
        case responder
    }

    /// Runs the connection until it closes.
    static func run(_ channel: Channel, role: Role, node: Node, logger: Logger) async {
        let localKey = node.local.keys.nodeKey
        let connectionID = await node.nextConnectionID()
        var registered = false
        do {
            try await channel.executeThenClose { inbound, outbound in
                var reader = ByteStream(inbound.makeAsyncIterator())
                // A peer that stalls the handshake is dropped: closing ends the reads below.
                let timer = channel.channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.channel.close(promise: nil) }
                let (remote, cipher) = try await handshake(role: role, localKey: localKey, reader: &reader, outbound: outbound)
                timer.cancel()
                var framer = TransportFramer(cipher: cipher)
                // The writer keeps its own copy: it uses only the sending half, the reader the other.
                let sending = framer
                let (queue, continuation) = AsyncStream<WireMessage>.makeStream()
                let link = PeerLink(connectionID: connectionID, remote: remote, outbound: continuation,
                                    close: { channel.channel.close(promise: nil) })
                await node.peerConnected(link, address: channel.channel.remoteAddress)
                registered = true
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        var sender = sending
                        for await message in queue {
                            let bytes = try sender.encrypt(try message.encode())
                            try await outbound.write(ByteBuffer(bytes: bytes))
                        }
                    }
                    defer { continuation.finish() }
                    for bytes in try framer.receive(reader.takePending()) { try await deliver(bytes, connectionID: connectionID, remote: remote, node: node) }
                    while let chunk = try await reader.next() {
                        for bytes in try framer.receive(chunk) {
                            try await deliver(bytes, connectionID: connectionID, remote: remote, node: node)
                        }
                    }
                }
            }
        } catch {
            logger.info("peer connection closed", metadata: ["connection": "\(connectionID)", "reason": "\(error)"])
            if !registered, case .initiator(let remote) = role {
                await node.dialFailed(remote, reason: "the handshake with \(remote) failed: \(error)")
            }
        }
        await node.peerDisconnected(connectionID: connectionID)
    }

    private static func deliver(_ bytes: [UInt8], connectionID: UInt64, remote: PublicKey, node: Node) async throws {
        let message = try WireMessage.decode(bytes)
        guard await node.peerMessage(message, connectionID: connectionID) else { throw Dropped() }
    }

    struct Dropped: Error {}

    private static func handshake(role: Role, localKey: PrivateKey, reader: inout ByteStream,
                                  outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> (PublicKey, TransportCipher) {
        let ephemeral = try PrivateKey.random()
        switch role {
        case .initiator(let remote):
            var (initiator, actOne) = try NoiseInitiator.start(localStatic: localKey, remoteStatic: remote, ephemeral: ephemeral)
            try await outbound.write(ByteBuffer(bytes: actOne))
            let (actThree, cipher) = try initiator.receiveActTwo(try await reader.read(exactly: HandshakeAct.two.length))
            try await outbound.write(ByteBuffer(bytes: actThree))
            return (remote, cipher)
        case .responder:
            var responder = NoiseResponder(localStatic: localKey, ephemeral: ephemeral)
            let actTwo = try responder.receiveActOne(try await reader.read(exactly: HandshakeAct.one.length))
            try await outbound.write(ByteBuffer(bytes: actTwo))
            let (remote, cipher) = try responder.receiveActThree(try await reader.read(exactly: HandshakeAct.three.length))
            return (remote, cipher)
        }
    }

    /// Connects to `host:port` and runs the connection as the initiator.
    static func connect(to remote: PublicKey, host: String, port: Int, group: any EventLoopGroup) async throws -> Channel {
        try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try Channel(wrappingChannelSynchronously: channel) }
            }
    }
}

/// The node's handle on one live connection.
struct PeerLink: Sendable {
    let connectionID: UInt64
    let remote: PublicKey
    let outbound: AsyncStream<WireMessage>.Continuation
    let close: @Sendable () -> Void

    func send(_ message: WireMessage) { outbound.yield(message) }
}

/// Reads a TCP byte stream in exact amounts (the handshake) and then in whatever chunks arrive.
struct ByteStream {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    struct EndOfStream: Error {}

    mutating func read(exactly count: Int) async throws -> [UInt8] {
        while pending.count < count {
            guard let chunk = try await iterator.next() else { throw EndOfStream() }
            pending += Array(buffer: chunk)
        }
        let bytes = Array(pending[..<count])
        pending.removeFirst(count)
        return bytes
    }

    /// What arrived beyond the last exact read (bytes that followed the handshake's last act).
    mutating func takePending() -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    mutating func next() async throws -> [UInt8]? {
        guard let chunk = try await iterator.next() else { return nil }
        return Array(buffer: chunk)
    }
}
