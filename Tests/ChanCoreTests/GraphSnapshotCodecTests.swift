@testable import ChanCore
import ChanLedger
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Graph snapshot codec")
struct GraphSnapshotCodecTests {
    /// Aliases, a default payer, a disabled side, a side without policy and a node without channels.
    private func sample() -> ChannelGraph {
        var builder = ChannelGraphBuilder()
        builder.addNode(node(1), alias: "one")
        builder.addNode(node(2), alias: "zwei ✓")
        builder.addNode(node(9))
        builder.setDefaultPayer(node(2))
        builder.addDirection(scid("1x1x1"), from: node(1), to: node(2), capacity: Satoshi(1_000_000), policy: policy(base: 1000, ppm: 10))
        builder.addPolicy(policy(delta: 144, min: 1, max: 500_000_000, disabled: true), channel: scid("1x1x1"), from: node(2))
        builder.addDirection(scid("2x1x0"), from: node(2), to: node(3), capacity: Satoshi(20_000), policy: policy(ppm: 1))
        builder.addDirection(scid("3x5x1"), from: node(3), to: node(1), capacity: Satoshi(7), policy: policy(base: 4_000_000_000))
        builder.addDirection(scid("0x9x9"), from: node(4), to: node(1), capacity: Satoshi.maxMoney, policy: policy())
        builder.format = .lndDescribeGraph
        return builder.build()
    }

    @Test func roundTripKeepsEveryColumn() throws {
        let graph = sample()
        let bytes = GraphSnapshotCodec.encode(graph)
        let decoded = try GraphSnapshotCodec.decode(bytes)
        #expect(GraphSnapshotCodec.encode(decoded) == bytes)
        #expect(decoded.nodeCount == 5)
        #expect(decoded.channelCount == 4)
        #expect(decoded.edgeCount == graph.edgeCount)
        #expect(decoded.format == .lndDescribeGraph)
        #expect(decoded.defaultPayer == graph.defaultPayer)
        #expect(decoded.alias(decoded.index(2)) == "zwei ✓")
        #expect(decoded.alias(decoded.index(9)) == nil)
        for edge in 0..<graph.edgeCount {
            #expect(decoded.edge(EdgeIndex(Int32(edge))) == graph.edge(EdgeIndex(Int32(edge))))
        }
        let route = try Pathfinder(graph: decoded).findRoute(query(decoded, from: 3, to: 2, msat: 5_000, options: certain))
        #expect(route.hops.map(\.shortChannelID.description) == ["3x5x1", "1x1x1"])
    }

    @Test func anEmptyGraphRoundTrips() throws {
        let empty = ChannelGraphBuilder().build()
        let decoded = try GraphSnapshotCodec.decode(GraphSnapshotCodec.encode(empty))
        #expect(decoded.nodeCount == 0)
        #expect(decoded.channelCount == 0)
    }

    @Test func everyTruncationAndEveryFlippedByteIsRefused() throws {
        let bytes = GraphSnapshotCodec.encode(sample())
        for length in 0..<bytes.count {
            #expect(throws: GraphSnapshotError.self) { try GraphSnapshotCodec.decode(Array(bytes[0..<length])) }
        }
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x10
            #expect(throws: GraphSnapshotError.self) { try GraphSnapshotCodec.decode(damaged) }
        }
        #expect(throws: GraphSnapshotError.self) { try GraphSnapshotCodec.decode(bytes + [0]) }
    }

    /// Damage behind a recomputed checksum, as a crafted file would carry: every result is an
    /// error or a graph the pathfinder can search without crashing.
    @Test func craftedImagesNeverBreakTheInvariants() throws {
        let bytes = GraphSnapshotCodec.encode(sample())
        let header = GraphSnapshotCodec.headerSize
        var accepted = 0
        for index in header..<bytes.count {
            for change: UInt8 in [0x01, 0x80, 0xff] {
                var crafted = bytes
                crafted[index] ^= change
                let checksum = GraphSnapshotCodec.checksum(crafted[header...])
                withUnsafeBytes(of: checksum.littleEndian) { crafted.replaceSubrange(12..<20, with: $0) }
                guard let graph = try? GraphSnapshotCodec.decode(crafted) else { continue }
                accepted += 1
                let pathfinder = Pathfinder(graph: graph)
                for payer in 0..<graph.nodeCount {
                    for payee in 0..<graph.nodeCount where payee != payer {
                        _ = pathfinder.route(RouteQuery(payer: NodeIndex(payer), payee: NodeIndex(payee), amount: MilliSatoshi(5000)))
                    }
                }
            }
        }
        // Changes to fees, ids and aliases stay valid graphs; most others are caught.
        #expect(accepted > 0)
    }

    @Test func anotherVersionIsRefused() throws {
        var bytes = GraphSnapshotCodec.encode(sample())
        bytes[8] &+= 1
        #expect(throws: GraphSnapshotError.version(GraphSnapshotCodec.version + 1)) { try GraphSnapshotCodec.decode(bytes) }
    }

    @Test func importedGraphRoundTrips() throws {
        let path = sharedDirectory() + "/data/graphs/lnd_basic_graph.json"
        let file = try #require(fopen(path, "rb"))
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            contents += chunk[0..<count]
        }
        let graph = try GraphImporter.parse(contents)
        let bytes = GraphSnapshotCodec.encode(graph)
        #expect(GraphSnapshotCodec.encode(try GraphSnapshotCodec.decode(bytes)) == bytes)
    }
}
