import ChanFuzz
import Foundation
import Testing

/// Replays every committed fuzz input through its target, as `make test` runs it: the seed
/// corpus (`Fuzz/Corpus/<target>/`) and the inputs that once crashed (`Fuzz/Regressions/<target>/`).
/// A trap ends the test run; a broken property fails here with the file that broke it.
@Suite struct CorpusReplayTests {
    static let fuzzDirectory = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fuzz")

    static func files(_ kind: String, _ target: String) -> [URL] {
        let directory = fuzzDirectory.appending(path: kind).appending(path: target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }
    }

    static func directories(_ kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fuzzDirectory.appending(path: kind).path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static let targetNames = FuzzTargets.all.map(\.name)

    @Test func targetNamesAreUniqueAndFound() {
        #expect(Set(Self.targetNames).count == Self.targetNames.count)
        for name in Self.targetNames { #expect(FuzzTargets.named(name)?.name == name) }
        #expect(FuzzTargets.named("no_such_target") == nil)
    }

    /// So no target goes unreplayed, and no corpus is left without its target.
    @Test func everyTargetHasASeedCorpusAndEveryCorpusATarget() {
        for name in Self.targetNames {
            #expect(Self.files("Corpus", name).count >= 2, "Fuzz/Corpus/\(name)/ needs seeds")
        }
        #expect(Set(Self.directories("Corpus")).subtracting(Self.targetNames).isEmpty)
        #expect(Set(Self.directories("Regressions")).subtracting(Self.targetNames).isEmpty)
    }

    @Test(arguments: targetNames) func replay(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        for file in Self.files("Corpus", name) + Self.files("Regressions", name) {
            let input = try [UInt8](Data(contentsOf: file))
            do {
                try target.run(input)
            } catch {
                Issue.record("\(name) on \(file.lastPathComponent): \(error)")
            }
        }
    }
}
