import ChanCrypto

/// What the payment is for: the text itself (`d`) or the SHA-256 of a longer text that is
/// delivered some other way (`h`). An invoice carries exactly one of them.
public enum InvoiceDescription: Hashable, Sendable {
    case text(String)
    case hash(Hash32)

    /// True when `text` is this description, or hashes to it (the check the spec asks a
    /// payer to make against an `h` field).
    public func matches(_ text: String) -> Bool {
        switch self {
        case .text(let own): own == text
        case .hash(let hash): SHA256.hash(Array(text.utf8)) == hash.bytes
        }
    }
}
