import ChanCrypto
import FoundationEssentials

/// JSON-RPC 2.0 between the CLI and a node's daemon, over `nodes/NAME/rpc.sock`: one JSON
/// object per line each way. Results and errors carry our JSON conventions (snake_case keys,
/// amounts with their unit in the name); an error's stable code is in `error.data.code`.
public enum RPCID: Hashable, Sendable, Codable {
    case number(Int64)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { self = .number(number) } else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }
}

/// A request as sent: `{"jsonrpc": "2.0", "id": ..., "method": ..., "params": {...}}`.
public struct RPCRequest<Params: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public let id: RPCID
    public let method: String
    public let params: Params

    public init(id: RPCID, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// What the server reads first of any request: which method, and the id to answer with.
public struct RPCRequestHeader: Decodable, Sendable {
    public let jsonrpc: String?
    public let id: RPCID?
    public let method: String
}

/// The params of a request, read once the method is known.
public struct RPCRequestParams<Params: Decodable>: Decodable {
    public let params: Params
}

/// A success: `{"jsonrpc": "2.0", "id": ..., "result": ...}`.
public struct RPCResult<Result: Sendable>: Sendable {
    public var jsonrpc = "2.0"
    public let id: RPCID?
    public let result: Result

    public init(id: RPCID?, result: Result) {
        self.id = id
        self.result = result
    }
}

extension RPCResult: Encodable where Result: Encodable {}
extension RPCResult: Decodable where Result: Decodable {}

/// A result whose type the method picks at run time (`route`: a route, or the parts of a
/// multi-part payment, explained or not), encoded as itself.
public struct AnyResult: Encodable, Sendable {
    public let value: any Encodable & Sendable

    public init(_ value: any Encodable & Sendable) { self.value = value }

    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// A failure: `{"jsonrpc": "2.0", "id": ..., "error": {"code": -32000, "message": ..., "data": {"code": "node_running"}}}`.
public struct RPCFailure: Codable, Sendable, Error {
    public struct Body: Codable, Sendable {
        public let code: Int
        public let message: String
        public let data: Details?
    }

    public struct Details: Codable, Sendable {
        /// Our stable error code, as the CLI prints it.
        public let code: String
        /// An error's own object (`APIError.details`). Written, never decoded here: a decoder
        /// with snake_case conversion would rename its keys, so `RPCFailure.apiError(_:line:)`
        /// reads it from the raw line.
        public let details: JSONValue?

        enum CodingKeys: String, CodingKey { case code, details }

        init(code: String, details: JSONValue?) {
            self.code = code
            self.details = details
        }

        public init(from decoder: any Decoder) throws {
            code = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .code)
            details = nil
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(details, forKey: .details)
        }
    }

    public var jsonrpc = "2.0"
    public let id: RPCID?
    public let error: Body

    public init(id: RPCID?, error: APIError) {
        self.id = id
        self.error = Body(code: error.rpcCode, message: error.message, data: Details(code: error.code, details: error.details))
    }

    /// The `APIError` of an error answer `line` whose `error` is `body`, its details included.
    public static func apiError(_ body: Body, line: [UInt8]) -> APIError {
        let details = (try? JSONParser().parse(line))?["error"]?["data"]?["details"]
        return APIError(code: body.data?.code ?? "rpc_error", message: body.message, rpcCode: body.code,
                        details: details == .null ? nil : details)
    }
}

/// A notification of an `events` stream: `{"jsonrpc": "2.0", "method": "event", "params": {...}}`.
public struct RPCNotification<Params: Codable & Sendable>: Codable, Sendable {
    public var jsonrpc = "2.0"
    public var method = "event"
    public let params: Params

    public init(params: Params) { self.params = params }
}

/// Just enough of a response line to tell a result from an error.
public struct RPCResponseHeader: Decodable, Sendable {
    public let id: RPCID?
    public let error: RPCFailure.Body?
    public let method: String?
}

/// The JSON both ends write: snake_case keys, sorted, one line, every optional key present
/// (`null` when absent), integers exact at any size (both ends read them exactly; the CLI
/// decides how to print the big ones).
public enum RPCJSON {
    public static let writer = JSONWriter(layout: .compact, largeIntegers: .exact)

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// `value` as one line (JSON never contains a raw newline), newline included.
    public static func line<T: Encodable>(_ value: T) throws -> [UInt8] {
        writer.bytes(try JSONValueEncoder().encode(value)) + [0x0a]
    }

    /// The longest request or response line either side accepts (a daemon must not buffer without end).
    public static let maximumLineLength = 4 << 20
}

/// The params of a method that takes none: `{}`.
public struct NoParams: Codable, Sendable {
    public init() {}
}
