import Foundation
import Testing

/// Nodes run as daemons in a temporary home, through the binary as a user runs them. Every
/// daemon started is stopped when the value goes away, so a failing test leaves none behind.
final class NodeNetwork {
    let temp: TempHome
    var chan: ChanProcess { temp.chan }
    fileprivate(set) var running: [String] = []

    init(ledger: Bool = true) throws {
        temp = try TempHome()
        if ledger { _ = try temp.chan.ok("ledger", "init") }
    }

    /// A network brought up by `chan network up` from `topology` (JSON); its daemons are
    /// stopped with the value. Returns what `network up` printed.
    static func up(_ topology: String) throws -> (network: NodeNetwork, result: JSON) {
        let network = try NodeNetwork(ledger: false)
        let file = network.temp.directory + "/topology.json"
        try topology.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try network.chan.run("network", "up", file)
        // Whatever came up is stopped at the end, even when the rest of the test fails.
        for node in (try? outcome.json["nodes"]?.array) ?? [] { if let name = node["name"]?.string { network.running.append(name) } }
        try #require(outcome.status == 0, "network up failed: \(outcome.stderr)")
        return (network, try outcome.json)
    }

    deinit {
        for name in running {
            // A daemon that does not stop is a failure (and would outlive its deleted home).
            let stopped = try? chan.run("node", "stop", name)
            if stopped?.status != 0 { Issue.record("the daemon of \(name) did not stop: \(stopped?.stdout ?? "")") }
        }
    }

    /// Creates and starts `name`, with `fundingSat` mined into its wallet.
    func start(_ name: String, fundingSat: Int64 = 0) throws {
        _ = try chan.ok("node", "create", name)
        if fundingSat > 0 {
            _ = try chan.ok("ledger", "faucet", try chan.address(name), "\(fundingSat)")
            _ = try chan.ok("mine")
        }
        _ = try chan.ok("node", "start", name)
        running.append(name)
    }

    func stop(_ name: String) throws {
        _ = try chan.ok("node", "stop", name)
        running.removeAll { $0 == name }
    }

    /// A node stopped by other means (a signal): not stopped again at the end.
    func stopped(_ name: String) { running.removeAll { $0 == name } }

    /// Restarts a node that was killed (its lock died with it).
    func restart(_ name: String) throws {
        _ = try chan.ok("node", "start", name)
        if !running.contains(name) { running.append(name) }
    }

    func pid(_ name: String) throws -> Int32 {
        try #require(Int32(try String(contentsOfFile: temp.path + "/nodes/\(name)/node.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The common start: alice (funded with 10,000,000 sat) and bob running, with a channel of
    /// `capacitySat` from alice to bob, normal on both sides.
    static func aliceAndBob(capacitySat: Int64) throws -> (network: NodeNetwork, channelID: String) {
        let network = try NodeNetwork()
        try network.start("alice", fundingSat: 10_000_000)
        try network.start("bob")
        return (network, try network.openChannel("alice", "bob", capacitySat: capacitySat))
    }

    /// `opener` opens a channel of `capacitySat` to `acceptor`; blocks are mined until both see it normal.
    func openChannel(_ opener: String, _ acceptor: String, capacitySat: Int64, push: String? = nil) throws -> String {
        _ = try chan.ok("-n", opener, "connect", acceptor)
        let opened = try chan.run(["-n", opener, "open", acceptor, "\(capacitySat)"] + (push.map { ["--push", $0] } ?? []))
        try #require(opened.status == 0, "open failed: \(opened.stderr)")
        let channelID = try #require(try opened.json["channel_id"]?.string)
        _ = try chan.ok("mine", "3")
        for node in [opener, acceptor] {
            _ = try chan.ok("-n", node, "wait", "--channel", channelID, "--state", "normal", "--timeout", "20")
        }
        return channelID
    }

    /// `payer` pays a fresh invoice of `payee` for `amount`.
    @discardableResult
    func pay(_ payer: String, _ payee: String, _ amount: String) throws -> JSON {
        let invoice = try #require(try chan.ok("-n", payee, "invoice", amount)["invoice"]?.string)
        return try chan.ok("-n", payer, "pay", invoice)
    }

    func channel(_ node: String, _ id: String) throws -> JSON { try chan.ok("-n", node, "channel", id) }
}
