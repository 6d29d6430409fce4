import ArgumentParser
import ChanCore
import ChanSim
import ChanLedger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chan sim`: simulations that run the protocol code in memory, without a home or a node.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulate channels in memory, checking invariants as they run.",
        subcommands: [SimPairCommand.self, SimNetworkCommand.self]
    )
}

/// `chan sim pair`: one channel between two in-memory parties on an in-memory ledger.
struct SimPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Run a random channel between two parties and check its invariants.",
        discussion: """
            Opens a channel of a shape drawn from the seed, performs random operations (HTLCs \
            of every size both ways, fulfils, fails, fee updates, signatures, blocks) while \
            messages are delivered in a random interleaving and the connection drops at random, \
            then closes it (mutually, by force, or by a breach the honest side punishes) and \
            checks that every satoshi is accounted for. The same seed always gives the same run. \
            On a terminal, progress is shown on stderr. Ctrl-C stops the operations, closes the \
            channel and prints the summary so far with "interrupted": true (exit status 130). \
            Exits 1 if any invariant was violated or the ledger audit failed.

            Example: chan sim pair --seed 1 --ops 2000 --disconnect-rate 0.05
            """
    )

    @Option(help: "The seed that decides the whole run (0 to 2^53-1 = \(PairSimulationOptions.maximumSeed)).")
    var seed: UInt64

    @Option(name: .customLong("ops"), help: "The number of random operations (at most \(PairSimulationOptions.maximumOperations)).")
    var operations: Int

    @Option(help: """
        The chance R (0 <= R < 1) that the connection drops at each step (an operation or a \
        message delivered). Drops go on during the first \(PairSimulationOptions.closingStepsWithDisconnects) \
        steps of the closing negotiation; then the connection stays up, so the close completes \
        at any rate.
        """)
    var disconnectRate: Double = 0

    @Flag(help: "End with a force close by a random side instead of a mutual close.")
    var forceClose = false

    @Flag(help: "End with a random side broadcasting one of its revoked commitments (the channel and operations stay those of the seed).")
    var breach = false

    @Option(help: "Print the last N events of the run on stderr (to explain a violation).")
    var trace = 0

    @OptionGroup var display: HumanFlag

    func validate() throws {
        guard trace >= 0 else { throw ValidationError("--trace must not be negative") }
        guard seed <= PairSimulationOptions.maximumSeed else {
            throw ValidationError("--seed must be at most 2^53-1 = \(PairSimulationOptions.maximumSeed) (larger integers are not exact in JSON)")
        }
        guard (0...PairSimulationOptions.maximumOperations).contains(operations) else {
            throw ValidationError("--ops must be between 0 and \(PairSimulationOptions.maximumOperations)")
        }
        guard disconnectRate >= 0, disconnectRate < 1 else {
            throw ValidationError("--disconnect-rate must be at least 0 and below 1 (at 1 the connection never carries a message)")
        }
    }

    func run() throws {
        SimInterrupt.install()
        var progress = SimProgress(total: operations)
        let report = PairSimulation.run(PairSimulationOptions(
            seed: seed, operations: operations, disconnectRate: disconnectRate, forceClose: forceClose, breach: breach,
            traceLength: trace)) { done in
            progress.note(done: done)
            return !SimInterrupt.requested
        }
        progress.finish()
        let result = SimPairResult(report)
        if display.human {
            Output.write(to: STDOUT_FILENO, Array((result.humanTable + "\n").utf8))
        } else {
            try Output.json(result)
        }
        if !report.trace.isEmpty { Output.write(to: STDERR_FILENO, Array((report.trace.joined(separator: "\n") + "\n").utf8)) }
        guard report.passed else {
            let reason = report.violations.isEmpty ? "the ledger audit failed" : "\(report.violations.count) invariant violations"
            Output.error(code: "simulation_failed", message: reason)
            throw ExitCode(1)
        }
        // 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
        if report.interrupted { throw ExitCode(130) }
    }
}
