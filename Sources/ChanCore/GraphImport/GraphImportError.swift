import ChanCrypto

/// Why a graph file could not be read.
public enum GraphImportError: CodedError, Equatable {
    /// The bytes are not JSON.
    case syntax(offset: Int, expected: String)
    /// A known field has a value of the wrong kind.
    case invalidField(name: String, offset: Int, reason: String)
    /// An entry lacks a field the format requires.
    case missingField(name: String, offset: Int)
    /// JSON, but neither Core Lightning `listchannels` nor an LND graph.
    case unrecognizedFormat

    public var code: String {
        switch self {
        case .syntax: "graph_corrupt"
        case .invalidField, .missingField: "graph_invalid"
        case .unrecognizedFormat: "graph_unknown_format"
        }
    }

    public var message: String {
        switch self {
        case .syntax(let offset, let expected):
            "the graph file is not valid JSON: expected \(expected) at byte \(offset)"
        case .invalidField(let name, let offset, let reason):
            "the graph file's field '\(name)' at byte \(offset) is invalid: \(reason)"
        case .missingField(let name, let offset):
            "the graph file's entry ending at byte \(offset) lacks the field '\(name)'"
        case .unrecognizedFormat:
            "the graph file is neither Core Lightning listchannels ({\"channels\": [...]}) nor an LND graph ({\"nodes\": [...], \"edges\": [...]})"
        }
    }
}
