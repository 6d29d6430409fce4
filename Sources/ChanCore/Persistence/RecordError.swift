import ChanCrypto

/// Why a record could not be written or read back.
public enum RecordError: CodedError, Equatable, Sendable {
    /// The bytes are not a record (damaged, truncated, or not ours).
    case malformed(String)
    /// A record written by a newer version of chan.
    case unsupportedVersion(UInt16)
    /// The record is well formed but does not hold what its type needs.
    case mismatch(String)

    public var code: String {
        switch self {
        case .malformed: "record_malformed"
        case .unsupportedVersion: "record_unsupported_version"
        case .mismatch: "record_mismatch"
        }
    }

    public var message: String {
        switch self {
        case .malformed(let why): "a stored record is damaged: \(why)"
        case .unsupportedVersion(let version): "a stored record has version \(version), newer than this chan reads"
        case .mismatch(let why): "a stored record does not match its type: \(why)"
        }
    }
}
