import ChanCore
/// When the harness checks the pair's invariants, and the settling that makes a full check possible.
extension ChannelPairHarness {
    /// Nothing in flight and no signature awaiting its revocation: a commit cycle is complete.
    public var isQuiescent: Bool {
        link.isEmpty && channels.allSatisfy { !($0.commitments?.isAwaitingRevocation ?? false) }
    }

    /// Quiescent, and no update on its way anywhere (nor waiting to be proposed again).
    public var isFullySynced: Bool {
        isQuiescent && channels.allSatisfy { channel in
            channel.pendingReplay.isEmpty && (channel.commitments?.hasNoUpdates ?? true)
        }
    }

    /// Both channels can still update their commitments.
    public var isOperational: Bool {
        channels.allSatisfy { $0.phase == .normal || $0.phase == .shuttingDown }
    }

    /// The commitment `side` just accepted, checked on its own (BOLT 3 accounting, totals).
    mutating func checkNewCommitment(of side: PairSide) {
        let channel = channel(side)
        guard let commitments = channel.commitments else { return }
        violations.record(PairInvariants.commitmentProblems(side: side, channel: channel, commitments: commitments),
                          context: "new commitment")
    }

    /// Runs the commit-cycle invariants when a commit cycle just completed.
    mutating func checkCommitCycleIfQuiescent() {
        guard link.isUp, isOperational, isQuiescent, statistics.commitmentsExchanged != checkedAtCommitments else { return }
        checkCommitCycle()
    }

    /// The invariants of a complete commit cycle, and the ledger's audit.
    public mutating func checkCommitCycle() {
        checkedAtCommitments = statistics.commitmentsExchanged
        statistics.invariantChecks += 1
        violations.record(PairInvariants.commitCycleProblems(alice: channel(.alice), bob: channel(.bob)), context: "commit cycle")
        auditLedger()
    }

    /// The commit-cycle invariants plus those of a fully synced pair.
    public mutating func checkSynced() {
        checkCommitCycle()
        violations.record(PairInvariants.syncedProblems(alice: channel(.alice), bob: channel(.bob),
                                                        payments: payments, configuration: configuration), context: "synced")
    }

    /// Reconnects if needed, then delivers and signs until the pair is fully synced (HTLCs
    /// stay pending). False, and a violation, if it cannot get there in `maxRounds` rounds.
    @discardableResult
    public mutating func settle(maxRounds: Int = 1000) -> Bool {
        reconnect()
        for _ in 0..<maxRounds {
            guard deliverAll() else { return false }
            if isFullySynced || !isOperational { return isFullySynced }
            var signed = false
            for side in PairSide.allCases {
                guard let commitments = channel(side).commitments, commitments.localHasChanges, !commitments.isAwaitingRevocation else { continue }
                signed = command(side, .sign) || signed
            }
            if !signed, link.isEmpty { break }
        }
        violations.record("the pair could not settle: \(channels.map { $0.phase.rawValue }), \(link.inFlightCount) messages in flight")
        return false
    }
}
