import ChanAPI

/// The coded errors of request lines that never reach a method: bytes that are not JSON, and
/// a line longer than the socket accepts.
extension APIError {
    /// JSON-RPC's code for a request that is not JSON at all.
    static let parseErrorCode = -32700

    /// Not JSON: invalid UTF-8, bad syntax, or nested deeper than the parser goes.
    static func parseError(_ why: String) -> APIError {
        APIError(code: "parse_error", message: "the request is not JSON: \(why)", rpcCode: parseErrorCode)
    }

    /// A request line beyond `RPCJSON.maximumLineLength`: answered once, then the connection closes.
    static func requestTooLarge(limit: Int) -> APIError {
        APIError(code: "request_too_large",
                 message: "a request line is longer than \(limit) bytes; the daemon closes the connection",
                 rpcCode: invalidRequest)
    }
}
