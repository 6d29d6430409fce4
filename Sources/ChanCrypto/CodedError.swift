/// An error a person can read and a script can match on.
///
/// Every layer's error enum conforms, so the CLI prints any failure as
/// `{"error": {"code": ..., "message": ...}}` without knowing where it came from.
public protocol CodedError: Error, CustomStringConvertible {
    /// Stable snake_case machine code, e.g. `insufficient_funds`.
    var code: String { get }
    /// One sentence for a person.
    var message: String { get }
}

extension CodedError {
    public var description: String { "\(code): \(message)" }
}
