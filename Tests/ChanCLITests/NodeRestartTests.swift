import Foundation
import Testing

/// Restart safety: daemons killed with SIGKILL at random moments while payments run; after
/// the restarts every payment is settled or failed exactly once, the same on both sides, and
/// no satoshi is lost or created.
@Suite(.serialized) struct NodeRestartTests {
    @Test func paymentsSurviveKilledDaemons() throws {
        let (network, channelID) = try NodeNetwork.aliceAndBob(capacitySat: 5_000_000)
        let chan = network.chan
        var random = SystemRandomNumberGenerator()
        let count = 200
        let invoices = try (0..<count).map { _ in try #require(try chan.ok("-n", "bob", "invoice", "1000")["invoice"]?.string) }
        let hashes = try invoices.map { try #require(try chan.ok("decode", $0)["payment_hash"]?.string) }
        var kills = 0
        for (index, invoice) in invoices.enumerated() {
            // The payment runs while, one time in 20, one daemon is killed at a random moment.
            let payment = try chan.start(["-n", "alice", "pay", invoice, "--timeout", "30"])
            if Int.random(in: 0..<20, using: &random) == 0 {
                usleep(UInt32.random(in: 0...30_000, using: &random))
                let victim = Bool.random(using: &random) ? "alice" : "bob"
                kill(try network.pid(victim), SIGKILL)
                kills += 1
                _ = payment.wait()
                usleep(50_000)
                try network.restart(victim)
                _ = try chan.ok("-n", "alice", "wait", "--peer", "bob", "--timeout", "20")
            } else {
                _ = payment.wait()
            }
            _ = index
        }
        #expect(kills > 0)

        // Everything in flight settles once the nodes are back together.
        let deadline = Date().addingTimeInterval(60)
        var payments: [JSON] = []
        repeat {
            payments = try #require(try chan.ok("-n", "alice", "payments")["payments"]?.array)
            let pending = payments.contains { $0["status"]?.string == "pending" }
            let inFlight = try network.channel("alice", channelID)["htlcs"]?.array?.isEmpty == false
                || (try network.channel("bob", channelID)["htlcs"]?.array?.isEmpty == false)
            if !pending && !inFlight { break }
            usleep(100_000)
        } while Date() < deadline

        let status = Dictionary(uniqueKeysWithValues: payments.compactMap { payment in
            payment["payment_hash"]?.string.map { ($0, payment["status"]?.string ?? "") }
        })
        let invoiceStatus = Dictionary(uniqueKeysWithValues: try #require(try chan.ok("-n", "bob", "invoices")["invoices"]?.array).compactMap { invoice in
            invoice["payment_hash"]?.string.map { ($0, invoice["status"]?.string ?? "") }
        })
        var paid = 0
        for hash in hashes {
            // Exactly once, the same on both sides: paid on bob's side if and only if it succeeded on alice's.
            let succeeded = status[hash] == "succeeded"
            #expect(succeeded == (invoiceStatus[hash] == "paid"), "payment \(hash): \(status[hash] ?? "none") / \(invoiceStatus[hash] ?? "none")")
            #expect(status[hash] != "pending")
            if succeeded { paid += 1 }
        }
        #expect(paid > count / 2, "only \(paid) payments of \(count) went through")
        let alice = try network.channel("alice", channelID), bob = try network.channel("bob", channelID)
        #expect(alice["to_remote_msat"]?.int == Int64(paid) * 1_000_000)
        #expect(alice["to_local_msat"]?.int == 5_000_000_000 - Int64(paid) * 1_000_000)
        #expect(bob["to_local_msat"] == alice["to_remote_msat"] && bob["to_remote_msat"] == alice["to_local_msat"])
        #expect(try chan.ok("ledger", "audit")["ok"]?.bool == true)
    }
}
