import Dispatch

/// Maps independent, pure work over the machine's cores: a round's HTLC signatures (one per
/// HTLC in the commitment, made and checked on every `commitment_signed`) are independent of
/// each other, and on a busy channel they are most of a round's time. The results keep the
/// order of the input, so nothing observable depends on the scheduling.
enum ParallelMap {
    /// Below this many items the work runs on the calling thread (handing it out costs more).
    static let minimumCount = 8

    static func map<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        guard items.count >= minimumCount else { return items.map(transform) }
        return [Result](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            let output = Output(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                (output.base + index).initialize(to: transform(items[index]))
            }
            initialized = items.count
        }
    }

    /// The result buffer: each iteration writes its own slot, and the caller reads the buffer
    /// only once every iteration has returned.
    private struct Output<Result>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Result>
    }
}
