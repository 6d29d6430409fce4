import ChanCore

/// What a run must have done before its silence means anything: a channel that refused every
/// command, or never signed, crossed or retransmitted anything, breaks no invariant and tests
/// nothing. The floors are several times below what seeds do at 1,000 operations (over seeds
/// 1-30, at least 188 adds, 151 commitments, 80 fulfils, 76 fails, 38 fee updates, 122
/// crossed commitments, 320 retransmissions at a 5% disconnect rate), so only a run that
/// stopped doing things falls below.
public enum PairRunFloors {
    /// Runs of at least this many operations are held to the floors (shorter ones may
    /// legitimately miss a rare event, such as a fee update).
    public static let checkedFromOperations = 1000
    /// ...at disconnect rates up to this one. A link that drops more often refuses commands
    /// while it is down and loses signatures in flight: at 0.3, seeds legitimately fall to
    /// 28 commitments and 2 fulfils in 1,000 operations.
    public static let maximumDisconnectRate = 0.1

    /// What `statistics` lacks; empty if the run did enough. `disconnected`: the run asked for
    /// disconnects (it must then have reconnected and retransmitted).
    public static func problems(_ statistics: PairStatistics, disconnected: Bool) -> [String] {
        let operations = statistics.operations
        var problems: [String] = []
        func atLeast(_ value: Int, _ floor: Int, _ what: String) {
            if value < floor { problems.append("\(value) \(what) in \(operations) operations, the floor is \(floor)") }
        }
        // Adds are a third of the operations or more; most are accepted.
        atLeast(statistics.htlcsAdded, operations / 20, "HTLCs added")
        atLeast(statistics.commitmentsExchanged, operations / 20, "commitments exchanged")
        atLeast(statistics.htlcsSettled, operations / 100, "HTLCs fulfilled")
        atLeast(statistics.htlcsFailed, operations / 100, "HTLCs failed")
        atLeast(statistics.feeUpdates, operations / 500, "fee updates")
        atLeast(statistics.crossedCommitments, operations / 100, "crossed commitments")
        if disconnected {
            atLeast(statistics.disconnects, 1, "disconnects")
            atLeast(statistics.retransmissions, 1, "retransmissions")
        }
        return problems
    }
}

extension PairSimulationOptions {
    /// The run is held to the floors (when it did `checkedFromOperations` operations).
    var isHeldToFloors: Bool { disconnectRate <= PairRunFloors.maximumDisconnectRate }

    /// The rate promises enough disconnects (20 or more expected over the operations) that
    /// the run must have reconnected and retransmitted.
    var expectsDisconnects: Bool { disconnectRate * Double(operations) >= 20 }
}

extension ChannelPairHarness {
    /// The floors of `PairRunFloors`, for a run of at least `checkedFromOperations`
    /// operations; what falls short is a violation.
    public mutating func checkFloors(disconnected: Bool) {
        guard statistics.operations >= PairRunFloors.checkedFromOperations else { return }
        violations.record(PairRunFloors.problems(statistics, disconnected: disconnected), context: "floors")
    }
}
