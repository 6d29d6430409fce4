import Foundation
import Testing

/// What a client of the RPC socket can send that is not a request: a line longer than the
/// socket takes, bytes that are not JSON. Each gets a coded JSON-RPC error; the daemon goes on
/// serving (the same connection for a bad line, other clients after an over-long one).
@Suite(.serialized) struct RPCSocketLimitTests {
    static let maximumLine = 4 << 20
    static let info = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"info\"}\n"

    @Test func bytesThatAreNotJSONGetAParseError() throws {
        let network = try NodeNetwork()
        try network.start("alice")
        let client = try RawSocket(unixPath: network.temp.path + "/nodes/alice/rpc.sock")
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let nested = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"info\",\"params\":" + String(repeating: "[", count: 200)
            + String(repeating: "]", count: 200) + "}"
        let cases: [(String, [UInt8], String)] = [
            ("not JSON", Array("not json".utf8), "parse_error"),
            ("invalid UTF-8", Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"info\",\"params\":{\"x\":\"".utf8) + [0xff, 0xc0] + Array("\"}}".utf8), "parse_error"),
            ("a lone surrogate", Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"in\\ud800fo\"}".utf8), "parse_error"),
            ("nested 100000 deep", Array(deep.utf8), "parse_error"),
            ("a request nested 200 deep", Array(nested.utf8), "parse_error"),
            ("truncated", Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"meth".utf8), "parse_error"),
            ("JSON but not a request", Array("[1, 2, 3]".utf8), "invalid_request"),
        ]
        for (name, bytes, code) in cases {
            try client.send(bytes + [0x0a])
            let answer = try #require(try client.readLine(), "\(name): no answer")
            let error = try #require(answer["error"] as? [String: Any], "\(name): \(answer)")
            #expect((error["data"] as? [String: Any])?["code"] as? String == code, "\(name): \(answer)")
            #expect(error["code"] as? Int == (code == "parse_error" ? -32700 : -32600), "\(name)")
            #expect(answer.keys.contains("id") && answer["id"] is NSNull, "\(name): \(answer)")
            // The same connection still answers a request.
            try client.send(Array(Self.info.utf8))
            let info = try #require(try client.readLine(), "\(name): info unanswered")
            #expect((info["result"] as? [String: Any])?["name"] as? String == "alice", "\(name)")
        }
    }

    @Test func anOverLongLineIsAnsweredAndTheConnectionClosed() throws {
        let network = try NodeNetwork()
        try network.start("alice")
        let socket = network.temp.path + "/nodes/alice/rpc.sock"
        let pid = try network.pid("alice")

        // A request before the long line is answered first, in order.
        let client = try RawSocket(unixPath: socket)
        try client.send(Array(Self.info.utf8))
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: Self.maximumLine + 1000) + [0x0a]
        try? client.send(long)  // the daemon may close before taking all of it
        let first = try #require(try client.readLine())
        #expect((first["result"] as? [String: Any])?["name"] as? String == "alice")
        let refusal = try #require(try client.readLine(), "no answer to the over-long line")
        let error = try #require(refusal["error"] as? [String: Any], "\(refusal)")
        #expect((error["data"] as? [String: Any])?["code"] as? String == "request_too_large")
        #expect(error["code"] as? Int == -32600)
        #expect((error["message"] as? String)?.contains("\(Self.maximumLine)") == true)
        #expect(try client.readLine() == nil, "the connection stays open after an over-long line")

        // Without a newline at all (a client that never ends its line) the same.
        let endless = try RawSocket(unixPath: socket)
        try? endless.send([UInt8](repeating: UInt8(ascii: "{"), count: Self.maximumLine + 70_000))
        let second = try #require(try endless.readLine())
        #expect(((second["error"] as? [String: Any])?["data"] as? [String: Any])?["code"] as? String == "request_too_large")
        #expect(try endless.readLine() == nil)

        // A line of exactly the limit is still read (and answered as not JSON).
        let atLimit = try RawSocket(unixPath: socket)
        try atLimit.send([UInt8](repeating: UInt8(ascii: " "), count: Self.maximumLine - 1) + [UInt8(ascii: "x"), 0x0a])
        let third = try #require(try atLimit.readLine())
        #expect(((third["error"] as? [String: Any])?["data"] as? [String: Any])?["code"] as? String == "parse_error")

        // The daemon goes on serving other clients.
        #expect(kill(pid, 0) == 0)
        #expect(try network.chan.ok("-n", "alice", "info")["name"]?.string == "alice")
    }

    /// A client that sends requests and never reads the answers: the daemon stops taking its
    /// requests once the socket holds what it wrote back, instead of buffering answers (and
    /// requests) without end; other clients are served meanwhile, and once the client reads,
    /// every request is answered, in order.
    @Test func aClientThatDoesNotReadIsNotBufferedWithoutEnd() throws {
        let network = try NodeNetwork()
        try network.start("alice")
        let socket = network.temp.path + "/nodes/alice/rpc.sock"
        let client = try RawSocket(unixPath: socket)
        let flags = fcntl(client.descriptor, F_GETFL)
        _ = fcntl(client.descriptor, F_SETFL, flags | O_NONBLOCK)
        let request = Array(Self.info.utf8)
        let batch = Array((0..<100).map { _ in request }.joined())
        let cap = 64 << 20
        var written = 0
        var blockedSince: Date?
        let deadline = Date().addingTimeInterval(20)
        // Write until the daemon has not taken a byte for a whole second (or the cap, or 20 s).
        while written < cap, Date() < deadline {
            let count = batch.withUnsafeBytes { Glibc.send(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                written += count
                blockedSince = nil
                try #require(count == batch.count, "a partial write")  // keeps whole requests; a short write is rare here
                continue
            }
            try #require(errno == EAGAIN || errno == EWOULDBLOCK, "write failed: \(errno)")
            if let since = blockedSince {
                if Date().timeIntervalSince(since) > 1 { break }
            } else {
                blockedSince = Date()
            }
            usleep(10_000)
        }
        #expect(written < 8 << 20, "the daemon took \(written) bytes of requests from a client that reads nothing")
        #expect(blockedSince != nil)
        // And it stays stopped: for three more seconds it takes nothing (it used to go on reading
        // and answering into memory as fast as it could, about 90 KB of requests a second).
        var later = 0
        for _ in 0..<30 {
            Thread.sleep(forTimeInterval: 0.1)
            let count = batch.withUnsafeBytes { Glibc.send(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 { later += count }
        }
        #expect(later == 0, "the daemon went on reading: \(later) more bytes taken")
        written += later
        let requests = written / request.count
        // Others are served meanwhile.
        #expect(try network.chan.ok("-n", "alice", "info")["name"]?.string == "alice")

        _ = fcntl(client.descriptor, F_SETFL, flags)
        for index in 0..<requests {
            let answer = try #require(try client.readLine(), "answer \(index) of \(requests) missing")
            #expect(answer["id"] as? Int == 7 && answer["result"] != nil)
        }
    }
}

/// A blocking stream socket (Unix or TCP) for tests that send raw bytes to a daemon.
final class RawSocket {
    let descriptor: Int32
    private var pending: [UInt8] = []

    init(unixPath path: String, receiveTimeoutSeconds: Int = 20) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(connected == 0, "cannot connect to \(path)")
        setReceiveTimeout(seconds: receiveTimeoutSeconds)
    }

    /// Connects to 127.0.0.1:`port`; nil when the connection is refused.
    init?(port: UInt16, receiveTimeoutSeconds: Int = 20) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        setReceiveTimeout(seconds: receiveTimeoutSeconds)
    }

    deinit { close(descriptor) }

    func setReceiveTimeout(seconds: Int, microseconds: Int = 0) {
        var timeout = timeval(tv_sec: seconds, tv_usec: microseconds)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    struct Closed: Error {}

    /// Writes all of `bytes`; throws once the other side has closed (no SIGPIPE).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Closed() }
            offset += written
        }
    }

    /// Some bytes; empty once the other side has closed (or reset). Throws on the receive timeout.
    func receive() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw TimedOut() }
            if count <= 0 { return [] }
            return Array(buffer[0..<count])
        }
    }

    struct TimedOut: Error {}

    /// Reads until the other side closes (or resets) the connection; throws on the receive timeout.
    func readUntilClosed() throws -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let bytes = try receive()
            if bytes.isEmpty { return all }
            all += bytes
        }
    }

    /// Exactly `count` bytes; nil if the connection closes first.
    func receive(exactly count: Int) throws -> [UInt8]? {
        while pending.count < count {
            let bytes = try receive()
            if bytes.isEmpty { return nil }
            pending += bytes
        }
        defer { pending.removeFirst(count) }
        return Array(pending[..<count])
    }

    /// The next line as a JSON object; nil once the connection is closed.
    func readLine() throws -> [String: Any]? {
        while !pending.contains(0x0a) {
            let bytes = try receive()
            if bytes.isEmpty { return nil }
            pending += bytes
        }
        let end = pending.firstIndex(of: 0x0a)!
        defer { pending.removeSubrange(...end) }
        return try JSONSerialization.jsonObject(with: Data(pending[..<end])) as? [String: Any]
    }
}
