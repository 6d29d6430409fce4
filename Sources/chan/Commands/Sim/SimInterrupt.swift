import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C during `chan sim pair`: the handler only sets a flag, which the run checks at each
/// operation boundary (then closes the channel and prints a partial summary). The handler is
/// reset on its first call, so a second Ctrl-C kills the process at once.
enum SimInterrupt {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        // Initialise the flag here: a lazy global's first touch must not happen in the handler.
        _ = requested
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in SimInterrupt.flag.store(true, ordering: .relaxed) }
        #else
        action.__sigaction_u.__sa_handler = { _ in SimInterrupt.flag.store(true, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
        sigaction(SIGINT, &action, nil)
    }
}
