import Foundation
import Testing

/// The node-daemon issue's acceptance, through the binary: daemons, a channel, payments, the
/// closes, the breach, the audit.
@Suite(.serialized) struct NodeAcceptanceTests {
    @Test func openPayCloseAudit() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice", fundingSat: 100_000_000)
        try network.start("bob")
        let started = try chan.ok("node", "list")["nodes"]?.array ?? []
        #expect(started.allSatisfy { $0["running"]?.bool == true })

        let channelID = try network.openChannel("alice", "bob", capacitySat: 1_000_000)
        let payment = try network.pay("alice", "bob", "50000")
        #expect(payment["status"]?.string == "succeeded")
        #expect(payment["amount_msat"]?.int == 50_000_000)
        #expect(payment["fee_msat"]?.int == 0)
        #expect(payment["preimage"]?.string?.count == 64)
        // Bob pays some back.
        #expect(try network.pay("bob", "alice", "20000")["status"]?.string == "succeeded")

        let alice = try network.channel("alice", channelID), bob = try network.channel("bob", channelID)
        #expect(alice["to_local_msat"]?.int == 970_000_000 && alice["to_remote_msat"]?.int == 30_000_000)
        #expect(bob["to_local_msat"] == alice["to_remote_msat"] && bob["to_remote_msat"] == alice["to_local_msat"])
        #expect(alice["state"]?.string == "normal" && (alice["state_changes"]?.array?.count ?? 0) == 2)
        #expect(alice["short_channel_id"]?.string != nil)

        let aliceBefore = try chan.balance("alice").confirmed
        let closed = try chan.ok("-n", "alice", "close", channelID)
        #expect(closed["type"]?.string == "mutual" && closed["closing_txid"]?.string?.count == 64)
        _ = try chan.ok("mine")
        for node in ["alice", "bob"] {
            _ = try chan.ok("-n", node, "wait", "--channel", channelID, "--state", "closed", "--timeout", "20")
        }
        // Each wallet holds its final balance: bob exactly his 30,000 sat, alice hers less the closing fee.
        #expect(try chan.balance("bob").confirmed == 30_000)
        let aliceGain = try chan.balance("alice").confirmed - aliceBefore
        #expect(aliceGain > 960_000 && aliceGain < 970_000, "alice got \(aliceGain) sat back")
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }

    /// SIGTERM stops a daemon as `node stop` does, even one started from a thread that blocks
    /// signals (a test runner's, here): the daemon starts with none blocked.
    @Test func sigtermStopsTheDaemon() throws {
        let network = try NodeNetwork()
        try network.start("alice")
        let pid = try #require(try network.chan.ok("-n", "alice", "info")["pid"]?.int)
        #expect(kill(pid_t(pid), SIGTERM) == 0)
        var stopped = false
        for _ in 0..<100 where !stopped {
            usleep(50_000)
            stopped = kill(pid_t(pid), 0) != 0
        }
        #expect(stopped)
        network.stopped("alice")
        #expect(try network.chan.run("-n", "alice", "info").errorCode == "node_not_running")
    }

    /// A held payment canceled while its payer is stopped is failed back once the payer is
    /// back and the channel reestablished (not left to time out on the ledger).
    @Test func aCancelWhileThePayerIsAwayReachesItAfterReestablish() throws {
        let (network, channelID) = try NodeNetwork.aliceAndBob(capacitySat: 500_000)
        let chan = network.chan
        let invoice = try chan.ok("-n", "bob", "invoice", "20000", "--hold")
        let bolt11 = try #require(invoice["invoice"]?.string), hash = try #require(invoice["payment_hash"]?.string)
        #expect(try chan.run("-n", "alice", "pay", bolt11, "--timeout", "2").errorCode == "timeout")
        let held = try chan.ok("-n", "bob", "invoices")["invoices"]?.array?.first { $0["payment_hash"]?.string == hash }
        #expect(held?["status"]?.string == "held")

        try network.stop("alice")
        #expect(try chan.ok("-n", "bob", "cancel", hash)["status"]?.string == "canceled")
        try network.restart("alice")
        let outcome = try chan.ok("-n", "alice", "wait", "--payment", hash, "--timeout", "20")
        #expect(outcome["state"]?.string == "failed")
        _ = try chan.ok("-n", "bob", "wait", "--peer", "alice", "--timeout", "20")
        let alice = try network.channel("alice", channelID), bob = try network.channel("bob", channelID)
        #expect(alice["state"]?.string == "normal" && bob["state"]?.string == "normal")
        #expect(alice["to_local_msat"]?.int == 500_000_000 && bob["to_remote_msat"] == alice["to_local_msat"])
    }

    @Test func eventsStreamAndWaitForHeights() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice", fundingSat: 10_000_000)
        try network.start("bob")
        let events = try chan.start(["-n", "bob", "events"])
        usleep(200_000)
        let channelID = try network.openChannel("alice", "bob", capacitySat: 500_000)
        try network.pay("alice", "bob", "1000")
        let height = try #require(try chan.ok("ledger", "info")["height"]?.int)
        let waiting = try chan.start(["-n", "alice", "wait", "--height", "\(height + 2)", "--timeout", "20"])
        _ = try chan.ok("mine", "2")
        let reached = waiting.wait()
        #expect(reached.status == 0 && (try? reached.json["height"]?.int) == height + 2)
        #expect(try chan.run("-n", "alice", "wait", "--height", "\(height + 100)", "--timeout", "1").errorCode == "timeout")
        events.process.interrupt()
        let lines = events.wait().stdout.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }
        let types = Set(lines.compactMap { $0["type"]?.string })
        #expect(types.isSuperset(of: ["peer", "channel", "htlc", "invoice", "block"]), "\(types)")
        #expect(lines.contains { $0["type"]?.string == "channel" && $0["channel_id"]?.string == channelID && $0["state"]?.string == "normal" })
    }

    @Test func aBreachIsPunished() throws {
        let (network, channelID) = try NodeNetwork.aliceAndBob(capacitySat: 1_000_000)
        let chan = network.chan
        for _ in 0..<3 { try network.pay("alice", "bob", "100000") }
        let cheat = try chan.ok("-n", "alice", "cheat", channelID)
        #expect(cheat["commitment_number"]?.int == 0)
        _ = try chan.ok("mine")
        _ = try chan.ok("-n", "bob", "wait", "--channel", channelID, "--state", "force_closing", "--timeout", "20")
        #expect(try network.channel("bob", channelID)["on_chain_resolution"]?["kind"]?.string == "revoked_commitment")
        _ = try chan.ok("mine")
        _ = try chan.ok("-n", "bob", "wait", "--channel", channelID, "--state", "closed", "--timeout", "20")
        // Bob's penalty took the whole channel (less its fee); alice got nothing back from it.
        let bob = try chan.balance("bob").confirmed
        #expect(bob > 990_000 && bob <= 1_000_000, "bob holds \(bob)")
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }
}
