/// The `ln` + currency prefix that opens an invoice's human-readable part: which chain the
/// payment is for. Kept as data: the caller decides which prefixes its node accepts.
public enum InvoicePrefix: String, CaseIterable, Hashable, Sendable, Codable {
    case bitcoin = "lnbc"
    case testnet = "lntb"
    case signet = "lntbs"
    case regtest = "lnbcrt"
    case simnet = "lnsb"

    /// Ours: the toy ledger is a regtest-like chain, and any BOLT 11 decoder reads `lnbcrt`.
    public static let `default` = InvoicePrefix.regtest

    /// Splits a lower-case human-readable part into its prefix and the amount text after it.
    /// The prefix is every character before the first digit, since amounts start with one.
    static func split(humanReadablePart hrp: String) throws(InvoiceError) -> (prefix: InvoicePrefix, amount: Substring) {
        let firstDigit = hrp.firstIndex { $0.isASCII && $0.isNumber } ?? hrp.endIndex
        let letters = String(hrp[..<firstDigit])
        guard let prefix = InvoicePrefix(rawValue: letters) else {
            throw .unknownPrefix(String(letters.prefix(16)))
        }
        return (prefix, hrp[firstDigit...])
    }
}
