import ChanCore
import ChanLedger

/// The outcome of one random run.
public struct PairSimulationReport: Sendable {
    /// How the run ended.
    public enum Ending: Hashable, Sendable {
        case mutualClose
        case forceClose(by: PairSide)
        case breach(by: PairSide, commitmentNumber: UInt64)
        /// A channel left `normal` on its own (a violation says why); resolved on chain.
        case unexpectedClose
        /// The channel could not even be opened.
        case notOpened
    }

    public let options: PairSimulationOptions
    public let configuration: PairConfiguration?
    public let statistics: PairStatistics
    public let violations: ViolationLog
    public let ending: Ending
    /// Each side's channel phase at the end (nil if it was never opened).
    public let finalStates: [ChannelPhase]?
    public let audit: AuditReport?
    public let funds: ClosedChannelFunds?
    /// The last events of the run, if `traceLength` asked for them.
    public let trace: [String]
    /// True if the caller stopped the operations early (Ctrl-C): `statistics.operations` says
    /// how many ran; the channel was closed and audited all the same.
    public let interrupted: Bool

    /// True if the channel was closed by a commitment on the ledger (a force close or a breach).
    public var forceClosed: Bool {
        switch ending {
        case .forceClose, .breach, .unexpectedClose: true
        case .mutualClose, .notOpened: false
        }
    }

    public var passed: Bool { violations.isEmpty && (audit?.ok ?? false) }
}
