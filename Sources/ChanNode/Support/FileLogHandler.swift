import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines to a file descriptor: `node.log` (opened in append mode, 0600) for a daemon
/// in the background, stderr for `chan node run`. One `write` per line, under a lock, so lines
/// from different tasks never interleave. Secrets never reach a logger: callers log ids,
/// amounts and codes, never keys, preimages or seeds.
public struct FileLogHandler: LogHandler {
    /// The destination, shared by every logger of the process.
    public final class Sink: Sendable {
        let descriptor: Mutex<Int32>

        public init(descriptor: Int32) { self.descriptor = Mutex(descriptor) }

        /// Opens `path` for appending, creating it with mode 0600.
        public static func file(_ path: String) -> Sink? {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            return descriptor >= 0 ? Sink(descriptor: descriptor) : nil
        }

        public static let standardError = Sink(descriptor: STDERR_FILENO)

        func write(_ line: String) {
            var bytes = Array(line.utf8)
            bytes.append(0x0a)
            descriptor.withLock { descriptor in
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                    if written < 0, errno == EINTR { continue }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let sink: Sink

    public init(label: String, sink: Sink, level: Logger.Level = .info) {
        self.label = label
        self.sink = sink
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(FileLogHandler.timestamp()) \(event.level) [\(label)] \(event.message)\(fields.isEmpty ? "" : " " + fields)")
    }

    /// UTC time with milliseconds, e.g. `2026-12-02T06:59:01.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
