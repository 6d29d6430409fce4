import Foundation
import Testing

/// Payments across the network, as a user scripts them: `network up`, gossip everyone sees,
/// fees as each `channel_update` says, forwards, keysend, multi-part, private channels reached
/// through route hints, a damaged onion, a forwarder killed mid-payment, a payee that never answers.
@Suite(.serialized) struct MultiHopTests {
    static func policy(_ base: Int, _ ppm: Int, _ delta: Int) -> String {
        "{\"fee_base_msat\": \(base), \"fee_proportional_millionths\": \(ppm), \"cltv_expiry_delta\": \(delta)}"
    }

    /// alice - bob - carol - dave, each forwarder with its own policy on its outgoing channel.
    static let line = """
        {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}, {"name": "dave"}],
         "channels": [
          {"from": "alice", "to": "bob", "capacity_sat": 1000000},
          {"from": "bob", "to": "carol", "capacity_sat": 1000000, "from_policy": \(policy(1000, 100, 40))},
          {"from": "carol", "to": "dave", "capacity_sat": 1000000, "from_policy": \(policy(2000, 500, 30))}]}
        """

    static func invoice(_ chan: ChanProcess, _ node: String, _ amount: String, _ extra: String...) throws -> String {
        try #require(try chan.run(["-n", node, "invoice", amount] + extra).json["invoice"]?.string)
    }

    @Test func aLineOfFourPaysExactlyTheAnnouncedFees() throws {
        let (network, up) = try NodeNetwork.up(Self.line)
        let chan = network.chan
        #expect(up["channels"]?.array?.count == 3)
        // Every node sees the whole network: 3 channels with both policies, 4 named nodes.
        for node in ["alice", "bob", "carol", "dave"] {
            let graph = try chan.ok("-n", node, "graph")
            let channels = try #require(graph["channels"]?.array)
            #expect(channels.count == 3 && channels.allSatisfy { !($0["node1_policy"]?.isNull ?? true) && !($0["node2_policy"]?.isNull ?? true) })
            #expect(Set(graph["nodes"]?.array?.compactMap { $0["alias"]?.string } ?? []) == ["alice", "bob", "carol", "dave"])
        }

        let paid = try chan.ok("-n", "alice", "pay", try Self.invoice(chan, "dave", "50000"))
        // carol keeps 2000 + 50,000,000 * 500 / 1e6; bob 1000 + 50,027,000 * 100 / 1e6 (rounded down).
        #expect(paid["status"]?.string == "succeeded" && paid["fee_msat"]?.int == 27_000 + 6_002)
        let route = try #require(paid["attempts"]?[0]?["route"]?.array)
        #expect(route.compactMap { $0["fee_msat"]?.int } == [6_002, 27_000, 0])
        #expect(route.compactMap { $0["amount_msat"]?.int } == [50_033_002, 50_027_000, 50_000_000])
        // CLTV deltas as announced, then the payee's 18 and 2 blocks of margin.
        #expect(route.compactMap { $0["cltv_expiry_delta"]?.int } == [40, 30, 20])
        for (node, fee) in [("bob", 6_002), ("carol", 27_000)] {
            let forward = try #require(try chan.ok("-n", node, "forwards")["forwards"]?[0])
            #expect(forward["status"]?.string == "settled" && forward["fee_msat"]?.int == Int64(fee), "\(node)")
            #expect(forward["in_msat"]?.int.map { $0 - (forward["out_msat"]?.int ?? 0) } == Int64(fee))
        }
        // Both ends of every channel agree on its balances.
        for channel in try #require(up["channels"]?.array) {
            let id = try #require(channel["channel_id"]?.string)
            let opener = try network.channel(try #require(channel["from"]?.string), id)
            let acceptor = try network.channel(try #require(channel["to"]?.string), id)
            #expect(opener["to_local_msat"] == acceptor["to_remote_msat"] && opener["to_remote_msat"] == acceptor["to_local_msat"])
        }
        let dave = try network.channel("dave", try #require(up["channels"]?[2]?["channel_id"]?.string))
        #expect(dave["to_local_msat"]?.int == 50_000_000)

        // A new policy reaches the payer by gossip, and the next payment pays it.
        _ = try chan.ok("-n", "carol", "fees", "set", try #require(up["channels"]?[2]?["short_channel_id"]?.string), "--base", "3000", "--ppm", "0")
        var seen = false
        for _ in 0..<100 where !seen {
            let graph = try chan.ok("-n", "alice", "graph")
            seen = graph["channels"]?.array?.contains { $0["node1_policy"]?["fee_base_msat"]?.int == 3000 || $0["node2_policy"]?["fee_base_msat"]?.int == 3000 } == true
            if !seen { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(seen)
        let second = try chan.ok("-n", "alice", "pay", try Self.invoice(chan, "dave", "10000"))
        #expect(second["fee_msat"]?.int == Int64(3_000 + 1_000 + 1_000))  // bob: 1000 + 10,003,000 * 100 / 1e6 = 1000.3, rounded down

        // Keysend: no invoice; dave records it as a paid invoice.
        let keysend = try chan.ok("-n", "alice", "pay", "--keysend", "dave", "1000")
        #expect(keysend["status"]?.string == "succeeded")
        let invoices = try #require(try chan.ok("-n", "dave", "invoices")["invoices"]?.array)
        #expect(invoices.contains { $0["description"]?.string == "keysend" && $0["status"]?.string == "paid" && $0["received_msat"]?.int == 1_000_000 })

        // The live route agrees with what was paid.
        let daveID = try #require(try chan.ok("-n", "dave", "info")["node_id"]?.string)
        let live = try chan.ok("-n", "alice", "route", "--to", daveID, "--amount", "50000")
        #expect(live["hops"]?.array?.count == 3 && live["fee_msat"]?.int == 3_000 + 1_000 + 5_000)
        // A failed live search with --explain carries its details across the RPC socket.
        let failed = try chan.run("-n", "alice", "route", "--to", daveID, "--amount", "1btc", "--explain")
        #expect(failed.status == 1 && failed.errorCode == "no_route")
        let details = (try? JSON.parse(failed.stderr))?["error"]?["details"]
        #expect(details?["reasons"]?.array?.isEmpty == false && details?["parameters"] != nil, "\(failed.stderr)")
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }

    @Test func aDamagedOnionIsFailedBackAndReported() throws {
        let (network, _) = try NodeNetwork.up(Self.line)
        let chan = network.chan
        // carol cannot read the onion: update_fail_malformed_htlc to bob, who fails it back to alice.
        let invoice = try Self.invoice(chan, "dave", "1000")
        let outcome = try chan.run("-n", "alice", "pay", "--corrupt-onion", invoice)
        #expect(outcome.status != 0)
        let payment = try #require(try chan.ok("-n", "alice", "payments")["payments"]?[0])
        let attempt = try #require(payment["attempts"]?[0])
        #expect(attempt["failure_code"]?.string == "invalid_onion_hmac" && attempt["failing_hop"]?.int == 0)
        #expect(outcome.error["message"].map { "\($0)" }?.contains("invalid_onion_hmac") == true)
        let forward = try #require(try chan.ok("-n", "bob", "forwards")["forwards"]?[0])
        #expect(forward["status"]?.string == "failed")
        // Nothing moved: alice's channel is as it was opened.
        let balance = try #require(try chan.ok("-n", "alice", "channels")["channels"]?[0]?["htlcs"]?.array)
        #expect(balance.isEmpty)
        // A failed payment may be tried again. alice learned that bob's channel to carol failed:
        // no route is left for now, so nothing is sent, and the record of the first try stays.
        let again = try chan.run("-n", "alice", "pay", invoice)
        #expect(again.status != 0 && again.errorCode == "no_route")
        #expect(try chan.ok("-n", "alice", "info")["node_id"]?.string != nil)
        let payments = try #require(try chan.ok("-n", "alice", "payments")["payments"]?.array)
        #expect(payments.count == 1 && payments[0]["attempts"]?.array?.count == 1 && payments[0]["status"]?.string == "failed")
    }

    @Test func aPaymentLargerThanAnyChannelArrivesInParts() throws {
        // Two paths of 600,000 sat from alice to dave.
        let (network, _) = try NodeNetwork.up("""
            {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}, {"name": "dave"}],
             "channels": [
              {"from": "alice", "to": "bob", "capacity_sat": 600000}, {"from": "alice", "to": "carol", "capacity_sat": 600000},
              {"from": "bob", "to": "dave", "capacity_sat": 600000}, {"from": "carol", "to": "dave", "capacity_sat": 600000}]}
            """)
        let chan = network.chan
        let paid = try chan.ok("-n", "alice", "pay", try Self.invoice(chan, "dave", "900000"))
        let succeeded = try #require(paid["attempts"]?.array?.filter { $0["status"]?.string == "succeeded" })
        #expect(paid["status"]?.string == "succeeded" && succeeded.count >= 2)
        #expect(succeeded.compactMap { $0["amount_msat"]?.int }.reduce(0, +) == 900_000_000)
        let invoice = try #require(try chan.ok("-n", "dave", "invoices")["invoices"]?[0])
        #expect(invoice["status"]?.string == "paid" && invoice["received_msat"]?.int == 900_000_000)
        // More than every path together can carry: no route, and the answer says why.
        let tooMuch = try chan.run("-n", "alice", "pay", try Self.invoice(chan, "dave", "1500000"))
        #expect(tooMuch.status != 0 && tooMuch.errorCode == "no_route")
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }

    @Test func aPrivateChannelIsReachedThroughRouteHints() throws {
        let (network, up) = try NodeNetwork.up("""
            {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}],
             "channels": [{"from": "alice", "to": "bob", "capacity_sat": 500000},
                          {"from": "bob", "to": "carol", "capacity_sat": 500000, "private": true, "from_policy": \(Self.policy(500, 10, 20))}]}
            """)
        let chan = network.chan
        #expect(up["channels"]?[1]?["private"]?.bool == true)
        // alice's graph knows nothing of the private channel, nor of carol.
        let graph = try chan.ok("-n", "alice", "graph")
        #expect(graph["channels"]?.array?.count == 1)
        let invoice = try Self.invoice(chan, "carol", "20000")
        let hints = try #require(try chan.ok("decode", invoice)["route_hints"]?.array)
        #expect(hints.count == 1)
        let paid = try chan.ok("-n", "alice", "pay", invoice)
        #expect(paid["status"]?.string == "succeeded" && paid["fee_msat"]?.int == 500 + 200)
        // The private channel is shown as such to its ends.
        let bobs = try #require(try chan.ok("-n", "bob", "graph")["channels"]?.array)
        #expect(bobs.contains { $0["private"]?.bool == true })

        // bob raises his fee after carol's next invoice carried the old one in its hint: for a
        // while bob still forwards on the old terms (one attempt, the old fee).
        let hinted = try Self.invoice(chan, "carol", "20000")
        _ = try chan.ok("-n", "bob", "fees", "set", try #require(up["channels"]?[1]?["short_channel_id"]?.string), "--base", "5000")
        let onOldTerms = try chan.ok("-n", "alice", "pay", hinted)
        #expect(onOldTerms["fee_msat"]?.int == 500 + 200 && onOldTerms["attempts"]?.array?.count == 1)
    }

    @Test func aForwarderKilledMidPaymentResumes() throws {
        let (network, up) = try NodeNetwork.up("""
            {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}],
             "channels": [{"from": "alice", "to": "bob", "capacity_sat": 500000}, {"from": "bob", "to": "carol", "capacity_sat": 500000}]}
            """)
        let chan = network.chan
        // A hold invoice keeps the payment in flight while bob is killed and restarted.
        let created = try chan.ok("-n", "carol", "invoice", "30000", "--hold")
        let invoice = try #require(created["invoice"]?.string), hash = try #require(created["payment_hash"]?.string)
        let paying = try chan.start(["-n", "alice", "pay", invoice, "--timeout", "60"])
        _ = try chan.ok("-n", "carol", "wait", "--payment", hash, "--timeout", "20")  // held
        let forward = try #require(try chan.ok("-n", "bob", "forwards")["forwards"]?[0])
        #expect(forward["status"]?.string == "offered")
        kill(try network.pid("bob"), SIGKILL)
        network.stopped("bob")
        try network.restart("bob")
        _ = try chan.ok("-n", "carol", "settle", hash)
        let paid = paying.wait()
        #expect(paid.status == 0, "\(paid.stderr)")
        #expect(try paid.json["status"]?.string == "succeeded")
        // bob learned the preimage and passed it on: his forward settled once, with its fee.
        for _ in 0..<100 {
            if try chan.ok("-n", "bob", "forwards")["forwards"]?[0]?["status"]?.string == "settled" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let settled = try #require(try chan.ok("-n", "bob", "forwards")["forwards"]?.array)
        #expect(settled.count == 1 && settled[0]["status"]?.string == "settled" && settled[0]["fee_msat"]?.int == 1_030)
        for channel in try #require(up["channels"]?.array) {
            let id = try #require(channel["channel_id"]?.string)
            for _ in 0..<100 {
                let opener = try network.channel(try #require(channel["from"]?.string), id)
                let acceptor = try network.channel(try #require(channel["to"]?.string), id)
                if opener["htlcs"]?.array?.isEmpty == true && acceptor["htlcs"]?.array?.isEmpty == true
                    && opener["to_local_msat"] == acceptor["to_remote_msat"] { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let opener = try network.channel(try #require(channel["from"]?.string), id)
            let acceptor = try network.channel(try #require(channel["to"]?.string), id)
            #expect(opener["to_local_msat"] == acceptor["to_remote_msat"] && opener["htlcs"]?.array?.isEmpty == true)
        }
    }

    @Test func aPayeeThatNeverAnswersCostsNobodyAnything() throws {
        let (network, _) = try NodeNetwork.up("""
            {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}],
             "channels": [{"from": "alice", "to": "bob", "capacity_sat": 500000}, {"from": "bob", "to": "carol", "capacity_sat": 500000}]}
            """)
        let chan = network.chan
        let created = try chan.ok("-n", "carol", "invoice", "30000", "--hold")
        let invoice = try #require(created["invoice"]?.string), hash = try #require(created["payment_hash"]?.string)
        let paying = try chan.start(["-n", "alice", "pay", invoice, "--timeout", "120"])
        _ = try chan.ok("-n", "carol", "wait", "--payment", hash, "--timeout", "20")
        // carol goes away for good with the HTLC: bob's HTLC to her times out on the ledger, and
        // bob fails alice's back before it could time out too.
        try network.stop("carol")
        var failed = false
        for _ in 0..<120 where !failed {
            _ = try chan.ok("mine")
            Thread.sleep(forTimeInterval: 0.1)
            failed = try chan.ok("-n", "alice", "payments")["payments"]?[0]?["status"]?.string == "failed"
        }
        #expect(failed)
        let outcome = paying.wait()
        #expect(outcome.status != 0)
        // alice's channel with bob is whole again and still open: nothing lost off the ledger.
        let alices = try #require(try chan.ok("-n", "alice", "channels")["channels"]?[0])
        #expect(alices["state"]?.string == "normal" && alices["htlcs"]?.array?.isEmpty == true)
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }
}

/// `network up`, `export` and `down` as a user scripts them, and gossip forgetting a closed channel.
@Suite(.serialized) struct NetworkCommandTests {
    @Test func exportBringsUpTheSameNetworkAndDownStopsEveryDaemon() throws {
        let (network, up) = try NodeNetwork.up(MultiHopTests.line)
        let chan = network.chan
        _ = try chan.ok("-n", "alice", "pay", try MultiHopTests.invoice(chan, "dave", "40000"))
        let exported = try chan.run("network", "export")
        #expect(exported.status == 0)
        let topology = try exported.json
        #expect(topology["nodes"]?.array?.count == 4 && topology["channels"]?.array?.count == 3)
        // bob now holds what alice paid across him: his balance is the channel's push.
        let first = try #require(topology["channels"]?.array?.first { $0["from"]?.string == "alice" })
        // dave's 40,000 sat, carol's 2000 + 20,000 and bob's 1000 + 4002 (40,022,000 * 100 / 1e6, rounded down).
        #expect(first["push_msat"]?.int == Int64(40_000_000 + 22_000 + 5_002))
        #expect(first["to_policy"] != nil)
        let dot = try chan.run("network", "export", "--dot")
        #expect(dot.stdout.hasPrefix("digraph network {") && dot.stdout.contains("\"alice\" -> \"bob\""))

        // The export brings up the same shape, with the same balances, in another home.
        let (copy, copyUp) = try NodeNetwork.up(exported.stdout)
        #expect(copyUp["channels"]?.array?.count == 3)
        let copied = try copy.channel("bob", try #require(copyUp["channels"]?[0]?["channel_id"]?.string))
        let original = try network.channel("bob", try #require(up["channels"]?[0]?["channel_id"]?.string))
        #expect(copied["to_local_msat"] == original["to_local_msat"])

        let down = try copy.chan.ok("network", "down")
        #expect(Set(down["stopped"]?.array?.compactMap(\.string) ?? []) == ["alice", "bob", "carol", "dave"])
        for name in ["alice", "bob", "carol", "dave"] { copy.stopped(name) }
        let listed = try #require(try copy.chan.ok("node", "list")["nodes"]?.array)
        #expect(listed.count == 4 && listed.allSatisfy { $0["running"]?.bool == false })
    }

    @Test func aClosedChannelLeavesEveryGraph() throws {
        let (network, up) = try NodeNetwork.up(MultiHopTests.line)
        let chan = network.chan
        let closing = try #require(up["channels"]?[2])
        _ = try chan.ok("-n", "carol", "close", try #require(closing["channel_id"]?.string))
        _ = try chan.ok("mine")
        var forgotten = false
        for _ in 0..<100 where !forgotten {
            forgotten = try chan.ok("-n", "alice", "graph")["channels"]?.array?.count == 2
            if !forgotten { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(forgotten)
        // dave has no channel left: no route reaches it.
        let refused = try chan.run("-n", "alice", "pay", try MultiHopTests.invoice(chan, "dave", "1000"))
        #expect(refused.status != 0 && refused.errorCode == "no_route")
    }

    @Test func badTopologiesAreRefusedWithoutStartingAnything() throws {
        let network = try NodeNetwork(ledger: false)
        let chan = network.chan
        let cases: [(String, String)] = [
            ("{\"nodes\": [], \"channels\": []}", "invalid_topology"),
            ("{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"a\"}], \"channels\": []}", "invalid_topology"),
            ("{\"nodes\": [{\"name\": \"a\"}], \"channels\": [{\"from\": \"a\", \"to\": \"b\", \"capacity_sat\": 100000}]}", "invalid_topology"),
            ("{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"channels\": [{\"from\": \"a\", \"to\": \"b\", \"capacity_sat\": 100}]}", "invalid_topology"),
            ("{\"nodes\": [{\"name\": \"a\", \"alias\": \"\(String(repeating: "x", count: 33))\"}], \"channels\": []}", "invalid_topology"),
            ("not json", "invalid_topology"),
        ]
        for (index, (text, code)) in cases.enumerated() {
            let file = network.temp.directory + "/bad\(index).json"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let outcome = try chan.run("network", "up", file)
            #expect(outcome.status != 0 && outcome.errorCode == code, "case \(index): \(outcome.stderr)")
        }
        #expect(try chan.run("network", "up", network.temp.directory + "/missing.json").errorCode == "file_not_found")
        #expect(!FileManager.default.fileExists(atPath: network.temp.path + "/nodes"))
    }
}
