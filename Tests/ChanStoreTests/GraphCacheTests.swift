import ChanCore
import ChanStore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Graph file cache")
struct GraphCacheTests {
    /// A temporary directory holding a copy of a shared graph file as `graph.json`.
    private final class Scratch {
        let directory: String
        var source: String { directory + "/graph.json" }
        var cacheBesideSource: String { source + ".chan-cache" }
        var fallback: String { directory + "/user-cache" }
        var policy: GraphCachePolicy { GraphCachePolicy(minimumSourceBytes: 0, fallbackDirectory: fallback) }

        init(_ sharedGraph: String) throws {
            var template = Array("/tmp/chan-graph-cache-test-XXXXXX".utf8CString)
            directory = String(cString: try #require(mkdtemp(&template)))
            try write(source, GraphFile.readAll(path: Self.shared(sharedGraph)))
        }

        deinit {
            for name in [source, cacheBesideSource] { unlink(name) }
            if let entries = opendir(fallback) {
                while let entry = readdir(entries) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    unlink(fallback + "/" + name)
                }
                closedir(entries)
            }
            rmdir(fallback)
            chmod(directory, 0o700)
            rmdir(directory)
        }

        static func shared(_ name: String, _ file: String = #filePath) -> String {
            var parts = file.split(separator: "/", omittingEmptySubsequences: false)
            parts.removeLast(3)
            return parts.joined(separator: "/") + "/../shared/data/graphs/" + name
        }

        func write(_ path: String, _ bytes: [UInt8]) throws {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            try #require(bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
        }

        func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
    }

    @Test func secondLoadReadsTheCacheAndGetsTheSameGraph() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        let first = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
        #expect(first.origin == .parsedAndCached)
        #expect(scratch.exists(scratch.cacheBesideSource))
        let second = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
        #expect(second.origin == .cache)
        #expect(GraphSnapshotCodec.encode(second.graph) == GraphSnapshotCodec.encode(first.graph))
        #expect(second.graph.nodeCount == first.graph.nodeCount)
    }

    @Test func aDamagedCacheIsIgnoredAndRebuilt() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        let parsed = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).graph
        let cache = try GraphFile.readAll(path: scratch.cacheBesideSource)
        var flipped = cache
        flipped[flipped.count / 2] ^= 0x40
        for damaged in [Array(cache.prefix(cache.count / 2)), flipped, [], Array("CHANGCAC".utf8)] {
            try scratch.write(scratch.cacheBesideSource, damaged)
            let reloaded = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
            #expect(reloaded.origin == .parsedAndCached)
            #expect(GraphSnapshotCodec.encode(reloaded.graph) == GraphSnapshotCodec.encode(parsed))
            #expect(try GraphFile.readAll(path: scratch.cacheBesideSource) == cache)
            #expect(try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).origin == .cache)
        }
    }

    @Test func aChangedSourceRebuildsTheCache() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        _ = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
        try scratch.write(scratch.source, GraphFile.readAll(path: Scratch.shared("lnd_spec_example.json")))
        let changed = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
        #expect(changed.origin == .parsedAndCached)
        #expect(changed.graph.nodeCount == 4)
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).graph.nodeCount == 4)
    }

    @Test func aCacheWritableByOthersIsNotTrusted() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        _ = try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy)
        chmod(scratch.cacheBesideSource, 0o666)
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).origin == .parsedAndCached)
    }

    @Test func smallFilesAndADisabledCacheWriteNothing() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: .disabled).origin == .parsed)
        let standard = GraphCachePolicy(fallbackDirectory: scratch.fallback)
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: standard).origin == .parsed)
        #expect(!scratch.exists(scratch.cacheBesideSource))
        #expect(!scratch.exists(scratch.fallback))
    }

    /// A directory without write permission bits is left alone, by root too.
    @Test func aReadOnlyDirectoryUsesTheUserCacheDirectory() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        chmod(scratch.directory, 0o500)
        defer { chmod(scratch.directory, 0o700) }
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).origin == .parsedAndCached)
        #expect(!scratch.exists(scratch.cacheBesideSource))
        #expect(try GraphFile.loadReporting(path: scratch.source, cache: scratch.policy).origin == .cache)
    }

    /// The shared data directory is read-only (for root too: a read-only mount), so its
    /// graphs' caches go to the user's cache directory, named after the source.
    @Test(.enabled(if: Self.sharedIsReadOnly, "the shared graphs are writable here"))
    func aReadOnlySourceIsCachedInTheUserCacheDirectory() throws {
        let scratch = try Scratch("lnd_basic_graph.json")
        let shared = Scratch.shared("lnd_basic_graph.json")
        let policy = GraphCachePolicy(minimumSourceBytes: 0, fallbackDirectory: scratch.fallback)
        #expect(try GraphFile.loadReporting(path: shared, cache: policy).origin == .parsedAndCached)
        let names = entries(of: scratch.fallback)
        #expect(names.count == 1)
        #expect(names.first?.hasPrefix("lnd_basic_graph.json-") == true)
        #expect(names.first?.hasSuffix(".chan-cache") == true)
        #expect(try GraphFile.loadReporting(path: shared, cache: policy).origin == .cache)
    }

    static var sharedIsReadOnly: Bool {
        var info = stat()
        let directory = Scratch.shared("")
        return stat(directory, &info) == 0 && (info.st_mode & 0o222 == 0 || access(directory, W_OK) != 0)
    }

    private func entries(of directory: String) -> [String] {
        guard let entries = opendir(directory) else { return [] }
        defer { closedir(entries) }
        var names: [String] = []
        while let entry = readdir(entries) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
