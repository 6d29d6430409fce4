import ChanCore
import ChanLedger

/// A random run of a network: a network of the options' size and topology with channel sizes,
/// feerates and policies drawn from the seed, `operations` random operations (payments direct,
/// two-hop and multi-part, signatures, fee updates, blocks) with messages delivered one at a
/// time on a random link (each link in order), links dropping and nodes restarting from their
/// persisted records at random, then everything settled, checked, closed and audited. The seed
/// alone decides everything, or a script of bytes (a fuzzer's input) decides the draws (the
/// seed still makes the nodes' keys).
public enum NetworkSimulation {
    public static func run(_ options: NetworkSimulationOptions, script: [UInt8]? = nil,
                           shouldContinue: ((Int) -> Bool)? = nil) -> NetworkSimulationReport {
        var random = script.map(SimulationRandom.init(script:)) ?? SimulationRandom(seed: options.seed)
        let configuration = NetworkConfiguration.random(keySeed: options.seed, nodeCount: options.nodeCount,
                                                        topology: options.topology, using: &random)
        var harness: NetworkHarness
        do {
            harness = try NetworkHarness(configuration: configuration)
        } catch {
            var violations = ViolationLog()
            violations.record(error.message)
            return NetworkSimulationReport(options: options, configuration: configuration, statistics: NetworkStatistics(),
                                           payments: NetworkPaymentBook(), violations: violations, audit: nil, finalStates: nil,
                                           trace: [], interrupted: false)
        }
        if options.traceLength > 0 { harness.trace = SimulationTrace(isEnabled: true, capacity: options.traceLength) }
        var driver = Driver(harness: harness, random: random, options: options)
        let interrupted = !driver.runOperations(shouldContinue: shouldContinue)
        harness = driver.harness
        harness.trace.record("operations done")
        harness.finish()
        return NetworkSimulationReport(
            options: options, configuration: configuration, statistics: harness.statistics, payments: harness.payments,
            violations: harness.violations, audit: harness.lastAudit,
            finalStates: harness.edges.map { edge in [edge.ends.opener, edge.ends.acceptor].compactMap { harness.channel($0, edge.index)?.phase } },
            trace: harness.trace.lines, interrupted: interrupted)
    }

    /// The random policy around a harness: what happens next, which link delivers, which link
    /// drops and which node restarts.
    struct Driver {
        var harness: NetworkHarness
        var random: SimulationRandom
        let options: NetworkSimulationOptions

        /// One step of the world: dropped links whose time is up come back; maybe a link drops.
        mutating func stepLinks() {
            for edge in harness.edges.indices where !harness.edges[edge].link.isUp {
                let due = harness.edges[edge].reconnectIn ?? 0
                if due == 0 { harness.reconnect(edge) } else { harness.edges[edge].reconnectIn = due - 1 }
            }
            if random.chance(options.disconnectRate) {
                let edge = random.int(in: 0...harness.edges.count - 1)
                harness.disconnect(edge)
                harness.edges[edge].reconnectIn = random.int(in: 0...3)
            }
        }

        /// Delivers a random number of messages, one at a time on a random link.
        mutating func deliverSome() {
            while harness.messagesInFlight > 0, random.chance(0.6) || harness.messagesInFlight > 24 {
                stepLinks()
                guard let (edge, side) = random.element(of: harness.deliverable) else { return }
                harness.deliverNext(on: edge, to: side)
            }
        }

        /// False if `shouldContinue` stopped the operations early.
        mutating func runOperations(shouldContinue: ((Int) -> Bool)?) -> Bool {
            for done in 0..<options.operations {
                if let shouldContinue, !shouldContinue(done) { return false }
                stepLinks()
                if random.chance(options.restartRate) {
                    let node = random.int(in: 0...harness.nodes.count - 1)
                    harness.restart(node)
                    for edge in harness.edges(of: node) { harness.edges[edge].reconnectIn = random.int(in: 0...3) }
                }
                harness.perform(NetworkOperation.random(in: harness, using: &random))
                deliverSome()
                if random.chance(options.settleChance), harness.settleAll() { harness.checkSynced() }
            }
            return true
        }
    }
}

extension NetworkHarness {
    /// The end of a run: settled and checked, then every channel closed mutually, the closes
    /// mined, and the ledger audited.
    public mutating func finish() {
        if settleAll() { checkSynced() }
        closeAll()
        auditLedger()
    }

    /// Every channel's opener asks to close; the closes are negotiated, broadcast and mined.
    /// Channels not closed after that are a violation.
    @discardableResult
    public mutating func closeAll(maxBlocks: Int = 20) -> Bool {
        for edge in edges.indices {
            reconnect(edge)
            closeRequested.insert(edge)
            command(edges[edge].ends.opener, edge, .close)
        }
        for _ in 0..<1000 {
            deliverAll()
            if !signAll(), messagesInFlight == 0 { break }
        }
        for _ in 0..<maxBlocks {
            if nodes.allSatisfy({ $0.channels.values.allSatisfy { $0.phase == .closed } }) { break }
            mine()
            deliverAll()
        }
        let open = nodes.indices.flatMap { node in
            nodes[node].channels.filter { $0.value.phase != .closed }.map { "node \(node) channel \($0.key) \($0.value.phase.rawValue)" }
        }
        guard open.isEmpty else {
            violations.record("not closed after \(maxBlocks) blocks: \(open.prefix(4).joined(separator: ", "))")
            return false
        }
        statistics.mutualCloses = edges.count
        return true
    }
}
