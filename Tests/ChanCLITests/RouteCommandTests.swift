import Foundation
import Testing

@Suite("chan route / graph stats / bench pathfind")
struct RouteCommandTests {
    private let alice = "0367cec75158a4129177bfb8b269cb586efe93d751b43800d456485e81c2620ca6"
    private let bob = "032b480de5d002f1a8fd1fe1bbf0a0f1b07760f65f052e66d56f15d71097c01add"
    private let carol = "03c19f0027ffbb0ae0e14a4d958788793f9d74e107462473ec0c3891e4feb12e99"
    private var spec: String { ChanProcess.graph("lnd_spec_example.json") }

    @Test func routeOnTheSpecExample() throws {
        let result = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let json = result.object
        #expect(json["amount_msat"] as? Int == 4_999_999)
        #expect(json["total_amount_msat"] as? Int == 5_010_198)
        #expect(json["fee_msat"] as? Int == 10_199)
        #expect(json["total_cltv"] as? Int == 38)
        // Uniform liquidity on the two 100_000 sat channels, from the payee backwards.
        let capacity = 100_000_001.0
        #expect(json["probability"] as? Double == ((capacity - 4_999_999) / capacity) * ((capacity - 5_010_198) / capacity))

        let hops = try #require(json["hops"] as? [[String: Any]])
        #expect(hops.count == 2)
        #expect(hops[0]["node_id"] as? String == bob)
        #expect(hops[0]["short_channel_id"] as? String == "0x0x12345")
        #expect(hops[0]["amount_msat"] as? Int == 5_010_198)
        #expect(hops[0]["fee_msat"] as? Int == 10_199)
        #expect(hops[0]["cltv_expiry_delta"] as? Int == 20)
        #expect(hops[1]["node_id"] as? String == carol)
        #expect(hops[1]["short_channel_id"] as? String == "0x18x54941")
        #expect(hops[1]["amount_msat"] as? Int == 4_999_999)
        #expect(hops[1]["fee_msat"] as? Int == 0)
        #expect(hops[1]["cltv_expiry_delta"] as? Int == 18)
    }

    @Test func noProbabilityAndDefaultPayer() throws {
        // Without --from the graph's "source": true node (B) pays.
        let result = try ChanProcess.run(["route", "--graph", spec, "--to", carol, "--amount", "1000", "--no-probability"])
        #expect(result.status == 0)
        #expect(result.object["probability"] as? Double == 1)
        #expect(result.object["total_amount_msat"] as? Int == 1_000_000)
        #expect(result.object["total_cltv"] as? Int == 18)
    }

    @Test func limitsChangeTheRoute() throws {
        // A -> C: via B costs 10_199 msat and 38 blocks; via D costs 20_399 msat and 58 blocks.
        let capped = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "--cltv-limit", "37",
        ])
        #expect(capped.status == 1)
        #expect(capped.error["code"] as? String == "no_route")
        #expect((capped.error["message"] as? String)?.contains("(via 0x0x12345, 0x18x54941) needs 38 blocks, above the limit of 37") == true)

        let cheap = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "--max-fee", "10198msat",
        ])
        #expect(cheap.status == 1)
        #expect((cheap.error["message"] as? String)?.contains("(via 0x0x12345, 0x18x54941) costs 10199 msat in fees, above the maximum of 10198 msat") == true)

        let final = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "--final-cltv", "40",
            "--risk-factor", "0",
        ])
        #expect(final.object["total_cltv"] as? Int == 60)
    }

    @Test func noRouteIsAJSONErrorWithExitStatus1() throws {
        let result = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "1btc"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.error["code"] as? String == "no_route")
        let message = try #require(result.error["message"] as? String)
        #expect(message.contains("no single path can carry the amount: the widest carries 100000000 msat"))
    }

    @Test func mppAndExplain() throws {
        let mpp = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp"])
        #expect(mpp.status == 0)
        let parts = try #require(mpp.object["parts"] as? [[String: Any]])
        #expect(parts.count >= 2)
        #expect(parts.reduce(0) { $0 + ($1["amount_msat"] as? Int ?? 0) } == 150_000_000)
        #expect(mpp.object["amount_msat"] as? Int == 150_000_000)

        let explained = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "--explain",
        ])
        let explain = try #require(explained.object["explain"] as? [String: Any])
        let alternatives = try #require(explain["alternatives"] as? [[String: Any]])
        #expect(alternatives.count == 2)
        let fallback = try #require(alternatives[0]["route"] as? [String: Any])
        #expect(fallback["fee_msat"] as? Int == 20_399)
        #expect(fallback["total_cltv"] as? Int == 58)
        #expect((explain["cost"] as? [String: Any])?["fees_msat"] as? Double == 10_199)
    }

    @Test func badInputGetsCodedErrors() throws {
        let cases: [([String], String, Int32)] = [
            (["route", "--graph", spec, "--from", alice, "--to", "02" + String(repeating: "ab", count: 32), "--amount", "1000"], "unknown_node", 1),
            (["route", "--graph", spec, "--from", alice, "--to", "04abcd", "--amount", "1000"], "invalid_pubkey", 64),
            (["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "12abc"], "invalid_amount", 64),
            (["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "0"], "invalid_amount", 64),
            (["route", "--graph", spec, "--from", alice, "--to", alice, "--amount", "10"], "same_payer_and_payee", 1),
            (["route", "--graph", "/nonexistent.json", "--from", alice, "--to", carol, "--amount", "1000"], "graph_file_not_found", 1),
            (["route", "--graph", ChanProcess.graph("README.md"), "--from", alice, "--to", carol, "--amount", "1000"], "graph_corrupt", 1),
        ]
        for (arguments, code, status) in cases {
            let result = try ChanProcess.run(arguments)
            #expect(result.status == status, "\(arguments)")
            #expect(result.error["code"] as? String == code, "\(arguments): \(result.stderr)")
        }
        let usage = try ChanProcess.run(["route", "--graph", spec, "--to", carol])
        #expect(usage.status == 64)
        #expect(usage.error["code"] as? String == "usage")
    }

    @Test func graphStats() throws {
        let result = try ChanProcess.run(["graph", "stats", "--graph", ChanProcess.graph("lnd_basic_graph.json")])
        #expect(result.status == 0)
        let json = result.object
        #expect(json["nodes"] as? Int == 7)
        #expect(json["channels"] as? Int == 8)
        #expect(json["enabled_directions"] as? Int == 16)
        #expect(json["largest_connected_nodes"] as? Int == 7)
        #expect(json["total_capacity_sat"] as? Int == 710_000)
        #expect(json["format"] as? String == "lnd_testgraph")
    }

    @Test func benchPathfindReportsEverySection() throws {
        let result = try ChanProcess.run([
            "bench", "pathfind", "--graph", ChanProcess.graph("lnd_basic_graph.json"), "--pairs", "25", "--seed", "7", "--mpp",
        ])
        #expect(result.status == 0)
        let json = result.object
        for key in ["load_ms", "peak_rss_mb", "single", "mpp"] { #expect(json[key] != nil, "\(key)") }
        let single = try #require(json["single"] as? [String: Any])
        #expect(single["tried"] as? Int == 25)
        for key in ["p50_ms", "p90_ms", "p99_ms", "found", "mean_hops"] { #expect(single[key] != nil, "\(key)") }
        // The same seed draws the same pairs.
        let again = try ChanProcess.run([
            "bench", "pathfind", "--graph", ChanProcess.graph("lnd_basic_graph.json"), "--pairs", "25", "--seed", "7",
        ])
        #expect((again.object["single"] as? [String: Any])?["found"] as? Int == single["found"] as? Int)
        #expect((again.object["single"] as? [String: Any])?["mean_hops"] as? Double == single["mean_hops"] as? Double)
    }
}
