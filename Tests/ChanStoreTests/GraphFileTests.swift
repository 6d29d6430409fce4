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

    @Test("gzip output is capped: a small file cannot make us allocate without bound")
    func gunzipOutputIsCapped() throws {
        let plain = try Gunzip.decompress(gzipped).get()
        #expect(try Gunzip.decompress(gzipped, limit: plain.count).get() == plain)
        #expect(Self.failure(Gunzip.decompress(gzipped, limit: plain.count - 1)) == "the data decompresses to more than \(plain.count - 1) bytes")
        // 2 MiB of zeros deflate to ~2 KB, whose trailer also claims 4 GiB.
        var bomb: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]
        bomb += Self.storedZeroDeflate(megabytes: 2)
        bomb += [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]
        #expect(Self.failure(Gunzip.decompress(bomb, limit: 1 << 20)) == "the data decompresses to more than \(1 << 20) bytes")
        // Under a larger limit the same stream inflates in full, then fails on its zero CRC:
        // the stream itself is valid deflate.
        #expect(Self.failure(Gunzip.decompress(bomb, limit: 4 << 20))?.hasPrefix("corrupt gzip data") == true)
    }

    private static func failure(_ result: Result<[UInt8], GunzipFailure>) -> String? {
        if case .failure(let failure) = result { failure.reason } else { nil }
    }

    /// A raw deflate stream of `megabytes` MiB of zeros: fixed-Huffman blocks of 258-byte
    /// matches at distance 1 after one literal zero (each match is 2 bytes of code or less).
    private static func storedZeroDeflate(megabytes: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // fixed Huffman
        writer.writeHuffman(0b0011_0000, length: 8)  // literal 0
        var remaining = megabytes << 20 - 1
        while remaining >= 258 {
            writer.writeHuffman(0b1100_0101, length: 8)  // length code 285: 258 bytes
            writer.writeHuffman(0, length: 5)  // distance code 0: distance 1
            remaining -= 258
        }
        while remaining > 0 {
            writer.writeHuffman(0b0011_0000, length: 8)
            remaining -= 1
        }
        writer.writeHuffman(0, length: 7)  // end of block (code 256)
        return writer.bytes + (writer.pending > 0 ? [writer.current] : [])
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt8 = 0
        var pending = 0

        mutating func write(_ value: UInt32, bits: Int) {
            for index in 0..<bits { push(UInt8((value >> index) & 1)) }
        }

        /// Huffman codes go most significant bit first.
        mutating func writeHuffman(_ code: UInt32, length: Int) {
            for index in stride(from: length - 1, through: 0, by: -1) { push(UInt8((code >> index) & 1)) }
        }

        private mutating func push(_ bit: UInt8) {
            current |= bit << pending
            pending += 1
            if pending == 8 {
                bytes.append(current)
                current = 0
                pending = 0
            }
        }
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
