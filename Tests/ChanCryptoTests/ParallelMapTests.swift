import ChanCrypto
import Dispatch
import Testing

@Suite struct ParallelMapTests {
    @Test(arguments: [0, 1, 7, 8, 9, 64, 1000])
    func resultsKeepTheOrderOfTheInput(count: Int) {
        #expect(ParallelMap.map(count: count) { $0 * 3 + 1 } == (0..<count).map { $0 * 3 + 1 })
    }

    /// Callers on several threads at once: each gets its own results, whichever of them has
    /// the workers and whichever runs on its own thread.
    @Test func concurrentBatchesDoNotMix() {
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { caller in
            results.set(caller, ParallelMap.map(count: 200) { $0 &* 31 &+ caller })
        }
        for caller in 0..<16 { #expect(results.get(caller) == (0..<200).map { $0 &* 31 &+ caller }) }
    }

    @Test func batchSignaturesEqualOneByOneAndNameTheBadOne() throws {
        let key = try PrivateKey(secretBytes: [UInt8](repeating: 0x42, count: 32))
        let digests = (0..<20).map { SHA256.hash([UInt8(truncatingIfNeeded: $0)]) }
        let signed = try key.sign(count: digests.count) { digests[$0] }
        #expect(signed.map(\.compact) == (try digests.map { try key.sign(digest: $0).compact }))

        var compact = signed.map(\.compact)
        compact[13][40] ^= 1
        let checked = key.publicKey.verified(compactSignatures: compact) { digests[$0] }
        #expect(checked.firstIndex(of: nil) == 13)
        #expect(checked.compactMap { $0 }.count == 19)
    }
}

private final class ResultBox: @unchecked Sendable {
    private var values: [[Int]]
    private let queue = DispatchQueue(label: "results")
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Int]) { queue.sync { values[index] = value } }
    func get(_ index: Int) -> [Int] { queue.sync { values[index] } }
}
