#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs independent iterations over the machine's cores with plain threads: the batch
/// signature operations (`BatchSignatures.swift`) use it, so that the layers above stay free of
/// any threading. Iteration `i` runs on worker `i % workers`; the call returns once every
/// iteration has, so nothing observable depends on the scheduling.
enum ParallelLoop {
    /// Below this many iterations the work runs on the calling thread (a thread costs more).
    static let minimumCount = 8
    static let workers = max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    static func run(count: Int, _ body: (Int) -> Void) {
        let workers = min(workers, count)
        guard count >= minimumCount, workers > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let job = Job(count: count, stride: workers, body: body)
            var threads: [pthread_t] = []
            for first in 1..<workers {
                let context = Unmanaged.passRetained(Share(job: job, first: first)).toOpaque()
                #if canImport(Glibc)
                var thread = pthread_t()
                #else
                var thread: pthread_t?
                #endif
                let started = pthread_create(&thread, nil, { raw in
                    let share = Unmanaged<Share>.fromOpaque(raw!).takeRetainedValue()
                    share.job.run(from: share.first)
                    return nil
                }, context) == 0
                if started {
                    #if canImport(Glibc)
                    threads.append(thread)
                    #else
                    threads.append(thread!)
                    #endif
                } else {
                    // No thread to be had: this share runs here.
                    Unmanaged<Share>.fromOpaque(context).release()
                    job.run(from: first)
                }
            }
            job.run(from: 0)
            for thread in threads { pthread_join(thread, nil) }
        }
    }

    /// The iterations and who runs which; read-only while the workers run.
    private final class Job: @unchecked Sendable {
        let count: Int
        let stride: Int
        let body: (Int) -> Void

        init(count: Int, stride: Int, body: @escaping (Int) -> Void) {
            self.count = count
            self.stride = stride
            self.body = body
        }

        func run(from first: Int) {
            for index in Swift.stride(from: first, to: count, by: stride) { body(index) }
        }
    }

    private final class Share: @unchecked Sendable {
        let job: Job
        let first: Int
        init(job: Job, first: Int) {
            self.job = job
            self.first = first
        }
    }
}

/// A result buffer each iteration of a `ParallelLoop` writes one slot of.
struct ParallelResults<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>

    /// Fills an array of `count` values, value `i` made by `make(i)` on any core.
    static func collect(count: Int, _ make: (Int) -> Value) -> [Value] {
        [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let results = ParallelResults(base: buffer.baseAddress!)
            ParallelLoop.run(count: count) { index in (results.base + index).initialize(to: make(index)) }
            initialized = count
        }
    }
}
