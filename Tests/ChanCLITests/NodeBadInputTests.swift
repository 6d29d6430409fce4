import Foundation
import Testing

/// Bad input to node commands: a JSON error with a stable code, a non-zero exit, and nothing
/// changed; a peer sending garbage is dropped while the node goes on serving.
@Suite(.serialized) struct NodeBadInputTests {
    private func failure(_ chan: ChanProcess, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> (code: String?, message: String) {
        let outcome = try chan.run(arguments)
        #expect(outcome.status != 0, "chan \(arguments.joined(separator: " ")) succeeded", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, sourceLocation: sourceLocation)
        return (outcome.errorCode, outcome.error["message"] as? String ?? "")
    }

    @Test func paymentsRefusedChangeNothing() throws {
        let (network, channelID) = try NodeNetwork.aliceAndBob(capacitySat: 1_000_000)
        let chan = network.chan
        let invoice = try #require(try chan.ok("-n", "bob", "invoice", "1000")["invoice"]?.string)
        _ = try chan.ok("-n", "alice", "pay", invoice)
        let before = try network.channel("alice", channelID)

        #expect(try failure(chan, "-n", "alice", "pay", invoice).code == "already_paid")
        let expired = try #require(try chan.ok("-n", "bob", "invoice", "1000", "--expiry", "1")["invoice"]?.string)
        Thread.sleep(forTimeInterval: 2.05)
        #expect(try failure(chan, "-n", "alice", "pay", expired).code == "invoice_expired")
        // A mainnet invoice of the BOLT 11 examples.
        let mainnet = "lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32dlqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql"
        #expect(try failure(chan, "-n", "alice", "pay", mainnet).code == "wrong_chain")
        #expect(try failure(chan, "-n", "alice", "pay", "lnbcrt1notaninvoice").code?.hasPrefix("invoice_") == true)
        let large = try #require(try chan.ok("-n", "bob", "invoice", "5000000")["invoice"]?.string)
        let tooMuch = try failure(chan, "-n", "alice", "pay", large)
        #expect(tooMuch.code == "insufficient_balance")
        #expect(tooMuch.message.contains("spendable_msat="))

        let after = try network.channel("alice", channelID)
        #expect(after["to_local_msat"] == before["to_local_msat"] && after["htlcs"]?.array?.isEmpty == true)
        let payments = try #require(try chan.ok("-n", "alice", "payments")["payments"]?.array)
        #expect(payments.compactMap { $0["status"]?.string } == ["succeeded"])
    }

    @Test func opensAndClosesRefused() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice", fundingSat: 1_000_000)
        _ = try chan.ok("node", "create", "carol")  // never started: unreachable
        try network.start("bob")
        let balance = try chan.balance("alice")

        #expect(try failure(chan, "-n", "alice", "open", "nobody", "100000").code == "unknown_peer")
        #expect(try failure(chan, "-n", "alice", "open", "carol", "100000").code == "peer_unreachable")
        #expect(try failure(chan, "-n", "alice", "open", "bob", "2000000").code == "insufficient_funds")
        #expect(try failure(chan, "-n", "alice", "open", "bob", "10000").code == "channel_too_small")
        #expect(try failure(chan, "-n", "alice", "close", String(repeating: "ab", count: 32)).code == "unknown_channel")
        #expect(try failure(chan, "-n", "alice", "close", "nonsense").code == "unknown_channel")
        #expect(try chan.balance("alice") == balance)
        #expect(try chan.ok("-n", "alice", "channels")["channels"]?.array?.isEmpty == true)
        #expect(try chan.ok("ledger", "info")["mempool_size"]?.int == 0)
    }

    /// A peer may have 4 channels proposed to us whose funding is not yet in a block; the
    /// fifth is refused, and once the fundings confirm there is room again.
    @Test func proposedChannelsAreCappedPerPeer() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice")
        try network.start("bob")
        let address = try chan.address("alice")
        for _ in 0..<6 { _ = try chan.ok("ledger", "faucet", address, "200000") }
        _ = try chan.ok("mine")
        _ = try chan.ok("-n", "alice", "connect", "bob")
        for _ in 0..<4 { _ = try chan.ok("-n", "alice", "open", "bob", "50000") }
        let refused = try failure(chan, "-n", "alice", "open", "bob", "50000")
        #expect(refused.code == "open_failed" && refused.message.contains("too many"), "\(refused)")
        #expect(try chan.ok("-n", "bob", "channels")["channels"]?.array?.count == 4)
        _ = try chan.ok("mine")
        _ = try chan.ok("-n", "alice", "wait", "--height", "\(try #require(try chan.ok("ledger", "info")["height"]?.int))")
        _ = try chan.ok("-n", "bob", "wait", "--height", "\(try #require(try chan.ok("ledger", "info")["height"]?.int))")
        #expect(try chan.ok("-n", "alice", "open", "bob", "50000")["state"]?.string == "awaiting_funding")
    }

    @Test func daemonsRefuseWhatTheyCannotDo() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice")
        _ = try chan.ok("node", "create", "carol")
        let running = try failure(chan, "node", "start", "alice")
        #expect(running.code == "node_running")
        for command in [["info"], ["peers"], ["channels"], ["invoice", "1000"], ["stop"]] {
            let arguments = command == ["stop"] ? ["node", "stop", "carol"] : ["-n", "carol"] + command
            let outcome = try chan.run(arguments)
            #expect(outcome.status == 1 && outcome.errorCode == "node_not_running", "\(arguments)")
            #expect(outcome.error["message"].map { "\($0)".contains("chan node start carol") } == true)
        }
    }

    @Test func aPeerSendingGarbageIsDroppedAndTheNodeGoesOn() throws {
        let network = try NodeNetwork()
        let chan = network.chan
        try network.start("alice")
        let port = try #require(try chan.ok("node", "list")["nodes"]?[0]?["port"]?.int)
        for garbage in [[UInt8](repeating: 0xff, count: 50), Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\nUser-Agent: curl\r\n\r\n".utf8), [UInt8](repeating: 0, count: 4000)] {
            try sendRaw(garbage, port: UInt16(port))
        }
        #expect(try chan.ok("-n", "alice", "info")["peers"]?.int == 0)
        try network.start("bob")
        #expect(try chan.ok("-n", "bob", "connect", "alice")["ready"]?.bool == true)
    }

    @Test func theRPCAnswersGarbageWithErrorsAndGoesOn() throws {
        let network = try NodeNetwork()
        try network.start("alice")
        let socket = network.temp.path + "/nodes/alice/rpc.sock"
        let answers = try rpcLines(socket, ["not json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no_such_method\"}",
                                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"pay\",\"params\":{\"invoice\":5}}",
                                             "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"info\"}"])
        let codes = answers.map { (($0["error"] as? [String: Any])?["data"] as? [String: Any])?["code"] as? String }
        #expect(codes == ["parse_error", "unknown_method", "invalid_params", nil])
        #expect((answers.last?["result"] as? [String: Any])?["name"] as? String == "alice")
        #expect(try network.chan.ok("-n", "alice", "info")["name"]?.string == "alice")
    }

    /// Sends each line to the Unix socket at `path` and reads one answer line per request.
    private func rpcLines(_ path: String, _ lines: [String]) throws -> [[String: Any]] {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(connected == 0)
        var answers: [[String: Any]] = []
        var pending: [UInt8] = []
        for line in lines {
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            while !pending.contains(0x0a) {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                try #require(count > 0)
                pending += buffer[0..<count]
            }
            let end = pending.firstIndex(of: 0x0a)!
            answers.append(try #require(try JSONSerialization.jsonObject(with: Data(pending[..<end])) as? [String: Any]))
            pending.removeSubrange(...end)
        }
        return answers
    }

    /// Connects to 127.0.0.1:`port`, writes `bytes`, and waits until the other side closes (or 5 s).
    private func sendRaw(_ bytes: [UInt8], port: UInt16) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
