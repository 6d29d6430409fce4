import ChanAPI
import ChanCrypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking JSON-RPC client over a node's Unix socket: what each CLI call, the benchmarks
/// and the tests use (a process that asks one thing needs no event loop).
public final class RPCClient {
    public let node: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1

    /// Connects to `socketPath`; `node_not_running` when nothing listens there.
    public init(node: String, socketPath: String) throws(APIError) {
        self.node = node
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { throw APIError(code: "socket_path_too_long", message: "\(socketPath) is too long for a Unix socket") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        #if canImport(Glibc)
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let socketDescriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard socketDescriptor >= 0 else { throw APIError(code: "socket_error", message: String(cString: strerror(errno))) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            close(socketDescriptor)
            throw .nodeNotRunning(node)
        }
        descriptor = socketDescriptor
    }

    deinit { close(descriptor) }

    /// Calls `method` and decodes its result; a daemon error comes back as the `APIError` it sent.
    public func call<Params: Encodable & Sendable, Result: Codable & Sendable>(
        _ method: String, _ params: Params, as type: Result.Type = Result.self
    ) throws(APIError) -> Result {
        let id = RPCID.number(nextID)
        nextID += 1
        try send(RPCRequest(id: id, method: method, params: params))
        let line = try readLine()
        return try RPCClient.decodeResult(line, as: type)
    }

    /// Calls `method` and returns the answer's line as the daemon wrote it (the CLI prints the
    /// `result` as is); a daemon error comes back as the `APIError` it sent.
    public func callRaw<Params: Encodable & Sendable>(_ method: String, _ params: Params) throws(APIError) -> [UInt8] {
        let id = RPCID.number(nextID)
        nextID += 1
        try send(RPCRequest(id: id, method: method, params: params))
        let line = try readLine()
        if let header = try? RPCJSON.decoder().decode(RPCResponseHeader.self, from: Data(line)), let error = header.error {
            throw RPCFailure.apiError(error, line: line)
        }
        return line
    }

    /// Sends a request whose answer is a stream (`events`): `body` gets each line's JSON until
    /// it returns false or the daemon closes the connection.
    public func stream<Params: Encodable & Sendable>(_ method: String, _ params: Params, _ body: ([UInt8]) -> Bool) throws(APIError) {
        try send(RPCRequest(id: .number(nextID), method: method, params: params))
        nextID += 1
        while true {
            let line: [UInt8]
            do { line = try readLine() } catch { if error.code == "connection_closed" { return }; throw error }
            if let header = try? RPCJSON.decoder().decode(RPCResponseHeader.self, from: Data(line)), let error = header.error {
                throw RPCFailure.apiError(error, line: line)
            }
            guard body(line) else { return }
        }
    }

    static func decodeResult<Result: Codable & Sendable>(_ line: [UInt8], as type: Result.Type) throws(APIError) -> Result {
        let decoder = RPCJSON.decoder()
        do {
            let header = try decoder.decode(RPCResponseHeader.self, from: Data(line))
            if let error = header.error {
                throw RPCFailure.apiError(error, line: line)
            }
            return try decoder.decode(RPCResult<Result>.self, from: Data(line)).result
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(code: "bad_response", message: "the daemon's answer could not be read: \(error)")
        }
    }

    private func send<Params: Encodable & Sendable>(_ request: RPCRequest<Params>) throws(APIError) {
        let bytes: [UInt8]
        do { bytes = try RPCJSON.line(request) } catch { throw APIError(code: "invalid_params", message: "\(error)") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw APIError(code: "connection_closed", message: "the daemon of '\(node)' closed the connection") }
            offset += written
        }
    }

    private func readLine() throws(APIError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= RPCJSON.maximumLineLength else { throw APIError(code: "bad_response", message: "the daemon's answer is too long") }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw APIError(code: "connection_closed", message: "the daemon of '\(node)' closed the connection") }
            buffer += chunk[0..<count]
        }
    }
}
