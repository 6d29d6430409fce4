import ChanCore
import ChanStore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Graph files and gzip")
struct GraphFileTests {
    /// `{"nodes": [], "edges": []}` gzip'd by Python with mtime 0.
    private let gzipped: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xab, 0x56, 0xca, 0xcb, 0x4f, 0x49,
        0x2d, 0x56, 0xb2, 0x52, 0x88, 0x8e, 0xd5, 0x51, 0x50, 0x4a, 0x4d, 0x49, 0x87, 0x72, 0x6a, 0x01,
        0x47, 0x46, 0x09, 0x0b, 0x1a, 0x00, 0x00, 0x00,
    ]

    @Test func gunzipRestoresTheBytes() throws {
        let plain = try Gunzip.decompress(gzipped).get()
        #expect(String(decoding: plain, as: UTF8.self) == #"{"nodes": [], "edges": []}"#)
        // Two members back to back decompress to both texts.
        let twice = try Gunzip.decompress(gzipped + gzipped).get()
        #expect(twice.count == 2 * plain.count)
    }

    @Test func damagedGzipIsRefused() {
        #expect(throws: GunzipFailure.self) { try Gunzip.decompress(Array(gzipped.dropLast(12))).get() }
        var corrupt = gzipped
        corrupt[12] ^= 0xff
        #expect(throws: GunzipFailure.self) { try Gunzip.decompress(corrupt).get() }
        #expect(throws: GunzipFailure.self) { try Gunzip.decompress(Array("plain".utf8)).get() }
    }

    private func temporaryFile(_ bytes: [UInt8]) -> String {
        var template = Array("/tmp/chan-graph-test-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func loadsPlainAndGzippedFiles() throws {
        let gzPath = temporaryFile(gzipped)
        defer { unlink(gzPath) }
        let graph = try GraphFile.load(path: gzPath)
        #expect(graph.format == .lndTestGraph)
        #expect(graph.nodeCount == 0)

        let jsonPath = temporaryFile(Array(#"{"channels": []}"#.utf8))
        defer { unlink(jsonPath) }
        #expect(try GraphFile.load(path: jsonPath).format == .clnListChannels)
    }

    @Test func missingAndCorruptFilesHaveTheirOwnCodes() throws {
        let missing = try #require(throws: GraphFileError.self) { try GraphFile.load(path: "/nonexistent/graph.json") }
        #expect(missing.code == "graph_file_not_found")

        let truncated = temporaryFile(Array(gzipped.prefix(20)))
        defer { unlink(truncated) }
        let damaged = try #require(throws: GraphFileError.self) { try GraphFile.load(path: truncated) }
        #expect(damaged.code == "graph_corrupt")

        let notJSON = temporaryFile(Array("hello".utf8))
        defer { unlink(notJSON) }
        let invalid = try #require(throws: GraphFileError.self) { try GraphFile.load(path: notJSON) }
        #expect(invalid.code == "graph_corrupt")
        #expect(invalid.message.contains("byte 0"))

        let directory = try #require(throws: GraphFileError.self) { try GraphFile.load(path: "/tmp") }
        #expect(directory.code == "graph_file_unreadable")
    }

    #if os(Linux)
    @Test func peakMemoryIsReadFromProc() {
        #expect((ProcessMemory.peakResidentBytes() ?? 0) > 1_000_000)
    }
    #endif
}
