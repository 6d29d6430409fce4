#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress lines on stderr, only when it is a terminal (scripts and logs see nothing).
enum Progress {
    static let enabled = isatty(STDERR_FILENO) == 1

    static func note(_ text: String) {
        guard enabled else { return }
        Output.write(to: STDERR_FILENO, Array("… \(text)\n".utf8))
    }
}
