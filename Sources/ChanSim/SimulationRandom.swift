import ChanCore
/// The simulator's only source of randomness: xoshiro256** seeded through SplitMix64, as its
/// authors recommend. Written out here (rather than relying on `Int.random(in:using:)`, whose
/// algorithm the standard library may change) so that a seed replays the same run on every
/// compiler and platform. A value: copying it forks the sequence.
///
/// A script (a fuzzer's input) can decide the first draws instead: each draw takes the next 8
/// bytes of it; once it is used up, the sequence of the seed made from its bytes goes on.
public struct SimulationRandom: RandomNumberGenerator, Hashable, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    private var script: [UInt8] = []
    private var scriptPosition = 0

    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        // SplitMix64 never yields four zero words in a row, so the state is never all zero.
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A sequence of its own for one purpose of a run (`stream`, a fixed tag), independent of
    /// the main sequence of `seed`: drawing from it leaves every other draw of the run as it was.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ stream)
        self.init(seed: mixer.next())
    }

    /// Draws decided by `script`, then by a seed made from it (FNV-1a of its bytes).
    public init(script: [UInt8]) {
        self.init(seed: script.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
        self.script = script
    }

    public mutating func next() -> UInt64 {
        if scriptPosition < script.count {
            // Up to 8 bytes, big-endian, zero-padded at the script's end.
            let end = min(script.count, scriptPosition + 8)
            var value: UInt64 = 0
            for index in scriptPosition..<scriptPosition + 8 { value = value << 8 | UInt64(index < end ? script[index] : 0) }
            scriptPosition = end
            return value
        }
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform value in `0..<bound` (Lemire's multiply-and-reject, no modulo bias).
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// A uniform value in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        // A span of 0 means the whole 64-bit range wrapped around.
        let offset = span == 0 ? next() : below(span)
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// A uniform value in `range`.
    public mutating func uint64(in range: ClosedRange<UInt64>) -> UInt64 {
        let span = range.upperBound &- range.lowerBound &+ 1
        return range.lowerBound &+ (span == 0 ? next() : below(span))
    }

    /// A uniform double in `0..<1` (53 random bits).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `probability` (clamped to 0...1).
    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// One element of a non-empty collection, uniformly.
    public mutating func element<C: Collection>(of collection: C) -> C.Element? where C.Index == Int {
        guard !collection.isEmpty else { return nil }
        return collection[collection.startIndex + Int(below(UInt64(collection.count)))]
    }

    /// An index chosen with probability proportional to its weight; nil if every weight is 0.
    public mutating func weightedIndex(_ weights: [UInt64]) -> Int? {
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var pick = below(total)
        for (index, weight) in weights.enumerated() {
            if pick < weight { return index }
            pick -= weight
        }
        return nil
    }
}
