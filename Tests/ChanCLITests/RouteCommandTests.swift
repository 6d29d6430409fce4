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
        // Two parts of 75k sat over 100k sat channels: 0.4% likely, so a lower minimum than 1%.
        let mpp = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp", "--min-probability", "0.001",
        ])
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

    // MARK: Limits of multi-part plans (issue 10)

    @Test func maxFeeBoundsTheTotalFeeOfAMultiPartPlan() throws {
        let base = ["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp", "--min-probability", "0"]
        // Two parts of 75k sat: 150_200 msat via B and 300_400 via D. Any split pays at least
        // about 400k msat (A -> B cannot carry more than 100k sat with its fees).
        let free = try ChanProcess.run(base)
        #expect(free.status == 0)
        #expect(free.object["fee_msat"] as? Int == 450_600)

        // Each part may keep within 300k msat; the plan cannot.
        let capped = try ChanProcess.run(base + ["--max-fee", "300000msat"])
        #expect(capped.status == 1, "\(capped.stdout)")
        #expect(capped.stdout.isEmpty)
        #expect(capped.error["code"] as? String == "no_route")
        let message = try #require(capped.error["message"] as? String)
        #expect(message.contains("the cheapest plan found without the fee limit (2 parts) costs 450600 msat in fees in total, above the maximum of 300000 msat"), "\(message)")

        // Under a limit between the two, the planner finds a cheaper split within it.
        let limited = try ChanProcess.run(base + ["--max-fee", "450599msat"])
        #expect(limited.status == 0)
        let fee = try #require(limited.object["fee_msat"] as? Int)
        let parts = try #require(limited.object["parts"] as? [[String: Any]])
        #expect(fee <= 450_599)
        #expect(parts.reduce(0) { $0 + ($1["fee_msat"] as? Int ?? 0) } == fee)
    }

    @Test func unlikelyAnswersAreNoRouteBelowTheMinimumProbability() throws {
        let base = ["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp"]
        let unlikely = try ChanProcess.run(base)
        #expect(unlikely.status == 1)
        #expect(unlikely.error["code"] as? String == "no_route")
        #expect((unlikely.error["message"] as? String)?.contains("succeeds with probability 0.00383") == true)
        #expect((unlikely.error["message"] as? String)?.contains("below the minimum of 0.01") == true)

        // Single path: 99k sat over 100k sat channels.
        let single = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "99000"])
        #expect(single.error["code"] as? String == "no_route")
        #expect((single.error["message"] as? String)?.contains("the cheapest route succeeds with probability") == true)
        let allowed = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "99000", "--min-probability", "0"])
        #expect(allowed.status == 0)
        let certain = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "99000", "--no-probability"])
        #expect(certain.status == 0)

        for bad in ["1.5", "-0.1", "nan", "x"] {
            let refused = try ChanProcess.run(base + ["--min-probability=\(bad)"])
            #expect(refused.status == 64, "\(bad)")
            #expect(refused.error["code"] as? String == "usage", "\(bad): \(refused.stderr)")
        }
    }

    @Test func aSinglePathNoRouteSaysWhenMultiPartWouldWork() throws {
        let result = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--min-probability", "0",
        ])
        #expect(result.status == 1)
        let message = try #require(result.error["message"] as? String)
        #expect(message.contains("no single path can carry the amount"))
        #expect(message.contains("a multi-part payment would find a plan (2 parts, "))
        #expect(message.hasSuffix("try --mpp"))
        // And not when it would not.
        let hopeless = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "1btc"])
        #expect((hopeless.error["message"] as? String)?.contains("--mpp") == false)
    }

    // MARK: Explain JSON (issue 10)

    @Test func explainKeysAreSnakeCaseAndCostsWholeMsat() throws {
        let explained = try ChanProcess.run([
            "route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "--explain",
        ])
        #expect(!explained.stdout.contains("node_i_ds"))
        #expect(!explained.stdout.contains("IDs"))
        let explain = try #require(explained.object["explain"] as? [String: Any])
        let fallback = try #require((explain["alternatives"] as? [[String: Any]])?.first?["route"] as? [String: Any])
        #expect((fallback["node_ids"] as? [String])?.last == carol)
        // Every cost is an integer of msat: no fraction or exponent in the text.
        let costs = try #require(explain["cost"] as? [String: Any])
        for key in ["fees_msat", "cltv_risk_msat", "attempt_penalty_msat", "total_msat"] {
            #expect(costs[key] is Int, "\(key): \(String(describing: costs[key]))")
        }
        #expect(fallback["cost_msat"] is Int)
        let json = try JSON.parse(explained.stdout)
        #expect(json["explain"]?["cost"]?["total_msat"]?.int != nil)
        #expect(json["explain"]?["alternatives"]?[0]?["route"]?["cost_msat"]?.int != nil)
    }

    @Test func multiPartExplainHasOneChosenPlanAndPartCounts() throws {
        // A -> B -> C and A -> D -> C, 60k sat and at most 30k sat per HTLC: the 2-part plan
        // halves into the same four parts as the 4-part plan.
        let graph = try writeGraph(maxHtlcMsat: 30_000_000, capacitySat: 60_000)
        let result = try ChanProcess.run([
            "route", "--graph", graph, "--from", alice, "--to", carol, "--amount", "100000", "--mpp", "--explain", "--no-probability",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.object["parts"] as? [[String: Any]])?.count == 4)
        let explain = try #require(result.object["explain"] as? [String: Any])
        #expect(explain["cost_msat"] is Int)
        let plans = try #require(explain["plans"] as? [[String: Any]])
        #expect(plans.filter { $0["found"] as? Bool == true }.count == 2)
        #expect(plans.filter { $0["chosen"] as? Bool == true }.count == 1)
        #expect(plans.allSatisfy { $0["parts"] == nil })
        #expect(plans.compactMap { $0["part_count"] as? Int } == [4, 4])
    }

    @Test func explainOnAFailedSearchAddsDetails() throws {
        let arguments = ["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp"]
        let plain = try ChanProcess.run(arguments)
        let explained = try ChanProcess.run(arguments + ["--explain"])
        #expect(explained.status == 1)
        #expect(explained.stdout.isEmpty)
        #expect(explained.error["code"] as? String == "no_route")
        #expect(explained.error["message"] as? String == plain.error["message"] as? String)
        #expect(plain.error["details"] == nil)
        let details = try #require(explained.error["details"] as? [String: Any])
        #expect((details["parameters"] as? [String: Any])?["min_probability"] as? Double == 0.01)
        #expect((details["reasons"] as? [[String: Any]])?.first?["code"] as? String == "min_probability")
        let leftOut = try #require(details["left_out"] as? [[String: Any]])
        #expect(leftOut.first?["reason"] as? String == "htlc_maximum")
        let plans = try #require(details["plans"] as? [[String: Any]])
        #expect(plans.contains { $0["found"] as? Bool == true && $0["within_limits"] as? Bool == false })
        #expect(plans.allSatisfy { $0["chosen"] as? Bool == false })
    }

    /// The spec example's four nodes as two paths A -> B -> C and A -> D -> C (B charges 1000
    /// msat, D 2000), written as an LND graph file.
    private func writeGraph(maxHtlcMsat: Int, capacitySat: Int) throws -> String {
        let dave = "02e7b1aaac10977c38e9c61c74dc66840de211bcec3021603e7977bc5e28edabfd"
        func edge(_ id: Int, _ from: String, _ to: String, base: Int) -> [String: Any] {
            let (first, second) = from < to ? (from, to) : (to, from)
            return [
                "node_1": first, "node_2": second, "channel_id": id, "channel_flags": from == first ? 0 : 1,
                "channel_point": "89dc56859c6a082d15ba1a7f6cb6be3fea62e1746e2cb8497b1189155c21a233:\(id)",
                "message_flags": 1, "expiry": 40, "min_htlc": 1, "max_htlc": maxHtlcMsat, "fee_base_msat": base, "fee_rate": 0,
                "capacity": capacitySat,
            ]
        }
        let graph: [String: Any] = [
            "nodes": [alice, bob, carol, dave].map { ["pubkey": $0, "alias": ""] },
            "edges": [edge(1, alice, bob, base: 0), edge(2, bob, carol, base: 1000), edge(3, alice, dave, base: 0), edge(4, dave, carol, base: 2000)],
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chan-route-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: graph).write(to: url)
        return url.path
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
