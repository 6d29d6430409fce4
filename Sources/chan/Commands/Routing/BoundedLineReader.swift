#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a descriptor without ever holding more than `limit` bytes of one: a longer
/// line is reported by its length (at least `limit + 1`) and skipped to its end.
struct BoundedLineReader {
    enum Line: Equatable {
        /// A line without its newline (and without a trailing carriage return).
        case line([UInt8])
        case tooLong(Int)
        case unreadable(Int32)
    }

    private let descriptor: Int32
    private let limit: Int
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0
    private var end = 0
    private var finished = false

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    /// Whether a whole line is already read, so `next()` returns it without waiting.
    var hasBufferedLine: Bool { buffer[start..<end].contains(0x0a) }

    /// The next line; nil at the end of input. A last line without a newline still counts.
    mutating func next() -> Line? {
        var line: [UInt8] = []
        var length = 0
        while true {
            if start == end {
                if finished { return length > 0 ? finish(line, length) : nil }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    finished = true
                    return .unreadable(errno)
                }
                if count == 0 {
                    finished = true
                    continue
                }
                start = 0
                end = count
            }
            let newline = buffer[start..<end].firstIndex(of: 0x0a)
            let chunkEnd = newline ?? end
            let taken = chunkEnd - start
            if length + taken <= limit + 1 { line.append(contentsOf: buffer[start..<chunkEnd]) }
            length += taken
            start = newline.map { $0 + 1 } ?? end
            if newline != nil { return finish(line, length) }
        }
    }

    private func finish(_ line: [UInt8], _ length: Int) -> Line {
        var line = line
        if line.last == 0x0d { line.removeLast() }
        return length > limit ? .tooLong(length) : .line(line)
    }
}
