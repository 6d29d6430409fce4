import ArgumentParser
import ChanAPI
import ChanNode
import ChanStore
import Foundation

struct BenchRPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "A daemon's start-to-ready time and the `info` round trip (in process, and as a `chan info` command).",
        discussion: """
            start_to_ready_ms: from spawning `chan node run` to its RPC answering (what `node start` \
            waits for). rpc_*: one JSON-RPC `info` call on a fresh connection. command_*: a whole \
            `chan -n NAME info` process, as a script runs it.
            """
    )

    @Option(help: "How many daemon starts to time.")
    var starts = 10

    @Option(help: "How many round trips of each kind.")
    var calls = 200

    func run() throws {
        guard starts > 0, calls > 0 else { throw ValidationError("--starts and --calls must be positive") }
        let network = try LocalNetwork(executable: NodeProcess.currentExecutable)
        defer { network.stopAll() }
        try network.startNode("alice")
        let node = try LocalNode.open(home: network.home, name: "alice")
        var startTimes: [Double] = []
        for _ in 0..<starts {
            _ = try NodeProcess.stop(node)
            let begin = NodeProcess.monotonicSeconds()
            _ = try NodeProcess.start(node, executable: NodeProcess.currentExecutable)
            startTimes.append((NodeProcess.monotonicSeconds() - begin) * 1000)
        }
        var rpcTimes: [Double] = []
        for _ in 0..<calls {
            let begin = NodeProcess.monotonicSeconds()
            _ = try NodeProcess.client(node).call("info", NoParams(), as: NodeInfo.self)
            rpcTimes.append((NodeProcess.monotonicSeconds() - begin) * 1000)
        }
        var commandTimes: [Double] = []
        for _ in 0..<calls {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: NodeProcess.currentExecutable)
            process.arguments = ["--home", network.home.path, "-n", "alice", "info"]
            process.standardOutput = FileHandle.nullDevice
            let begin = NodeProcess.monotonicSeconds()
            try process.run()
            process.waitUntilExit()
            commandTimes.append((NodeProcess.monotonicSeconds() - begin) * 1000)
            guard process.terminationStatus == 0 else { throw ValidationError("`chan info` failed") }
        }
        struct Result: Encodable {
            let starts: Int
            let calls: Int
            let startToReadyP50Ms: Double
            let startToReadyMaxMs: Double
            let rpcP50Ms: Double
            let rpcP99Ms: Double
            let commandP50Ms: Double
            let commandP99Ms: Double
        }
        try Output.json(Result(
            starts: starts, calls: calls, startToReadyP50Ms: percentile(startTimes, 0.5), startToReadyMaxMs: rounded(startTimes.max() ?? 0),
            rpcP50Ms: percentile(rpcTimes, 0.5), rpcP99Ms: percentile(rpcTimes, 0.99),
            commandP50Ms: percentile(commandTimes, 0.5), commandP99Ms: percentile(commandTimes, 0.99)))
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return rounded(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
    }
}
