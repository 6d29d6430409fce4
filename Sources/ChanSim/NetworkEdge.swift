import ChanCore
import ChanLedger

/// One channel of the network as the harness sees it: its two ends, the link between them (the
/// opener is alice of the link), where it was funded, and when its agreement was last checked.
public struct NetworkEdge: Sendable {
    public let index: Int
    public let ends: NetworkEdgeEnds
    public internal(set) var link = MessageLink()
    public internal(set) var fundingTxid: TxID?
    var fundingHeight: UInt32?
    public internal(set) var shortChannelID: ShortChannelID?
    /// Operations left until a dropped link comes back (nil: not scheduled).
    var reconnectIn: Int?
    /// Both sides' commitment numbers when the commit-cycle invariants last ran.
    var checkedAt: [UInt64] = []
}
