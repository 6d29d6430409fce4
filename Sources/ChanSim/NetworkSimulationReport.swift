import ChanCore
import ChanLedger

/// The outcome of one network run.
public struct NetworkSimulationReport: Sendable {
    public let options: NetworkSimulationOptions
    public let configuration: NetworkConfiguration?
    public let statistics: NetworkStatistics
    public let payments: NetworkPaymentBook
    public let violations: ViolationLog
    public let audit: AuditReport?
    /// Each channel's phase at each end at the end (opener first), nil if the network never opened.
    public let finalStates: [[ChannelPhase]]?
    public let trace: [String]
    /// True if the caller stopped the operations early; the network was settled, closed and audited all the same.
    public let interrupted: Bool

    public var passed: Bool { violations.isEmpty && (audit?.ok ?? false) }
}
