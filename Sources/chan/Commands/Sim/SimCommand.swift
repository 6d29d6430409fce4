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
        subcommands: [SimPairCommand.self]
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
            Exits 1 if any invariant was violated or the ledger audit failed.
            """
    )

    @Option(help: "The seed that decides the whole run.")
    var seed: UInt64

    @Option(name: .customLong("ops"), help: "The number of random operations.")
    var operations: Int

    @Option(help: "The chance (0...1) that the connection drops at each step (an operation or a message delivered).")
    var disconnectRate: Double = 0

    @Flag(help: "End with a force close by a random side instead of a mutual close.")
    var forceClose = false

    @Flag(help: "End with a random side broadcasting one of its revoked commitments.")
    var breach = false

    @Option(help: "Print the last N events of the run on stderr (to explain a violation).")
    var trace = 0

    func validate() throws {
        guard trace >= 0 else { throw ValidationError("--trace must not be negative") }
        guard operations >= 0 else { throw ValidationError("--ops must not be negative") }
        guard (0...1).contains(disconnectRate) else { throw ValidationError("--disconnect-rate must be between 0 and 1") }
    }

    func run() throws {
        let report = PairSimulation.run(PairSimulationOptions(
            seed: seed, operations: operations, disconnectRate: disconnectRate, forceClose: forceClose, breach: breach,
            traceLength: trace)) { [operations] done in Progress.note("\(done) of \(operations) operations") }
        try Output.json(SimPairResult(report))
        if !report.trace.isEmpty { Output.write(to: STDERR_FILENO, Array((report.trace.joined(separator: "\n") + "\n").utf8)) }
        guard report.passed else {
            let reason = report.violations.isEmpty ? "the ledger audit failed" : "\(report.violations.count) invariant violations"
            Output.error(code: "simulation_failed", message: reason)
            throw ExitCode(1)
        }
    }
}

/// The JSON summary of `chan sim pair`.
struct SimPairResult: Encodable {
    struct FinalState: Encodable {
        let alice: String
        let bob: String
    }

    struct ChannelShape: Encodable {
        let capacitySat: UInt64
        let pushMsat: UInt64
        let feeratePerKw: UInt32
        let cheater: String?
    }

    struct Funds: Encodable {
        let aliceSat: UInt64
        let bobSat: UInt64
        let feesSat: UInt64
        let unclaimedSat: UInt64
    }

    let seed: UInt64
    let operations: Int
    let htlcsAdded: Int
    let htlcsSettled: Int
    let htlcsFailed: Int
    let commandsRefused: Int
    let commitmentsExchanged: Int
    let htlcSignaturesExchanged: Int
    let disconnects: Int
    let messagesDelivered: Int
    let messagesDropped: Int
    let blocksMined: Int
    let invariantChecks: Int
    let penalties: Int
    let forceClosed: Bool
    let ending: String
    let channel: ChannelShape?
    let finalState: FinalState?
    let funds: Funds?
    let invariantViolations: Int
    let violations: [String]
    let audit: AuditReportJSON?

    init(_ report: PairSimulationReport) {
        let statistics = report.statistics
        seed = report.options.seed
        operations = statistics.operations
        htlcsAdded = statistics.htlcsAdded
        htlcsSettled = statistics.htlcsSettled
        htlcsFailed = statistics.htlcsFailed
        commandsRefused = statistics.commandsRefused
        commitmentsExchanged = statistics.commitmentsExchanged
        htlcSignaturesExchanged = statistics.htlcSignaturesExchanged
        disconnects = statistics.disconnects
        messagesDelivered = statistics.messagesDelivered
        messagesDropped = statistics.messagesDropped
        blocksMined = statistics.blocksMined
        invariantChecks = statistics.invariantChecks
        penalties = statistics.penalties
        forceClosed = report.forceClosed
        ending = switch report.ending {
        case .mutualClose: "mutual_close"
        case .forceClose(let side): "force_close_by_\(side)"
        case .breach(let side, let number): "breach_by_\(side)_with_commitment_\(number)"
        case .unexpectedClose: "unexpected_close"
        case .notOpened: "not_opened"
        }
        channel = report.configuration.map {
            ChannelShape(capacitySat: $0.capacity.value, pushMsat: $0.pushAmount.value, feeratePerKw: $0.feeratePerKw,
                         cheater: $0.cheater?.description)
        }
        finalState = report.finalStates.map { FinalState(alice: $0[0].rawValue, bob: $0[1].rawValue) }
        funds = report.funds.map {
            Funds(aliceSat: $0.aliceGain, bobSat: $0.bobGain, feesSat: $0.fees, unclaimedSat: $0.unclaimedTotal)
        }
        invariantViolations = report.violations.count
        violations = report.violations.messages
        audit = report.audit.map(AuditReportJSON.init)
    }
}
