import ChanAPI
import ChanCrypto
import FoundationEssentials

/// The daemon's JSON-RPC method table: each method decodes its params, calls the node, and
/// encodes the result. Nothing here decides anything; the node does. Methods run isolated to
/// the node (on its loop), so a call costs no hop between threads.
struct RPCRouter: Sendable {
    typealias Handler = @Sendable (isolated Node, [UInt8], RPCID?) async -> [UInt8]
    /// Run once the answer is written (`stop` answers first, then stops).
    typealias Afterwards = @Sendable (isolated Node) async -> Void

    private var handlers: [String: Handler] = [:]
    private var afterwards: [String: Afterwards] = [:]
    /// Methods that answer with a stream of lines (`events`), given the connection's writer.
    private var streams: [String: @Sendable (isolated Node, [UInt8], RPCID?, RPCLineWriter) async -> Void] = [:]

    mutating func method<Params: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, _ params: Params.Type, _ body: @escaping @Sendable (isolated Node, Params) async throws -> Result
    ) {
        handlers[name] = { node, line, id in
            do {
                let decoded = try RPCRouter.params(Params.self, from: line)
                return try RPCJSON.line(RPCResult(id: id, result: try await body(node, decoded)))
            } catch {
                return RPCRouter.failure(id: id, error)
            }
        }
    }

    /// Makes `name` run `action` after its answer has been written.
    mutating func after(_ name: String, _ action: @escaping Afterwards) { afterwards[name] = action }

    mutating func stream<Params: Decodable & Sendable>(
        _ name: String, _ params: Params.Type, _ body: @escaping @Sendable (isolated Node, Params, RPCLineWriter) async throws -> Void
    ) {
        streams[name] = { node, line, id, writer in
            do {
                try await body(node, try RPCRouter.params(Params.self, from: line), writer)
            } catch {
                writer.write(RPCRouter.failure(id: id, error))
            }
        }
    }

    /// Answers one request line (a stream method writes its own lines and returns nil).
    func handle(_ line: [UInt8], node: isolated Node, writer: RPCLineWriter) async -> (answer: [UInt8]?, afterwards: Afterwards?) {
        // Strict JSON first (UTF-8, nesting, grammar): what is not JSON at all is a parse error.
        do {
            _ = try JSONParser().parse(line)
        } catch {
            return (RPCRouter.failure(id: nil, APIError.parseError("\(error)")), nil)
        }
        let header: RPCRequestHeader
        do {
            header = try RPCJSON.decoder().decode(RPCRequestHeader.self, from: Data(line))
        } catch {
            return (RPCRouter.failure(id: nil, APIError.badRequest("not a JSON-RPC request: \(error)")), nil)
        }
        if let stream = streams[header.method] {
            await stream(node, line, header.id, writer)
            return (nil, nil)
        }
        guard let handler = handlers[header.method] else {
            return (RPCRouter.failure(id: header.id, APIError.unknownMethod(header.method)), nil)
        }
        return (await handler(node, line, header.id), afterwards[header.method])
    }

    static func params<Params: Decodable>(_ type: Params.Type, from line: [UInt8]) throws(APIError) -> Params {
        let decoder = RPCJSON.decoder()
        do {
            return try decoder.decode(RPCRequestParams<Params>.self, from: Data(line)).params
        } catch DecodingError.keyNotFound(let key, let context) where key.stringValue == "params" && context.codingPath.isEmpty {
            // No params at all: the method must accept `{}`.
            do { return try decoder.decode(Params.self, from: Data("{}".utf8)) } catch { throw .badParams("the method needs params: \(error)") }
        } catch {
            throw .badParams("the params do not fit: \(error)")
        }
    }

    static func failure(id: RPCID?, _ error: any Error) -> [UInt8] {
        let api: APIError = switch error {
        case let coded as any CodedError: APIError(coded)
        default: APIError(code: "internal_error", message: "\(error)")
        }
        return (try? RPCJSON.line(RPCFailure(id: id, error: api))) ?? Array("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"internal error\"}}\n".utf8)
    }
}

/// Writes lines back on one RPC connection (the `events` stream writes many); used on the
/// node's loop.
struct RPCLineWriter: Sendable {
    let send: @Sendable ([UInt8]) -> Bool

    /// False once the client has gone.
    @discardableResult
    func write(_ line: [UInt8]) -> Bool { send(line) }
}
