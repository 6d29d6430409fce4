import ArgumentParser
import ChanAPI
import ChanNode
import ChanStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct BenchRPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "A daemon's start-to-ready time and the `info` round trip (in process, and as a `chan info` command).",
        discussion: """
            start_to_ready_ms: from spawning `chan node run` to its RPC answering (what `node start` \
            waits for). rpc_*: one JSON-RPC `info` call on a fresh connection. command_*: a whole \
            `chan -n NAME info` process, as a script runs it.

            Example: chan bench rpc --starts 10 --calls 200
            """
    )

    @Option(help: "How many daemon starts to time.")
    var starts = 10

    @Option(help: "How many round trips of each kind.")
    var calls = 200

    func run() throws {
        guard starts > 0, calls > 0 else { throw ValidationError("--starts and --calls must be positive") }
        let directory = try TemporaryDirectory(prefix: "chan-bench")
        let deployment = NetworkDeployment(home: directory.home, executable: NodeProcess.currentExecutable)
        defer { _ = try? deployment.down() }
        _ = try deployment.up(Topology(nodes: [Topology.Node(name: "alice")], channels: []))
        let node = try LocalNode.open(home: directory.home, name: "alice")
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
        let arguments = [NodeProcess.currentExecutable, "--home", directory.home.path, "-n", "alice", "info"]
        for _ in 0..<calls {
            let begin = NodeProcess.monotonicSeconds()
            guard try runQuietly(arguments) == 0 else { throw ValidationError("`chan info` failed") }
            commandTimes.append((NodeProcess.monotonicSeconds() - begin) * 1000)
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

    /// Runs a command with its output discarded (posix_spawn, as a shell does) and returns its status.
    private func runQuietly(_ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { throw ValidationError("cannot run \(arguments[0])") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xff
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return rounded(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
    }
}
