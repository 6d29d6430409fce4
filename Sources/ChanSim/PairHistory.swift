import ChanCore
import ChanLedger

/// What each side's channel received, reported to its node and broadcast, in order, for tests
/// that look back at them. Kept only when asked (`isKept`): a long simulated run would pile up
/// every message and HTLC, and copying a harness must stay cheap.
public struct PairHistory: Sendable {
    public struct Side: Sendable {
        /// Messages delivered to the side, crafted ones included: bob's start with alice's
        /// `open_channel`, alice's with bob's `accept_channel`.
        public internal(set) var received: [WireMessage] = []
        public internal(set) var resolutions: [HTLCResolution] = []
        /// Transactions the side's channel asked to broadcast, accepted by the ledger or not.
        public internal(set) var broadcasts: [Transaction] = []
    }

    public let isKept: Bool
    /// Indexed by `PairSide.rawValue`.
    private var sides = [Side(), Side()]

    init(isKept: Bool) { self.isKept = isKept }

    public subscript(side: PairSide) -> Side { sides[side.rawValue] }

    mutating func record(received message: WireMessage, by side: PairSide) {
        if isKept { sides[side.rawValue].received.append(message) }
    }

    mutating func record(_ resolution: HTLCResolution, at side: PairSide) {
        if isKept { sides[side.rawValue].resolutions.append(resolution) }
    }

    mutating func record(broadcast transaction: Transaction, by side: PairSide) {
        if isKept { sides[side.rawValue].broadcasts.append(transaction) }
    }
}
