import ChanSim

/// How a `chan sim pair` run ended, as the summary prints it: one kind and the fields that go
/// with it, each key always present (null where the kind has none).
struct SimPairEnding: Encodable {
    /// `mutual_close`, `force_close`, `breach`, `unexpected_close` or `not_opened`.
    let kind: String
    /// The side that force closed (`force_close` only).
    var closer: String?
    /// The side that broadcast a revoked commitment (`breach` only).
    var cheater: String?
    /// The number of the revoked commitment it broadcast (`breach` only).
    var revokedCommitmentNumber: UInt64?

    init(_ ending: PairSimulationReport.Ending) {
        switch ending {
        case .mutualClose: kind = "mutual_close"
        case .forceClose(let side):
            kind = "force_close"
            closer = side.description
        case .breach(let side, let number):
            kind = "breach"
            cheater = side.description
            revokedCommitmentNumber = number
        case .unexpectedClose: kind = "unexpected_close"
        case .notOpened: kind = "not_opened"
        }
    }

    /// One line for people: "breach by bob with revoked commitment 12".
    var sentence: String {
        var words = kind.split(separator: "_").joined(separator: " ")
        if let closer { words += " by \(closer)" }
        if let cheater { words += " by \(cheater)" }
        if let revokedCommitmentNumber { words += " with revoked commitment \(revokedCommitmentNumber)" }
        return words
    }

}
