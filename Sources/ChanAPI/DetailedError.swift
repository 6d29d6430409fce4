import ChanCrypto

/// A coded error with a JSON object of details for whoever asked for them (`--explain` on a
/// failed search): the CLI prints it as `{"error": {"code", "message", "details"}}`. Over RPC
/// it travels as its code and message alone.
public struct DetailedError: CodedError, Sendable {
    public let code: String
    public let message: String
    public let details: any Encodable & Sendable

    public init(_ error: any CodedError, details: any Encodable & Sendable) {
        code = error.code
        message = error.message
        self.details = details
    }
}
