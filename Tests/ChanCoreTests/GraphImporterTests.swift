import ChanCore
import ChanLedger
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Graph importers")
struct GraphImporterTests {
    private let a = node(1).hex
    private let b = node(2).hex
    private let c = node(3).hex

    private func parse(_ json: String) throws(GraphImportError) -> ChannelGraph {
        try GraphImporter.parse(Array(json.utf8))
    }

    private func policyOf(_ graph: ChannelGraph, _ id: String, _ direction: ChannelDirection) -> ChannelPolicy? {
        graph.edge(scid(id), direction).map { graph.policy($0) }
    }

    // MARK: Core Lightning listchannels

    @Test func clnNumericFields() throws {
        let graph = try parse("""
            {"channels": [
              {"source": "\(a)", "destination": "\(b)", "short_channel_id": "700000x1x0", "direction": 0,
               "public": true, "satoshis": 500000, "amount_msat": 500000000, "message_flags": 1,
               "channel_flags": 0, "active": true, "base_fee_millisatoshi": 1000, "fee_per_millionth": 10,
               "delay": 144, "htlc_minimum_msat": 1000, "htlc_maximum_msat": 495000000, "features": ""},
              {"source": "\(b)", "destination": "\(a)", "short_channel_id": "700000x1x0", "direction": 1,
               "public": true, "satoshis": 500000, "amount_msat": 500000000, "message_flags": 1,
               "channel_flags": 1, "active": true, "base_fee_millisatoshi": 0, "fee_per_millionth": 2500,
               "delay": 40, "htlc_minimum_msat": 1, "htlc_maximum_msat": 500000000, "features": ""}
            ]}
            """)
        #expect(graph.format == .clnListChannels)
        #expect(graph.nodeCount == 2)
        #expect(graph.channelCount == 1)
        #expect(graph.edgeCount == 2)
        let channel = graph.channel(try #require(graph.channel(scid("700000x1x0"))))
        #expect(channel.capacity == Satoshi(500_000))
        #expect(graph.nodeID(channel.node1) == node(1))
        #expect(policyOf(graph, "700000x1x0", .fromNode1) == policy(base: 1000, ppm: 10, delta: 144, min: 1000, max: 495_000_000))
        #expect(policyOf(graph, "700000x1x0", .fromNode2) == policy(base: 0, ppm: 2500, delta: 40, min: 1, max: 500_000_000))
    }

    /// A capacity above all bitcoin once overflowed the search's msat and probability sums
    /// (a trap in `chan route`): such a channel is skipped as corrupt.
    @Test func capacitiesAboveAllBitcoinAreSkipped() throws {
        let graph = try parse("""
            {"channels": [
              {"source": "\(a)", "destination": "\(b)", "short_channel_id": "700000x1x0", "direction": 0,
               "satoshis": 18446744073709552, "active": true, "base_fee_millisatoshi": 0, "fee_per_millionth": 0,
               "delay": 40, "htlc_minimum_msat": 1, "htlc_maximum_msat": 500000000},
              {"source": "\(b)", "destination": "\(c)", "short_channel_id": "700000x2x0", "direction": 0,
               "satoshis": 500000, "active": true, "base_fee_millisatoshi": 0, "fee_per_millionth": 0,
               "delay": 40, "htlc_minimum_msat": 1, "htlc_maximum_msat": 500000000}
            ]}
            """)
        #expect(graph.channelCount == 1)
        #expect(graph.skippedEntries == 1)
        #expect(graph.edge(scid("700000x1x0"), .fromNode1) == nil)
    }

    @Test func clnOldMsatStringsAndInactiveSides() throws {
        let graph = try parse("""
            {"channels": [
              {"source": "\(b)", "destination": "\(c)", "short_channel_id": "513887x1177x0", "public": true,
               "satoshis": 50000, "amount_msat": "50000000msat", "message_flags": 1, "channel_flags": 2,
               "active": false, "last_update": 1618492788, "base_fee_millisatoshi": 1000, "fee_per_millionth": 1,
               "delay": 144, "htlc_minimum_msat": "1000msat", "htlc_maximum_msat": "50000000msat", "features": ""},
              {"source": "\(c)", "destination": "\(b)", "short_channel_id": "513887x1177x0",
               "amount_msat": "50000000msat", "channel_flags": 3, "base_fee_millisatoshi": 0,
               "fee_per_millionth": 1, "delay": 6},
              {"source": "\(a)", "destination": "\(c)", "short_channel_id": "600000x2x1", "satoshis": 20000,
               "active": true, "base_fee_millisatoshi": 1, "fee_per_millionth": 2, "delay": 3}
            ]}
            """)
        #expect(graph.channelCount == 2)
        #expect(graph.edgeCount == 3)
        // node 2 < node 3, so 2 -> 3 is direction 0; `active: false` disables it.
        #expect(policyOf(graph, "513887x1177x0", .fromNode1) == policy(base: 1000, ppm: 1, delta: 144, min: 1000, max: 50_000_000, disabled: true))
        // No `active` field: channel_flags bit 1 says disabled; no htlc fields: 0 and the capacity.
        #expect(policyOf(graph, "513887x1177x0", .fromNode2) == policy(base: 0, ppm: 1, delta: 6, min: 0, max: 50_000_000, disabled: true))
        #expect(policyOf(graph, "600000x2x1", .fromNode1) == policy(base: 1, ppm: 2, delta: 3, min: 0, max: 20_000_000))
        #expect(policyOf(graph, "600000x2x1", .fromNode2) == nil)
        #expect(GraphStatistics(graph).enabledDirections == 1)
    }

    // MARK: LND describegraph

    @Test func lndDescribeGraphStringsNullPoliciesAndAliases() throws {
        let graph = try parse("""
            {"nodes": [
               {"pub_key": "\(a)", "alias": "caf\\u00e9 \\ud83d\\udc19", "addresses": [{"network": "tcp", "addr": "1.2.3.4:9735"}],
                "features": {"0": {"name": "data-loss-protect", "is_required": true}}, "last_update": 1},
               {"pub_key": "\(b)", "alias": ""},
               {"pub_key": "\(c)", "alias": "lonely"}
             ],
             "edges": [
               {"channel_id": "769658139443265537", "chan_point": "ab:1", "last_update": 5,
                "node1_pub": "\(a)", "node2_pub": "\(b)", "capacity": "250000",
                "node1_policy": {"time_lock_delta": 80, "min_htlc": "1000", "fee_base_msat": "1000",
                                 "fee_rate_milli_msat": "1", "disabled": false, "max_htlc_msat": "247500000",
                                 "last_update": 5, "custom_records": {}},
                "node2_policy": null, "custom_records": {}},
               {"channel_id": "7", "scid_synthetic": "1x2x3", "node1_pub": "\(b)", "node2_pub": "\(c)",
                "capacity": "1000", "node1_policy": null,
                "node2_policy": {"time_lock_delta": 9, "min_htlc": "0", "fee_base_msat": "0",
                                 "fee_rate_milli_msat": "0", "disabled": true, "max_htlc_msat": "1000000"}},
               {"channel_id": "8", "scid_synthetic": "1x2x4", "node1_pub": "\(b)", "node2_pub": "\(c)",
                "capacity": "1000", "node1_policy": null, "node2_policy": null}
             ]}
            """)
        #expect(graph.format == .lndDescribeGraph)
        #expect(graph.nodeCount == 3)
        #expect(graph.channelCount == 3)
        #expect(graph.edgeCount == 2)
        #expect(graph.alias(graph.index(1)) == "café 🐙")
        #expect(graph.alias(graph.index(2)) == nil)
        // channel_id is LND's packed short channel id: 700000 << 40 | 1 << 16 | 1.
        #expect(policyOf(graph, "700000x1x1", .fromNode1) == policy(base: 1000, ppm: 1, delta: 80, min: 1000, max: 247_500_000))
        #expect(policyOf(graph, "700000x1x1", .fromNode2) == nil)
        #expect(policyOf(graph, "1x2x3", .fromNode2) == policy(delta: 9, max: 1_000_000, disabled: true))
        #expect(graph.channel(graph.channel(scid("1x2x4"))!).capacity == Satoshi(1000))
        let stats = GraphStatistics(graph)
        #expect(stats.enabledDirections == 1)
        #expect(stats.totalCapacity == Satoshi(252_000))
    }

    @Test func bothFormatsOfOneGraphGiveTheSameRoute() throws {
        let cln = try parse("""
            {"channels": [
             {"source": "\(a)", "destination": "\(b)", "short_channel_id": "1x0x0", "satoshis": 1000000,
              "active": true, "base_fee_millisatoshi": 5, "fee_per_millionth": 5, "delay": 10},
             {"source": "\(b)", "destination": "\(c)", "short_channel_id": "2x0x0", "satoshis": 1000000,
              "active": true, "base_fee_millisatoshi": 1000, "fee_per_millionth": 100, "delay": 40}
            ]}
            """)
        let lnd = try parse("""
            {"nodes": [], "edges": [
             {"scid_synthetic": "2x0x0", "channel_id": "1", "node1_pub": "\(b)", "node2_pub": "\(c)", "capacity": "1000000",
              "node1_policy": {"time_lock_delta": 40, "min_htlc": "0", "fee_base_msat": "1000", "fee_rate_milli_msat": "100",
                               "disabled": false, "max_htlc_msat": "1000000000"}, "node2_policy": null},
             {"scid_synthetic": "1x0x0", "channel_id": "0", "node1_pub": "\(a)", "node2_pub": "\(b)", "capacity": "1000000",
              "node1_policy": {"time_lock_delta": 10, "min_htlc": "0", "fee_base_msat": "5", "fee_rate_milli_msat": "5",
                               "disabled": false, "max_htlc_msat": "1000000000"}, "node2_policy": null}
            ]}
            """)
        let fromCln = try Pathfinder(graph: cln).findRoute(query(cln, from: 1, to: 3, msat: 12_345_678))
        let fromLnd = try Pathfinder(graph: lnd).findRoute(query(lnd, from: 1, to: 3, msat: 12_345_678))
        #expect(fromCln == fromLnd)
        // 1000 + floor(12_345_678 * 100 / 1e6) = 1000 + 1234.
        #expect(fromCln.fee == MilliSatoshi(2234))
        #expect(fromCln.totalCltv == 58)
    }

    // MARK: LND test graphs from ../shared/data/graphs

    private func loadShared(_ name: String) throws -> ChannelGraph {
        let path = sharedDirectory() + "/data/graphs/" + name
        guard let file = fopen(path, "rb") else {
            Issue.record("cannot open \(path)")
            throw GraphImportError.unrecognizedFormat
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return try GraphImporter.parse(bytes)
    }

    @Test func lndSpecExampleRoutesLikeBolt7() throws {
        let graph = try loadShared("lnd_spec_example.json")
        #expect(graph.format == .lndTestGraph)
        #expect(graph.nodeCount == 4)
        #expect(graph.channelCount == 4)
        #expect(graph.edgeCount == 8)
        let bob = try #require(graph.node(NodeID(hex: "032b480de5d002f1a8fd1fe1bbf0a0f1b07760f65f052e66d56f15d71097c01add")!))
        let alice = try #require(graph.node(NodeID(hex: "0367cec75158a4129177bfb8b269cb586efe93d751b43800d456485e81c2620ca6")!))
        let carol = try #require(graph.node(NodeID(hex: "03c19f0027ffbb0ae0e14a4d958788793f9d74e107462473ec0c3891e4feb12e99")!))
        #expect(graph.defaultPayer == bob)
        let pathfinder = Pathfinder(graph: graph)

        // B -> C directly: no fee, only the final CLTV.
        let direct = try pathfinder.findRoute(RouteQuery(payer: bob, payee: carol, amount: MilliSatoshi(4_999_999)))
        #expect(direct.totalAmount == MilliSatoshi(4_999_999))
        #expect(direct.totalCltv == 18)

        // A -> B -> C: B charges 200 + floor(4_999_999 * 2000 / 1e6) = 10_199 and adds 20 blocks.
        let viaBob = try pathfinder.findRoute(RouteQuery(payer: alice, payee: carol, amount: MilliSatoshi(4_999_999)))
        #expect(viaBob.hops.map(\.node) == [bob, carol])
        #expect(viaBob.channels == ["0x0x12345", "0x18x54941"])
        #expect(viaBob.fee == MilliSatoshi(10_199))
        #expect(viaBob.totalAmount == MilliSatoshi(5_010_198))
        #expect(viaBob.totalCltv == 38)
    }

    @Test func lndBasicGraphLoadsAndRoutes() throws {
        let graph = try loadShared("lnd_basic_graph.json")
        let stats = GraphStatistics(graph)
        #expect(stats.nodes == 7)
        #expect(stats.channels == 8)
        #expect(stats.directions == 16)
        #expect(stats.totalCapacity == Satoshi(710_000))
        let roasbeef = try #require(graph.defaultPayer)
        #expect(graph.alias(roasbeef) == "roasbeef")
        let sophon = try #require(graph.node(NodeID(hex: "036264734b40c9e91d3d990a8cdfbbe23b5b0b7ad3cd0e080a25dcd05d39eeb7eb")!))
        // Via songoku: 10 + 50_000_000 * 1000 / 1e6 = 50_010 msat and songoku's 1 block.
        let route = try Pathfinder(graph: graph).findRoute(
            RouteQuery(payer: roasbeef, payee: sophon, amount: MilliSatoshi(50_000_000), options: certain))
        #expect(route.hops.map { graph.alias($0.node) } == ["songoku", "sophon"])
        #expect(route.channels == ["0x0x12345", "0x53x21937"])
        #expect(route.fee == MilliSatoshi(50_010))
        #expect(route.totalCltv == 19)
    }

    // MARK: Bad input

    @Test func malformedFilesGiveCodedErrors() throws {
        #expect(throws: GraphImportError.syntax(offset: 14, expected: "']' or a value")) { try parse(#"{"channels": ["#) }
        #expect(throws: GraphImportError.missingField(name: "source", offset: 16)) { try parse(#"{"channels": [{}]}"#) }
        #expect(throws: GraphImportError.syntax(offset: 0, expected: "'{'")) { try parse("") }
        #expect(throws: GraphImportError.unrecognizedFormat) { try parse(#"{"something": [1, 2.5e3, {"x": null}]}"#) }
        #expect(throws: GraphImportError.syntax(offset: 17, expected: "the end of the file")) { try parse(#"{"channels": []} x"#) }

        let badKey = #"{"channels": [{"source": "02zz"}]}"#
        #expect(throws: GraphImportError.invalidField(name: "source", offset: 25, reason: "not a 33-byte compressed public key in hex")) {
            try parse(badKey)
        }
        let missing = #"{"channels": [{"source": "\#(a)", "destination": "\#(b)"}]}"#
        #expect(throws: GraphImportError.self) { try parse(missing) }
        let negative = #"{"channels": [{"satoshis": -5}]}"#
        #expect(throws: GraphImportError.invalidField(name: "satoshis", offset: 27, reason: "not a non-negative integer")) {
            try parse(negative)
        }
        let tooBig = #"{"channels": [{"delay": 70000}]}"#
        #expect(throws: GraphImportError.invalidField(name: "delay", offset: 24, reason: "above 65535")) { try parse(tooBig) }
        #expect(GraphImportError.unrecognizedFormat.code == "graph_unknown_format")
        #expect(GraphImportError.syntax(offset: 0, expected: "x").code == "graph_corrupt")
    }

    @Test("strict JSON: numbers, UTF-8, surrogates, nesting and 64-bit integers give coded errors")
    func strictJSONGivesCodedErrors() throws {
        // Unknown fields are skipped, but they must still be JSON.
        for number in ["01", "1.", "1e", "-", "1e+", "--1", "1-2", "+1", ".5"] {
            #expect(throws: GraphImportError.self, "\(number)") { try parse(#"{"channels": [], "x": \#(number)}"#) }
        }
        for number in ["0", "-0", "10", "1.5", "1e9", "-2.5E-3"] {
            #expect(throws: Never.self, "\(number)") { try parse(#"{"channels": [], "x": \#(number)}"#) }
        }
        // Text must be UTF-8: a stray continuation byte, an overlong form, an encoded surrogate,
        // a cut-off sequence.
        for bad: [UInt8] in [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf5, 0x80, 0x80, 0x80]] {
            let file = Array(#"{"channels": [], "x": "a"#.utf8) + bad + Array(#""}"#.utf8)
            #expect(throws: GraphImportError.syntax(offset: 24, expected: "valid UTF-8 text"), "\(bad)") { try GraphImporter.parse(file) }
        }
        #expect(throws: Never.self) { try GraphImporter.parse(Array(#"{"channels": [], "x": "é€𝄞"}"#.utf8)) }
        // An alias with a lone surrogate escape is no text.
        let lone = #"{"nodes": [{"pub_key": "\#(a)", "alias": "x\ud800y"}], "edges": []}"#
        #expect(throws: GraphImportError.self) { try parse(lone) }
        let paired = #"{"nodes": [{"pub_key": "\#(a)", "alias": "\ud834\udd1e"}], "edges": []}"#
        #expect(throws: Never.self) { try parse(paired) }
        // Nesting deeper than any graph file is refused before it can exhaust the stack.
        let deep = #"{"channels": [], "x": "# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(throws: GraphImportError.syntax(offset: 278, expected: "less deeply nested values")) { try parse(deep) }
        // An integer field beyond 64 bits.
        #expect(throws: GraphImportError.invalidField(name: "satoshis", offset: 27, reason: "too large")) {
            try parse(#"{"channels": [{"satoshis": 18446744073709551616}]}"#)
        }
    }

    @Test func damagedBytesAreRejectedWithoutCrashing() throws {
        let path = sharedDirectory() + "/data/graphs/lnd_spec_example.json"
        let original = try loadShared("lnd_spec_example.json")
        #expect(original.edgeCount == 8)
        var bytes: [UInt8] = []
        if let file = fopen(path, "rb") {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = fread(&chunk, 1, chunk.count, file)
            bytes = Array(chunk[0..<count])
            fclose(file)
        }
        #expect(bytes.count > 1000)
        // Every truncation either parses (trailing whitespace only) or throws.
        var rejected = 0
        for length in 0..<bytes.count where (try? GraphImporter.parse(Array(bytes[0..<length]))) == nil {
            rejected += 1
        }
        // Only the cuts inside the trailing whitespace keep the closing brace.
        let trailingWhitespace = bytes.reversed().prefix { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }.count
        #expect(rejected == bytes.count - trailingWhitespace)
        // Random byte flips: any outcome but a crash.
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            var damaged = bytes
            for _ in 0..<3 {
                damaged[Int(random.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? GraphImporter.parse(damaged)
        }
    }
}
