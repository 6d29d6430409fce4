import ChanCore
import ChanCrypto
import ChanStore
import Foundation
import Testing

/// A peer that breaks BOLT 8 or BOLT 1 at any point (garbage instead of an act, a bad act
/// three, a frame that does not authenticate, a message that does not decode, silence) is
/// dropped with a log line, and the daemon goes on: its RPC answers and an honest peer still
/// completes a handshake. Runs a real daemon (the built `chan`) with a short handshake timeout.
@Suite(.serialized) struct HostilePeerTests {
    static let handshakeTimeoutMS = 3000

    @Test func brokenHandshakesAndFramesAreDropped() throws {
        let daemon = try PeerDaemon(handshakeTimeoutMS: Self.handshakeTimeoutMS)
        let nodeKey = daemon.nodeKey

        // Garbage where act one belongs (a wrong version byte; an HTTP request; a valid length of noise).
        for garbage in [[UInt8](repeating: 0xff, count: 50), Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                        [0x00] + (0..<49).map { UInt8(truncatingIfNeeded: $0 &* 37) }] {
            let socket = try #require(PeerSocket(port: daemon.port))
            try socket.send(garbage)
            #expect(try socket.closedWithin(seconds: 1.5), "garbage \(garbage.prefix(4)) was not dropped at once")
        }

        // A correct act one, then a bad act three.
        do {
            let socket = try #require(PeerSocket(port: daemon.port))
            var (initiator, actOne) = try NoiseInitiator.start(localStatic: try PrivateKey.random(), remoteStatic: nodeKey, ephemeral: try PrivateKey.random())
            try socket.send(actOne)
            let actTwo = try #require(try socket.receive(exactly: HandshakeAct.two.length))
            let (actThree, _) = try initiator.receiveActTwo(actTwo)
            var broken = actThree
            broken[40] ^= 1
            try socket.send(broken)
            #expect(try socket.closedWithin(seconds: 1.5), "a bad act three was not dropped")
        }

        // A completed handshake, then: a frame that does not authenticate; a length that
        // authenticates (the largest, 65535: BOLT 8's two-byte length cannot say more) with a
        // damaged body; an init that does not decode; a message of an unknown even type; a
        // message too short to hold its type.
        let afterHandshake: [(String, (inout TransportCipher) throws -> [UInt8])] = [
            ("noise frame", { _ in [UInt8](repeating: 0x33, count: 18) }),
            ("damaged body of a 65535-byte frame", { cipher in
                var frame = try cipher.encrypt([0x00, 0x11] + [UInt8](repeating: 0, count: 65533))
                frame[frame.count - 1] ^= 1
                return frame
            }),
            ("init that does not decode", { cipher in try cipher.encrypt([0x00, 0x10, 0x00]) }),
            ("unknown even type", { cipher in try cipher.encrypt([0x80, 0x00, 1, 2, 3]) }),
            ("a message shorter than its type", { cipher in try cipher.encrypt([0x01]) }),
            ("an empty message", { cipher in try cipher.encrypt([]) }),
        ]
        for (name, frame) in afterHandshake {
            let (socket, cipher) = try daemon.handshake()
            var sending = cipher
            try socket.send(try frame(&sending))
            #expect(try socket.closedWithin(seconds: 2), "\(name): not dropped")
        }

        // What it dropped is in its log, one line each.
        let log = try String(contentsOfFile: daemon.home + "/nodes/alice/node.log", encoding: .utf8)
        let drops = log.split(separator: "\n").filter { $0.contains("dropping peer connection") }
        #expect(drops.count >= 3 + 1 + afterHandshake.count, "\(drops.count) drops logged")
        #expect(drops.contains { $0.contains("unknownEvenMessageType") || $0.contains("unknown_even") || $0.contains("32768") }, "\(drops)")
        // None of them is left as a peer.
        let peers = try PeerDaemon.run(["-n", "alice", "info"], environment: daemon.environment).output
        #expect(peers.contains("\"peers\" : 0") || peers.contains("\"peers\":0"), "\(peers)")
        try daemon.expectServing()
    }

    @Test func aSilentPeerIsDroppedAfterTheHandshakeTimeout() throws {
        let daemon = try PeerDaemon(handshakeTimeoutMS: Self.handshakeTimeoutMS)
        let socket = try #require(PeerSocket(port: daemon.port))
        let started = Date()
        #expect(try socket.closedWithin(seconds: 15))
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= Double(Self.handshakeTimeoutMS) / 1000 - 0.2 && waited < 10, "dropped after \(waited) s")
        // Half a handshake (act one only) is silence too.
        let half = try #require(PeerSocket(port: daemon.port))
        let (_, actOne) = try NoiseInitiator.start(localStatic: try PrivateKey.random(), remoteStatic: daemon.nodeKey, ephemeral: try PrivateKey.random())
        try half.send(actOne)
        #expect(try half.receive(exactly: HandshakeAct.two.length) != nil)
        #expect(try half.closedWithin(seconds: 15))
        let log = try String(contentsOfFile: daemon.home + "/nodes/alice/node.log", encoding: .utf8)
        #expect(log.contains("the handshake did not complete within \(Self.handshakeTimeoutMS) ms"))
        try daemon.expectServing()
    }

    /// 64 connections may sit in their handshake; the 65th is closed at once, and once one of
    /// them goes, a newcomer completes its handshake.
    @Test func pendingHandshakesAreCapped() throws {
        let daemon = try PeerDaemon(handshakeTimeoutMS: 20_000)
        var silent: [PeerSocket] = []
        for _ in 0..<64 { silent.append(try #require(PeerSocket(port: daemon.port))) }
        // Each is accepted (the listener's loop has seen them) before the next one counts.
        Thread.sleep(forTimeInterval: 0.5)
        let extra = try #require(PeerSocket(port: daemon.port))
        #expect(try extra.closedWithin(seconds: 2), "a 65th pending handshake was kept")
        #expect(try silent[0].closedWithin(seconds: 0.2) == false)
        silent.removeFirst()  // closes it
        Thread.sleep(forTimeInterval: 0.3)
        let (socket, _) = try daemon.handshake()
        #expect(try socket.closedWithin(seconds: 0.5) == false)
        let log = try String(contentsOfFile: daemon.home + "/nodes/alice/node.log", encoding: .utf8)
        #expect(log.contains("too many handshakes pending"))
        try daemon.expectServing()
    }
}

/// Node alice's daemon in a temporary home, started and stopped through the built binary (with
/// `CHAN_HANDSHAKE_TIMEOUT_MS` in its environment only).
final class PeerDaemon {
    let directory: TemporaryDirectory
    var home: String { directory.path + "/home" }
    let port: UInt16
    let nodeKey: PublicKey
    let environment: [String: String]

    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["CHAN_BIN"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/chan").path
    }()

    init(handshakeTimeoutMS: Int) throws {
        directory = try TemporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["CHAN_HOME"] = directory.path + "/home"
        environment["CHAN_NODE"] = nil
        environment["CHAN_HANDSHAKE_TIMEOUT_MS"] = "\(handshakeTimeoutMS)"
        self.environment = environment
        for arguments in [["ledger", "init"], ["node", "create", "alice"], ["node", "start", "alice"]] {
            let (status, _, errors) = try Self.run(arguments, environment: environment)
            try #require(status == 0, "chan \(arguments.joined(separator: " ")): \(errors)")
        }
        let config = try LocalNode.list(home: Home(path: directory.path + "/home"))[0]
        port = config.port
        nodeKey = try PublicKey(hex: config.nodeId)
    }

    deinit {
        let stopped = try? Self.run(["node", "stop", "alice"], environment: environment)
        if stopped?.status != 0 { Issue.record("the daemon did not stop: \(stopped?.errors ?? "")") }
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// A completed BOLT 8 handshake with a fresh key: the socket and the session's cipher.
    func handshake() throws -> (PeerSocket, TransportCipher) {
        let socket = try #require(PeerSocket(port: port))
        var (initiator, actOne) = try NoiseInitiator.start(localStatic: try PrivateKey.random(), remoteStatic: nodeKey, ephemeral: try PrivateKey.random())
        try socket.send(actOne)
        let actTwo = try #require(try socket.receive(exactly: HandshakeAct.two.length), "no act two")
        let (actThree, cipher) = try initiator.receiveActTwo(actTwo)
        try socket.send(actThree)
        return (socket, cipher)
    }

    /// The daemon runs, answers its RPC, and completes a handshake with an honest peer.
    func expectServing(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, output, errors) = try Self.run(["-n", "alice", "info"], environment: environment)
        #expect(status == 0 && output.contains("\"alice\""), "\(errors)", sourceLocation: sourceLocation)
        let (socket, _) = try handshake()
        // Our init comes first after the handshake: the session is up.
        #expect(try socket.receive(exactly: 18) != nil, sourceLocation: sourceLocation)
    }
}

/// A blocking TCP connection to 127.0.0.1 for raw bytes.
final class PeerSocket {
    let descriptor: Int32
    private var pending: [UInt8] = []

    init?(port: UInt16) {
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
        setReceiveTimeout(10)
    }

    deinit { close(descriptor) }

    private func setReceiveTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    struct Closed: Error {}

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Closed() }
            offset += written
        }
    }

    /// Bytes read; empty when closed or reset; nil on the receive timeout.
    private func read() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            return count <= 0 ? [] : Array(buffer[0..<count])
        }
    }

    /// Exactly `count` bytes; nil if the connection closes (or times out) first.
    func receive(exactly count: Int) throws -> [UInt8]? {
        while pending.count < count {
            guard let bytes = read(), !bytes.isEmpty else { return nil }
            pending += bytes
        }
        defer { pending.removeFirst(count) }
        return Array(pending[..<count])
    }

    /// Whether the other side closes the connection within `seconds` (what it sends meanwhile
    /// is discarded).
    func closedWithin(seconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            setReceiveTimeout(max(left, 0.001))
            guard let bytes = read() else { return false }
            if bytes.isEmpty { return true }
        }
    }
}
