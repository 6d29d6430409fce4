import ArgumentParser
import ChanCore
import ChanSim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NetworkTopology: ExpressibleByArgument {}

/// `chan sim network`: K nodes with a channel per edge of a topology, in memory, paying each
/// other while links drop and nodes restart from their persisted channel records.
struct SimNetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Run a random network of nodes with restarts and check that no payment is lost.",
        discussion: """
            Opens a channel per edge of the topology (line: 0-1-2..; triangle: the line plus \
            the chord 0-2; ring: the line closed by a channel from the last node to node 0) with \
            sizes, feerates and forwarding fees drawn from the seed, then performs random \
            operations: payments direct, through one forwarding node and in two parts over two \
            routes (real Sphinx onions, forwarding and multi-part rules), signatures, update_fee \
            and blocks, while messages are delivered one at a time on a random link, links drop \
            (channel_reestablish, retransmissions) and nodes crash and restart from their last \
            persisted channel records (what was not persisted is lost). At the end the network \
            is settled and checked, every channel closed, and the ledger audited. Fails (exit 1) \
            if a payment is lost or settled twice, a payer, payee or forwarder holds other than \
            what the payments that ended say, the two ends of a channel disagree, a channel \
            closes or force closes on its own, or the ledger audit fails. The same seed always \
            gives the same run. Ctrl-C stops the operations, settles and closes, and prints the \
            summary so far with "interrupted": true (exit status 130).

            Example: chan sim network --seed 1 --ops 2000 --nodes 4 --topology ring --restart-rate 0.01
            """
    )

    @Option(help: "The seed that decides the whole run (0 to 2^53-1 = \(PairSimulationOptions.maximumSeed)).")
    var seed: UInt64

    @Option(name: .customLong("ops"), help: "The number of random operations (at most \(PairSimulationOptions.maximumOperations)).")
    var operations: Int

    @Option(name: .customLong("nodes"), help: "The number of nodes, \(NetworkConfiguration.nodeCounts.lowerBound) to \(NetworkConfiguration.nodeCounts.upperBound).")
    var nodeCount = 3

    @Option(help: "Which nodes have channels: line, triangle or ring.")
    var topology: NetworkTopology = .triangle

    @Option(help: "The chance R (0 <= R < 1) at each operation that a random node crashes and restarts from its persisted records.")
    var restartRate = 0.005

    @Option(help: "The chance R (0 <= R < 1) at each step (an operation or a message delivered) that a random link drops.")
    var disconnectRate = 0.01

    @Option(help: "Print the last N events of the run on stderr (to explain a violation).")
    var trace = 0

    func validate() throws {
        guard trace >= 0 else { throw ValidationError("--trace must not be negative") }
        guard seed <= PairSimulationOptions.maximumSeed else {
            throw ValidationError("--seed must be at most 2^53-1 = \(PairSimulationOptions.maximumSeed) (larger integers are not exact in JSON)")
        }
        guard (0...PairSimulationOptions.maximumOperations).contains(operations) else {
            throw ValidationError("--ops must be between 0 and \(PairSimulationOptions.maximumOperations)")
        }
        guard NetworkConfiguration.nodeCounts.contains(nodeCount) else {
            throw ValidationError("--nodes must be between \(NetworkConfiguration.nodeCounts.lowerBound) and \(NetworkConfiguration.nodeCounts.upperBound)")
        }
        guard restartRate >= 0, restartRate < 1 else { throw ValidationError("--restart-rate must be at least 0 and below 1") }
        guard disconnectRate >= 0, disconnectRate < 1 else { throw ValidationError("--disconnect-rate must be at least 0 and below 1") }
    }

    func run() throws {
        SimInterrupt.install()
        var progress = SimProgress(total: operations)
        let report = NetworkSimulation.run(NetworkSimulationOptions(
            seed: seed, operations: operations, nodeCount: nodeCount, topology: topology, disconnectRate: disconnectRate,
            restartRate: restartRate, traceLength: trace), shouldContinue: { done in
            progress.note(done: done)
            return !SimInterrupt.requested
        })
        progress.finish()
        try Output.json(SimNetworkResult(report))
        if !report.trace.isEmpty { Output.write(to: STDERR_FILENO, Array((report.trace.joined(separator: "\n") + "\n").utf8)) }
        guard report.passed else {
            let reason = report.violations.messages.first.map { "\(report.violations.count) invariant violations, the first: \($0)" }
                ?? "the ledger audit failed"
            Output.error(code: "simulation_failed", message: reason)
            throw ExitCode(1)
        }
        if report.interrupted { throw ExitCode(130) }
    }
}
