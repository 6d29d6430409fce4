import ChanAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nodes/NAME/node.pid`, locked (`flock`) by the one daemon that owns the node's files for as
/// long as it runs. The kernel drops the lock when the process ends, even by SIGKILL, so a
/// stale pid file never blocks a restart.
public final class NodeLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock and writes our pid; `node_running` if another process holds it.
    public static func acquire(path: String, node: String) throws(APIError) -> NodeLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw APIError(code: "file_error", message: "\(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let pid = readPid(descriptor)
            close(descriptor)
            throw .nodeRunning(node, pid: pid)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return NodeLock(descriptor: descriptor)
    }

    /// The pid of the daemon holding the lock, or nil when none runs.
    public static func holder(path: String) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        return readPid(descriptor) ?? -1
    }

    private static func readPid(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[0..<count], as: UTF8.self).split(separator: "\n").first ?? "")
    }

    deinit {
        // Dropping the lock: the pid file stays, unlocked, which means "not running".
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
