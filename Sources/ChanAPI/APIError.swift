import ChanCrypto

/// An error as the daemon reports it and the CLI prints it: a stable code and a sentence.
/// JSON-RPC's own codes say who is at fault (-32600 a bad request, -32601 an unknown method,
/// -32602 bad params, -32000 the command failed).
public struct APIError: CodedError, Equatable, Sendable {
    public let code: String
    public let message: String
    public let rpcCode: Int
    /// An object for whoever asked for more (`route --explain` on a failure): the CLI prints
    /// it as `error.details`; over RPC it travels as `error.data.details`.
    public var details: JSONValue?

    public init(code: String, message: String, rpcCode: Int = APIError.commandFailed, details: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.rpcCode = rpcCode
        self.details = details
    }

    /// The error of a failed command, with its own code.
    public init(_ error: any CodedError) {
        if let api = error as? APIError { self = api } else { self.init(code: error.code, message: error.message) }
    }

    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let commandFailed = -32000

    public static func badRequest(_ why: String) -> APIError { APIError(code: "invalid_request", message: why, rpcCode: invalidRequest) }
    public static func unknownMethod(_ name: String) -> APIError {
        APIError(code: "unknown_method", message: "the daemon has no method '\(name)'", rpcCode: methodNotFound)
    }
    public static func badParams(_ why: String) -> APIError { APIError(code: "invalid_params", message: why, rpcCode: invalidParams) }

    public static func nodeNotRunning(_ name: String) -> APIError {
        APIError(code: "node_not_running", message: "node '\(name)' is not running (start it with `chan node start \(name)`)")
    }

    public static func nodeRunning(_ name: String, pid: Int32?) -> APIError {
        APIError(code: "node_running", message: "node '\(name)' is already running" + (pid.map { " (pid \($0))" } ?? ""))
    }

    public static func timeout(_ what: String) -> APIError { APIError(code: "timeout", message: what) }
}
