#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Independent iterations spread over the machine's cores, results in the order of the input:
/// a `commitment_signed` makes or checks one signature per HTLC of the commitment, each with its
/// own transaction digest. The threads are plain pthreads kept alive between batches (starting
/// one costs about what a signature does), so the layers above stay free of any threading.
/// Iteration `i` runs on share `i % shares`; nothing observable depends on the scheduling.
public enum ParallelMap {
    /// Below this many iterations the work runs on the calling thread.
    static let minimumCount = 8

    /// `[make(0), make(1), ..., make(count - 1)]`, computed on every core when `count` is large
    /// enough. `make` must be safe to run on any thread. A batch that finds the workers busy
    /// with another caller's batch runs on its own thread instead of waiting.
    public static func map<Value>(count: Int, _ make: (Int) -> Value) -> [Value] {
        [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress)
            func fill(_ index: Int) { (slots.base! + index).initialize(to: make(index)) }
            if count < minimumCount || !WorkerPool.shared.run(count: count, fill) {
                for index in 0..<count { fill(index) }
            }
            initialized = count
        }
    }

    /// The result buffer; each iteration writes its own slot.
    private struct Slots<Value>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Value>?
    }
}

/// The worker threads of `ParallelMap`: one fewer than the cores (the caller takes a share),
/// started at the first batch, waiting on a condition variable between batches.
private final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: max(0, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) - 1))

    private let workers: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`:
    private var threads: Threads = .notStarted
    private var busy = false
    private var batch: (body: (Int) -> Void, count: Int, shares: Int)?
    private var generation: UInt64 = 0
    private var unfinished = 0

    private enum Threads { case notStarted, running, unavailable }

    private init(workers: Int) {
        self.workers = workers
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(done, nil)
    }

    /// Runs `body` for `0..<count` over the workers and the calling thread; false (nothing
    /// run) when there are no workers or another batch has them.
    func run(count: Int, _ body: (Int) -> Void) -> Bool {
        pthread_mutex_lock(mutex)
        guard workers > 0, !busy, startIfNeeded() else {
            pthread_mutex_unlock(mutex)
            return false
        }
        busy = true
        let shares = min(workers + 1, count)
        return withoutActuallyEscaping(body) { body in
            batch = (body, count, shares)
            generation &+= 1
            unfinished = workers
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)

            WorkerPool.runShare(0, of: (body, count, shares))

            pthread_mutex_lock(mutex)
            while unfinished > 0 { pthread_cond_wait(done, mutex) }
            batch = nil  // no reference to `body` outlives the call
            busy = false
            pthread_mutex_unlock(mutex)
            return true
        }
    }

    private static func runShare(_ share: Int, of batch: (body: (Int) -> Void, count: Int, shares: Int)) {
        guard share < batch.shares else { return }
        for index in stride(from: share, to: batch.count, by: batch.shares) { batch.body(index) }
    }

    /// Called with `mutex` held.
    private func startIfNeeded() -> Bool {
        switch threads {
        case .running: return true
        case .unavailable: return false
        case .notStarted: break
        }
        threads = .unavailable  // until every worker runs
        for share in 1...workers {
            let context = Unmanaged.passRetained(WorkerStart(pool: self, share: share)).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t?
            #endif
            let created = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.work(share: start.share)
                return nil
            }, context) == 0
            guard created else {
                // Workers already started wait forever for a batch that never comes: the pool
                // is not used, and batches run on their caller's thread.
                Unmanaged<WorkerStart>.fromOpaque(context).release()
                return false
            }
            #if canImport(Glibc)
            pthread_detach(thread)
            #else
            pthread_detach(thread!)
            #endif
        }
        threads = .running
        return true
    }

    private func work(share: Int) {
        var seen: UInt64 = 0
        pthread_mutex_lock(mutex)
        while true {
            while generation == seen { pthread_cond_wait(wake, mutex) }
            seen = generation
            if let current = batch {
                pthread_mutex_unlock(mutex)
                WorkerPool.runShare(share, of: current)
                pthread_mutex_lock(mutex)
            }
            unfinished -= 1
            if unfinished == 0 { pthread_cond_signal(done) }
        }
    }

    private final class WorkerStart {
        let pool: WorkerPool
        let share: Int
        init(pool: WorkerPool, share: Int) {
            self.pool = pool
            self.share = share
        }
    }
}
