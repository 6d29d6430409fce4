#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `chan sim pair` progress line on stderr, rewritten in place about twice a second; only
/// when stderr is a terminal (scripts and logs see nothing).
struct SimProgress {
    let total: Int
    let isShown = isatty(STDERR_FILENO) == 1
    private var lastShown = SimProgress.now()
    private var shownOnce = false

    init(total: Int) { self.total = total }

    /// Called before each operation; looks at the clock every 64 operations only.
    mutating func note(done: Int) {
        guard isShown, done % 64 == 0 else { return }
        let now = SimProgress.now()
        guard now - lastShown >= 0.5 else { return }
        lastShown = now
        shownOnce = true
        Output.write(to: STDERR_FILENO, Array("\r\u{1B}[K… \(done) of \(total) operations".utf8))
    }

    /// Clears the line before the summary.
    func finish() {
        guard shownOnce else { return }
        Output.write(to: STDERR_FILENO, Array("\r\u{1B}[K".utf8))
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
