import ChanAPI
import ChanStore
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting, stopping and finding a node's daemon from another process (the CLI, benchmarks,
/// tests): `start` spawns `chan node run NAME --detached` in its own session and returns once
/// its RPC answers; `stop` asks it to stop and waits until its lock is released.
public enum NodeProcess {
    /// How long `start` waits for the RPC to answer, and `stop` for the daemon to exit.
    public static let timeoutSeconds = 20.0

    /// The running daemon's pid, or nil.
    public static func runningPid(_ node: LocalNode) -> Int32? { NodeLock.holder(path: node.pidPath) }

    /// A client of the running daemon; `node_not_running` (with how to start it) otherwise.
    public static func client(_ node: LocalNode) throws(APIError) -> RPCClient {
        try RPCClient(node: node.name, socketPath: node.rpcSocketPath)
    }

    /// Starts the daemon of `node` with `executable` (this binary) and waits until it answers.
    public static func start(_ node: LocalNode, executable: String) throws -> NodeStarted {
        if let pid = runningPid(node) { throw APIError.nodeRunning(node.name, pid: pid) }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw APIError(code: "spawn_failed", message: String(cString: strerror(errno))) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        defer { close(readEnd) }
        let pid = try spawn(executable: executable, arguments: ["node", "run", node.name, "--home", absolute(node.home.path), "--detached"],
                            stderr: writeEnd)
        close(writeEnd)
        let deadline = monotonicSeconds() + timeoutSeconds
        while monotonicSeconds() < deadline {
            if let client = try? RPCClient(node: node.name, socketPath: node.rpcSocketPath),
               let info = try? client.call("info", NoParams(), as: NodeInfo.self) {
                return NodeStarted(name: node.name, nodeId: info.nodeId, pid: info.pid, uri: info.uri, rpcSocket: node.rpcSocketPath)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw startFailure(readEnd, node: node.name) }
            usleep(2_000)
        }
        kill(pid, SIGTERM)
        throw APIError(code: "start_timeout", message: "the daemon of '\(node.name)' did not answer within \(Int(timeoutSeconds)) s (see \(node.logPath))")
    }

    /// Asks the daemon to stop and waits until it has released its lock.
    public static func stop(_ node: LocalNode) throws -> NodeStopped {
        let result = try client(node).call("stop", NoParams(), as: NodeStopped.self)
        let deadline = monotonicSeconds() + timeoutSeconds
        while runningPid(node) != nil {
            guard monotonicSeconds() < deadline else {
                throw APIError(code: "stop_timeout", message: "the daemon of '\(node.name)' did not stop within \(Int(timeoutSeconds)) s")
            }
            usleep(2_000)
        }
        return result
    }

    /// What the daemon wrote before it exited: its JSON error when it has one.
    private static func startFailure(_ descriptor: Int32, node: String) -> APIError {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        struct Envelope: Decodable { struct Body: Decodable { let code: String; let message: String }; let error: Body }
        for line in bytes.split(separator: 0x0a) {
            if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(line)) {
                return APIError(code: envelope.error.code, message: envelope.error.message)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return APIError(code: "start_failed", message: "the daemon of '\(node)' exited" + (text.isEmpty ? "" : ": \(text)"))
    }

    private static func spawn(executable: String, arguments: [String], stderr: Int32) throws -> pid_t {
        keepDescriptorsFromChildren()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderr, STDERR_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own session: a Ctrl-C in the starter's terminal does not reach the daemon. (Its
        // signal mask is cleared by `ChanMain`, as in every chan process.)
        posix_spawnattr_setflags(&attributes, Int16(spawnSetsid))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw APIError(code: "spawn_failed", message: "cannot run \(executable): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Marks every descriptor above stderr close-on-exec: the daemon must not inherit the pipes
    /// its starter was given (a test or script reading `chan node start`'s output to its end
    /// would otherwise wait for the daemon to exit).
    private static func keepDescriptorsFromChildren() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let descriptor = Int32(name), descriptor > STDERR_FILENO { descriptors.append(descriptor) }
        }
        for descriptor in descriptors {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// glibc's `POSIX_SPAWN_SETSID` (2.26 on), which Swift's Glibc module does not export.
    private static let spawnSetsid: Int32 = 0x80

    private static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// This process's executable (`/proc/self/exe`).
    public static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
