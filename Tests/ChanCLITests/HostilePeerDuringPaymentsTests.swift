import Foundation
import Testing

/// A raw TCP client throws garbage at the peer ports of a running network (random bytes,
/// truncated and noise handshakes, floods of connections and of bytes) while payments run
/// across it: every daemon stays up and answers, every payment completes, and no msat is lost.
/// `CHAN_HOSTILE_SECONDS` sets how long (default 8; the acceptance ran 60).
@Suite(.serialized) struct HostilePeerDuringPaymentsTests {
    static let topology = """
        {"announce_depth": 3, "nodes": [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}],
         "channels": [{"from": "alice", "to": "bob", "capacity_sat": 1000000},
                      {"from": "bob", "to": "carol", "capacity_sat": 1000000}]}
        """

    static var seconds: Double {
        ProcessInfo.processInfo.environment["CHAN_HOSTILE_SECONDS"].flatMap(Double.init) ?? 8
    }

    @Test func paymentsCompleteWhileAPeerPortIsFuzzed() throws {
        let (network, up) = try NodeNetwork.up(Self.topology)
        let chan = network.chan
        let nodes = try #require(try chan.ok("node", "list")["nodes"]?.array)
        let ports = nodes.compactMap { $0["port"]?.int }.map { UInt16($0) }
        try #require(ports.count == 3)
        let channels = try #require(up["channels"]?.array).map { channel in
            (id: channel["channel_id"]?.string ?? "", from: channel["from"]?.string ?? "", to: channel["to"]?.string ?? "")
        }
        let before = try channels.map { try network.channel($0.from, $0.id) }
        let pids = try ["alice", "bob", "carol"].map { try network.pid($0) }

        let attacker = HostileClient(ports: ports, seed: UInt64(Date().timeIntervalSince1970))
        let deadline = Date().addingTimeInterval(Self.seconds)
        let thread = Thread { attacker.run(until: deadline) }
        thread.start()

        // Payments while it runs: alice to bob (direct) and alice to carol (through bob).
        var paidToBob: Int64 = 0, paidToCarol: Int64 = 0, feesToBob: Int64 = 0, payments = 0
        var failures: [String] = []
        while Date() < deadline {
            let payee = payments % 2 == 0 ? "bob" : "carol"
            let amountSat: Int64 = 100 + Int64(payments % 7)
            let invoice = try chan.ok("-n", payee, "invoice", "\(amountSat)")["invoice"]?.string ?? ""
            let paid = try chan.run("-n", "alice", "pay", invoice)
            payments += 1
            guard paid.status == 0, let json = try? paid.json, json["status"]?.string == "succeeded" else {
                failures.append("\(payee) \(amountSat): \(paid.stderr)")
                continue
            }
            if payee == "bob" { paidToBob += amountSat * 1000 } else {
                paidToCarol += amountSat * 1000
                feesToBob += json["fee_msat"]?.int ?? 0
            }
        }
        attacker.stop()
        while !attacker.finished { Thread.sleep(forTimeInterval: 0.05) }
        print("hostile peer: \(Self.seconds) s, \(payments) payments, \(attacker.summary)")

        #expect(failures.isEmpty, "\(failures.count) of \(payments) payments failed: \(failures.prefix(3))")
        #expect(payments >= 4, "only \(payments) payments ran")
        #expect(attacker.connections > 50, "the attacker made only \(attacker.connections) connections")
        // Every daemon is the one that started, and answers.
        for (name, pid) in zip(["alice", "bob", "carol"], pids) {
            let current = try network.pid(name)
            #expect(kill(pid, 0) == 0 && current == pid, "\(name) restarted or died")
            #expect(try chan.ok("-n", name, "info")["name"]?.string == name)
        }
        let statuses = try #require(try chan.ok("-n", "alice", "payments")["payments"]?.array).compactMap { $0["status"]?.string }
        #expect(statuses.count == payments && statuses.allSatisfy { $0 == "succeeded" }, "\(Set(statuses))")

        // Money: each channel's two ends agree, its total is unchanged, and it moved exactly
        // what was paid (carol's payments through bob, plus bob's fees, on alice's channel).
        let after = try channels.map { try network.channel($0.from, $0.id) }
        for (index, channel) in channels.enumerated() {
            let opener = after[index]
            let acceptor = try network.channel(channel.to, channel.id)
            #expect(opener["to_local_msat"] == acceptor["to_remote_msat"] && opener["to_remote_msat"] == acceptor["to_local_msat"], "\(channel.id)")
            #expect(opener["htlcs"]?.array?.isEmpty == true && acceptor["htlcs"]?.array?.isEmpty == true)
            let total = { (json: JSON) in (json["to_local_msat"]?.int ?? 0) + (json["to_remote_msat"]?.int ?? 0) }
            #expect(total(opener) == total(before[index]), "the total of \(channel.id) changed")
        }
        let moved = { (index: Int) in (after[index]["to_remote_msat"]?.int ?? 0) - (before[index]["to_remote_msat"]?.int ?? 0) }
        #expect(moved(0) == paidToBob + paidToCarol + feesToBob)
        #expect(moved(1) == paidToCarol)
    }
}

/// Connects to the ports again and again and sends what a peer must not: random bytes, half
/// an act one, 50 bytes of noise (the length of act one), silence, a megabyte of noise, and
/// bursts of 32 connections at once. Runs on its own thread.
final class HostileClient: @unchecked Sendable {
    private let ports: [UInt16]
    private var random: UInt64
    private let lock = NSLock()
    private var stopped = false
    private var done = false
    private var connectionCount = 0
    private var bytesSent = 0
    private var refused = 0

    var finished: Bool { lock.withLock { done } }
    var connections: Int { lock.withLock { connectionCount } }

    init(ports: [UInt16], seed: UInt64) {
        self.ports = ports
        random = seed | 1
    }

    var summary: String {
        lock.withLock { "\(connectionCount) hostile connections, \(bytesSent) bytes sent, \(refused) refused" }
    }

    func stop() { lock.withLock { stopped = true } }

    private func next() -> UInt64 {
        // xorshift64*: reproducible from the seed printed on failure.
        random ^= random >> 12
        random ^= random << 25
        random ^= random >> 27
        return random &* 2_685_821_657_736_338_717
    }

    private func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    func run(until deadline: Date) {
        while Date() < deadline, !lock.withLock({ stopped }) {
            let port = ports[Int(next() % UInt64(ports.count))]
            switch next() % 6 {
            case 0: attack(port, bytes(1 + Int(next() % 5000)))
            case 1: attack(port, [0x00] + bytes(Int(next() % 49)))  // act one cut short
            case 2: attack(port, [0x00] + bytes(49))  // act one's length, noise inside
            case 3: attack(port, [])  // connect and leave
            case 4: attack(port, bytes(1 << 20))
            default:
                // A burst: 32 connections open at once, each with a little noise.
                let sockets = (0..<32).compactMap { _ in RawSocket(port: port, receiveTimeoutSeconds: 1) }
                note(connections: sockets.count, refused: 32 - sockets.count, bytes: 0)
                for socket in sockets {
                    let noise = bytes(Int(next() % 100))
                    try? socket.send(noise)
                    note(connections: 0, refused: 0, bytes: noise.count)
                }
            }
        }
        lock.withLock { done = true }
    }

    private func attack(_ port: UInt16, _ payload: [UInt8]) {
        guard let socket = RawSocket(port: port, receiveTimeoutSeconds: 1) else {
            return note(connections: 0, refused: 1, bytes: 0)
        }
        try? socket.send(payload)
        note(connections: 1, refused: 0, bytes: payload.count)
    }

    private func note(connections: Int, refused: Int, bytes: Int) {
        lock.withLock {
            connectionCount += connections
            self.refused += refused
            bytesSent += bytes
        }
    }
}
