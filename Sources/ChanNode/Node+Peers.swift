import ChanAPI
import ChanCore
import ChanCrypto
import NIOCore

/// Connections: their registration, the BOLT 1 session of each, and where their messages go.
extension Node {
    func nextConnectionID() -> UInt64 { registry.nextConnectionID() }

    /// A connection finished its handshake: our `init` goes out first.
    func peerConnected(_ link: PeerLink, address: SocketAddress?) {
        let session = PeerSession(chainHash: chainHash)
        let outbound = pendingConnects.contains(link.remote)
        if let replaced = registry.add(link, session: session, address: address, outbound: outbound) {
            logger.info("peer reconnected; the older connection is closed", metadata: ["peer": "\(link.remote)"])
            replaced.link.close()
            channelsLostConnection(to: link.remote)
        }
        registry[link.remote]?.readyWaiters += connectWaiters.removeValue(forKey: link.remote) ?? []
        link.send(session.initMessage)
        logger.info("peer connected", metadata: ["peer": "\(link.remote)", "address": "\(address.map { "\($0)" } ?? "?")"])
        Task {
            try? await Task.sleep(nanoseconds: Node.initTimeout * 1_000_000_000)
            self.dropIfNotReady(link)
        }
    }

    /// Seconds a peer has after the handshake to send its `init`.
    static let initTimeout: UInt64 = 10

    /// A connection whose peer never sent `init` holds a slot for nothing: it is closed.
    private func dropIfNotReady(_ link: PeerLink) {
        guard let peer = registry[link.remote], peer.link.connectionID == link.connectionID, !peer.isReady else { return }
        logger.warning("dropping peer", metadata: ["peer": "\(link.remote)", "reason": "no init within \(Node.initTimeout) s"])
        link.close()
    }

    /// A message from a connection; false to drop the connection.
    func peerMessage(_ message: WireMessage, connectionID: UInt64) -> Bool {
        guard let remote = registry.peer(connection: connectionID), var peer = registry[remote] else { return false }
        let delivery = peer.session.receive(message, now: now)
        registry[remote] = peer
        switch delivery {
        case .reply(let reply):
            peer.link.send(reply)
        case .ready(let features):
            logger.info("peer ready", metadata: ["peer": "\(remote)", "features": "\(features.bits.sorted().prefix(32))"])
            for waiter in peer.readyWaiters { waiter.resume() }
            registry[remote]?.readyWaiters = []
            channelsRegainedConnection(to: remote)
            syncGossip(to: remote)
            publish(.peer(nodeId: remote.hex, connected: true))
        case .channel(let channelID, let message):
            channelMessage(message, channelID: channelID, from: remote)
        case .openChannel(let open):
            openChannelReceived(open, from: remote)
        case .failAllChannels(let error):
            logger.warning("peer failed every channel", metadata: ["peer": "\(remote)", "error": "\(error.printableData)"])
            failAllChannels(with: remote, error: error)
        case .warning(let warning):
            logger.warning("peer warning", metadata: ["peer": "\(remote)", "channel": "\(warning.channelID)", "warning": "\(warning.printableData)"])
        case .disconnect(let reason, let error):
            logger.warning("dropping peer", metadata: ["peer": "\(remote)", "reason": "\(reason)"])
            if let error { peer.link.send(error) }
            return false
        case .gossip(let message):
            gossipReceived(message, from: remote)
        case .ignore:
            break
        }
        return true
    }

    /// An outgoing connection failed before it was registered: whoever waits for it hears why.
    func dialFailed(_ remote: PublicKey, reason: String) {
        for waiter in connectWaiters.removeValue(forKey: remote) ?? [] {
            waiter.resume(throwing: APIError(code: "peer_unreachable", message: reason))
        }
    }

    func peerDisconnected(connectionID: UInt64) {
        guard let peer = registry.remove(connection: connectionID) else { return }
        logger.info("peer disconnected", metadata: ["peer": "\(peer.link.remote)"])
        for waiter in peer.readyWaiters { waiter.resume(throwing: APIError(code: "peer_unreachable", message: "the connection to \(peer.link.remote) closed")) }
        channelsLostConnection(to: peer.link.remote)
        // Our announcement signatures go out again on the next connection (BOLT 7).
        announcementSignaturesSent = announcementSignaturesSent.filter { channels[$0]?.peerID != peer.link.remote }
        publish(.peer(nodeId: peer.link.remote.hex, connected: false))
    }

    /// Sends `message` to `peer` if it is connected and ready (messages to an absent peer are
    /// lost, as on a dropped connection: the channel retransmits on reconnection).
    func sendNow(_ message: WireMessage, to peer: PublicKey) {
        guard let connected = registry[peer], connected.isReady else { return }
        connected.link.send(message)
    }

    func isReady(_ peer: PublicKey) -> Bool { registry[peer]?.isReady ?? false }

    // MARK: Commands

    /// Connects to `nodeID` at `host:port` (if not connected already) and returns once the
    /// `init` exchange is done.
    func connect(_ params: ConnectParams) async throws -> PeerJSON {
        let remote: PublicKey
        do { remote = try PublicKey(hex: params.nodeId) } catch { throw APIError(code: "invalid_node_id", message: "'\(params.nodeId)' is not a node id (33-byte hex public key)") }
        guard remote != nodeID else { throw APIError(code: "invalid_peer", message: "a node cannot connect to itself") }
        if registry[remote]?.isReady != true {
            try await dial(remote, host: params.host, port: Int(params.port))
        }
        guard let json = peerJSON(remote) else { throw APIError(code: "peer_unreachable", message: "\(remote) disconnected") }
        return json
    }

    /// Opens a connection to `remote` and waits until it is ready (or fails).
    func dial(_ remote: PublicKey, host: String, port: Int) async throws {
        pendingConnects.insert(remote)
        defer { pendingConnects.remove(remote) }
        do {
            try await PeerConnection.connect(to: remote, host: host, port: port, node: self, logger: logger)
        } catch {
            throw APIError(code: "peer_unreachable", message: "cannot connect to \(host):\(port): \(error)")
        }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            if var peer = registry[remote] {
                if peer.isReady { return waiter.resume() }
                peer.readyWaiters.append(waiter)
                registry[remote] = peer
            } else {
                connectWaiters[remote, default: []].append(waiter)
            }
        }
        // Where to reconnect to: any peer we dialed, whether by `connect` or by `open`.
        try? local.store.rememberPeer(remote, host: host, port: UInt16(clamping: port))
    }

    func disconnect(_ params: PeerParams) throws -> DisconnectResult {
        let remote = try parsePeer(params.nodeId)
        guard let peer = registry[remote] else { throw APIError(code: "peer_not_connected", message: "\(remote.hex) is not connected") }
        peer.link.close()
        return DisconnectResult(nodeId: remote.hex, disconnected: true)
    }

    func peersResult() -> PeersResult {
        PeersResult(peers: registry.peers.keys.sorted { $0.hex < $1.hex }.compactMap(peerJSON))
    }

    func peerJSON(_ remote: PublicKey) -> PeerJSON? {
        guard let peer = registry[remote] else { return nil }
        let features: [Int] = if case .active(let remoteFeatures) = peer.session.state { remoteFeatures.bits.sorted() } else { [] }
        let address = peer.address.flatMap { address -> String? in
            guard let ip = address.ipAddress, let port = address.port else { return nil }
            return "\(ip):\(port)"
        }
        return PeerJSON(nodeId: remote.hex, address: address, direction: peer.outbound ? "outbound" : "inbound",
                        ready: peer.isReady, features: features, channels: channelCount(with: remote))
    }

    func parsePeer(_ text: String) throws -> PublicKey {
        do { return try PublicKey(hex: text) } catch { throw APIError(code: "invalid_node_id", message: "'\(text)' is not a node id (33-byte hex public key)") }
    }
}

extension DiagnosticMessage {
    /// The message's text with anything unprintable replaced and at most 200 characters, for
    /// logs (a peer must not fill our log with one message).
    var printableData: String {
        let text = String(decoding: data.prefix(200).map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        return data.count > 200 ? text + "..." : text
    }
}
