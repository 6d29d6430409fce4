import ChanCore
import ChanCrypto
import ChanLedger

/// K nodes with a channel per edge of a topology, in memory over one real
/// `Ledger<InMemoryLedgerStore>`. Each node composes ChanCore's pieces as the daemon does:
/// `IncomingHTLCPolicy` decides what an incoming HTLC is, `HTLCForwarder` forwards it,
/// `IncomingPaymentSet` collects multi-part payments, `PaymentAttempt` builds Sphinx onions
/// along routes the harness picks on the topology, and every channel's `persist` writes a
/// `ChannelRecord` that a restart reads back. The harness carries out all effects (messages
/// through one `MessageLink` per channel, broadcasts to the ledger) and records every payment's
/// fate in a `NetworkPaymentBook`; violations are collected, never thrown.
///
/// Deterministic: it draws no random numbers itself (the driver chooses), and its clock moves
/// one second per operation.
public struct NetworkHarness {
    /// The payee's `min_final_cltv_expiry`, and the margin a payer adds for blocks found meanwhile.
    static let minFinalCLTVExpiry: UInt32 = 18
    static let finalExpiryMargin: UInt32 = 3

    public let configuration: NetworkConfiguration
    public internal(set) var nodes: [NetworkNode]
    public internal(set) var edges: [NetworkEdge]
    public internal(set) var ledger: Ledger<InMemoryLedgerStore>
    public internal(set) var payments = NetworkPaymentBook()
    public internal(set) var statistics = NetworkStatistics()
    public internal(set) var violations = ViolationLog()
    public internal(set) var clock: SimulatedClock
    public var trace = SimulationTrace()
    /// Each node's off-chain balance right after the open (msat).
    public internal(set) var openingBalances: [UInt64] = []
    /// Serial of the next preimage and onion session key.
    var serial: UInt64 = 0
    /// Sides that asked to close: any other close, and any force close, is a violation.
    var closeRequested: Set<Int> = []
    var ledgerChanges = 0
    var auditedLedgerChanges = -1
    public internal(set) var lastAudit: AuditReport?

    public var height: UInt32 { (try? ledger.tip().height) ?? 0 }

    public func channel(_ node: Int, _ edge: Int) -> Channel? { nodes[node].channels[edge] }

    /// The edges `node` is an end of.
    public func edges(of node: Int) -> [Int] { edges.indices.filter { edges[$0].ends.contains(node) } }

    /// The edge between `a` and `b`, if any.
    public func edge(between a: Int, _ b: Int) -> Int? {
        edges.firstIndex { $0.ends.contains(a) && $0.ends.contains(b) && a != b }
    }

    // MARK: Commands and events

    /// Gives `command` to `node`'s channel on `edge` and carries out its effects; a refusal
    /// (the channel throws and changes nothing) is counted and rethrown.
    mutating func execute(_ node: Int, _ edge: Int, _ command: ChannelCommand) throws(ChannelError) {
        guard var channel = nodes[node].channels[edge] else { throw .invalidState("no channel") }
        let effects: [ChannelEffect]
        do {
            effects = try channel.handle(.command(command), now: clock.now)
        } catch {
            statistics.commandsRefused += 1
            trace.record("node \(node) edge \(edge) refused \(command.simulationName): \(error.message)")
            throw error
        }
        nodes[node].channels[edge] = channel
        trace.record("node \(node) edge \(edge) \(command.simulationName)")
        perform(effects, node: node, edge: edge)
    }

    @discardableResult
    mutating func command(_ node: Int, _ edge: Int, _ command: ChannelCommand) -> Bool {
        do {
            try execute(node, edge, command)
            return true
        } catch {
            return false
        }
    }

    /// Gives a non-command event to `node`'s channel on `edge`; those never throw (a throw is a violation).
    mutating func event(_ node: Int, _ edge: Int, _ event: ChannelEvent) {
        guard var channel = nodes[node].channels[edge] else { return }
        do {
            let effects = try channel.handle(event, now: clock.now)
            nodes[node].channels[edge] = channel
            perform(effects, node: node, edge: edge)
        } catch {
            nodes[node].channels[edge] = channel
            violations.record("node \(node) edge \(edge) threw on \(event.simulationName): \(error.message)")
        }
    }

    /// Carries out the effects of `node`'s channel on `edge`, in the daemon's order
    /// (`ChannelDriver.perform`): the outcomes of our HTLCs first (a payment's, a forward's),
    /// then every effect in order, then the decisions on newly committed incoming HTLCs, then
    /// what the forwards owe upstream.
    mutating func perform(_ effects: [ChannelEffect], node: Int, edge: Int) {
        var upstream: [NetworkHTLCRef] = []
        for case .htlc(let resolution) in effects {
            if let incoming = recordOutcome(resolution, node: node, edge: edge) { upstream.append(incoming) }
        }
        var incoming: [(CommitmentHTLC, OnionRoutingPacket)] = []
        let side = edges[edge].ends.side(of: node)!
        for effect in effects {
            switch effect {
            case .send(let message):
                noteSent(message, by: node, edge: edge)
                edges[edge].link.send(overTheWire(message, from: node), to: side.other)
            case .persist(let revoked):
                if let revoked { nodes[node].revocationLogs[edge, default: [:]][revoked.txid] = revoked.number }
                persist(node, edge)
            case .broadcast(let transaction):
                broadcast(transaction)
            case .fundingNeeded:
                violations.record("node \(node) edge \(edge) asked for a funding transaction after the open")
            case .htlc(let resolution):
                if case .incomingCommitted(let htlc, let onion) = resolution { incoming.append((htlc, onion)) }
            case .phaseChanged(let change):
                trace.record("node \(node) edge \(edge): \(change.old.rawValue) -> \(change.new.rawValue) (\(change.cause))")
                notePhase(change, node: node, edge: edge)
            case .disconnect:
                disconnect(edge)
            }
        }
        for (htlc, onion) in incoming { settleIncoming(htlc, onion: onion, node: node, edge: edge) }
        for ref in upstream { carryOutForward(node: node, incoming: ref) }
    }

    /// The channel's record is written and read back, and the channel goes on from what was
    /// read (so a field the record loses shows at once); the record is what a restart reads.
    private mutating func persist(_ node: Int, _ edge: Int) {
        guard let channel = nodes[node].channels[edge] else { return }
        do {
            let record = try ChannelRecord.encode(channel)
            let restored = try ChannelRecord.decode(record, nodeKeys: nodes[node].keys)
            if restored != channel { violations.record("node \(node)'s channel \(edge) record does not read back as the channel") }
            nodes[node].channels[edge] = restored
            nodes[node].records[edge] = record
        } catch {
            violations.record("node \(node)'s channel \(edge) record failed: \(error.message)")
        }
    }

    private mutating func overTheWire(_ message: WireMessage, from node: Int) -> WireMessage {
        do {
            let decoded = try WireMessage.decode(try message.encode())
            if decoded != message { violations.record("node \(node)'s \(message.name) changed through the wire codec") }
            return decoded
        } catch {
            violations.record("node \(node)'s \(message.name) does not go through the wire codec: \(error)")
            return message
        }
    }

    /// Honest peers never warn each other nor fail a channel.
    private mutating func noteSent(_ message: WireMessage, by node: Int, edge: Int) {
        switch message {
        case .warning(let warning):
            violations.record("node \(node) edge \(edge) sent a warning: \(String(decoding: warning.data, as: UTF8.self))")
        case .error(let error):
            violations.record("node \(node) edge \(edge) sent an error: \(String(decoding: error.data, as: UTF8.self))")
        default:
            break
        }
    }

    /// Nobody forces a close in a network run, and a channel closes only by a close one of its
    /// ends asked for: anything else means a channel found fault with an honest peer.
    private mutating func notePhase(_ change: StateChange, node: Int, edge: Int) {
        switch change.new {
        case .forceClosing:
            violations.record("node \(node) force closed channel \(edge): \(change.cause)")
        case .shuttingDown, .closing, .closed:
            if !closeRequested.contains(edge) { violations.record("node \(node)'s channel \(edge) closed unasked: \(change.cause)") }
        case .opening, .awaitingFunding, .normal:
            break
        }
    }

    // MARK: Links

    /// Delivers the next message in flight on `edge` to the node at `side`; false if there is none.
    @discardableResult
    public mutating func deliverNext(on edge: Int, to side: PairSide) -> Bool {
        guard let message = edges[edge].link.receive(at: side) else { return false }
        let node = edges[edge].ends.node(at: side)
        statistics.messagesDelivered += 1
        trace.record("node \(node) edge \(edge) <- \(message.simulationDescription)")
        let before = nodes[node].channels[edge]?.commitments?.local.number
        let queuedBack = edges[edge].link.inFlight(to: side.other)
        event(node, edge, .message(message))
        if case .commitmentSigned = message, nodes[node].channels[edge]?.commitments?.local.number != before {
            statistics.commitmentsExchanged += 1
        }
        if case .channelReestablish = message {
            // Whatever the reestablish made the receiver send back is what the peer missed.
            if edges[edge].link.inFlight(to: side.other) > queuedBack { statistics.retransmissions += 1 }
            carryOutDecisions(node: node, edge: edge, decideTheRest: true)
        }
        checkCommitCycleIfQuiescent(edge)
        return true
    }

    /// The links with a message in flight, as (edge, receiving side).
    public var deliverable: [(edge: Int, side: PairSide)] {
        edges.indices.flatMap { edge in
            PairSide.allCases.filter { edges[edge].link.inFlight(to: $0) > 0 }.map { (edge, $0) }
        }
    }

    public var messagesInFlight: Int { edges.reduce(0) { $0 + $1.link.inFlightCount } }

    /// The link of `edge` drops: both directions lose what is in flight, both channels learn it.
    public mutating func disconnect(_ edge: Int) {
        guard edges[edge].link.isUp else { return }
        statistics.disconnects += 1
        statistics.messagesDropped += edges[edge].link.drop()
        trace.record("edge \(edge) disconnected")
        for node in [edges[edge].ends.opener, edges[edge].ends.acceptor] { event(node, edge, .disconnected) }
    }

    /// The link of `edge` is back: each channel sends `channel_reestablish`.
    public mutating func reconnect(_ edge: Int) {
        guard !edges[edge].link.isUp else { return }
        statistics.reconnects += 1
        edges[edge].link.restore()
        edges[edge].reconnectIn = nil
        trace.record("edge \(edge) reconnected")
        for node in [edges[edge].ends.opener, edges[edge].ends.acceptor] { event(node, edge, .reconnected) }
    }
}
