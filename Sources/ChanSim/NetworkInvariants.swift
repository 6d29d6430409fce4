import ChanCore
import ChanLedger

/// What must hold across the network, checked as the run goes and when it is synced: both
/// ends of a channel agree after every complete commit cycle (`PairInvariants`), and when
/// nothing is in flight anywhere, every payment ended exactly once and every node holds what
/// the payments that ended say (paid amount plus fees on success only, received exactly the
/// amount, earned exactly its fees).
extension NetworkHarness {
    /// Both ends of `edge` connected and reestablished, nothing in flight, no signature awaiting
    /// its revocation, and a commitment changed since the last check: the commit-cycle invariants.
    mutating func checkCommitCycleIfQuiescent(_ edge: Int) {
        let ends = edges[edge].ends
        guard edges[edge].link.isUp, edges[edge].link.isEmpty,
              let a = channel(ends.opener, edge), let b = channel(ends.acceptor, edge),
              let ca = a.commitments, let cb = b.commitments else { return }
        let numbers = [ca.local.number, cb.local.number, ca.remote.number, cb.remote.number]
        guard numbers != edges[edge].checkedAt, [a, b].allSatisfy({ $0.isConnected && !$0.awaitingReestablish }),
              !ca.isAwaitingRevocation, !cb.isAwaitingRevocation,
              [a, b].allSatisfy({ $0.phase == .normal || $0.phase == .shuttingDown }) else { return }
        edges[edge].checkedAt = numbers
        statistics.commitCycleChecks += 1
        violations.record(PairInvariants.commitCycleProblems(alice: a, bob: b), context: "channel \(edge) (node \(ends.opener) as alice, \(ends.acceptor) as bob)")
    }

    /// Every link up, nothing in flight, no update anywhere, no HTLC held: the network has
    /// nothing left to do.
    public var isSynced: Bool {
        edges.allSatisfy { $0.link.isUp && $0.link.isEmpty } && nodes.allSatisfy { node in
            node.incomingSets.isEmpty && node.channels.values.allSatisfy { channel in
                channel.pendingReplay.isEmpty && !channel.awaitingReestablish
                    && (channel.commitments.map { $0.hasNoUpdates && !$0.isAwaitingRevocation && $0.local.spec.htlcs.isEmpty } ?? true)
            }
        }
    }

    /// Reconnects every link, then delivers, signs, answers held HTLCs and lets held
    /// multi-part sets time out until the network is synced. False, and a violation, if it
    /// cannot get there in `maxRounds` rounds.
    @discardableResult
    public mutating func settleAll(maxRounds: Int = 2000) -> Bool {
        for edge in edges.indices { reconnect(edge) }
        for _ in 0..<maxRounds {
            guard deliverAll() else { return false }
            if isSynced { return true }
            guard nodes.allSatisfy({ $0.channels.values.allSatisfy { $0.phase == .normal || $0.phase == .shuttingDown } }) else { break }
            var acted = signAll()
            if !acted, messagesInFlight == 0 {
                // Decisions that waited (a failure while the peer was away), then held parts.
                for node in nodes.indices {
                    for edge in nodes[node].channels.keys.sorted() { carryOutDecisions(node: node, edge: edge) }
                }
                acted = messagesInFlight > 0 || signAll()
                if !acted, let deadline = nodes.compactMap({ $0.incomingSets.values.compactMap(\.deadline).min() }).min() {
                    clock.advance(seconds: deadline > clock.now ? deadline - clock.now : 0)
                    expireParts()
                    acted = true
                }
            }
            if !acted, messagesInFlight == 0 { break }
        }
        violations.record("the network could not settle: \(unsettledDescription)")
        return false
    }

    /// Signs every channel with updates to sign; true if any did.
    @discardableResult
    mutating func signAll() -> Bool {
        var signed = false
        for node in nodes.indices {
            for edge in nodes[node].channels.keys.sorted() {
                guard let channel = channel(node, edge), let commitments = channel.commitments, commitments.localHasChanges,
                      !commitments.isAwaitingRevocation, channel.isConnected, !channel.awaitingReestablish else { continue }
                signed = command(node, edge, .sign) || signed
            }
        }
        return signed
    }

    private var unsettledDescription: String {
        var parts: [String] = []
        for node in nodes.indices {
            for (edge, channel) in nodes[node].channels.sorted(by: { $0.key < $1.key }) {
                let htlcs = channel.commitments?.local.spec.htlcs.count ?? 0
                let updates = channel.commitments?.hasNoUpdates == false
                if htlcs > 0 || updates || channel.phase != .normal {
                    let detail = channel.commitments.map { c in
                        c.local.spec.htlcs.map { "\($0.direction) \($0.id) preimage \(c.preimages[$0.paymentHash] != nil)" }.joined(separator: ",")
                            + " replay \(channel.pendingReplay.count) proposed \(c.localChanges.proposed.count) signed \(c.localChanges.signed.count) acked \(c.localChanges.acked.count) remote \(c.remoteChanges.proposed.count)/\(c.remoteChanges.signed.count)/\(c.remoteChanges.acked.count)"
                    } ?? ""
                    parts.append("node \(node) channel \(edge) \(channel.phase.rawValue) \(htlcs) HTLCs\(updates ? " with updates" : "") [\(detail)]")
                }
            }
            if !nodes[node].incomingSets.isEmpty { parts.append("node \(node) holds \(nodes[node].incomingSets.count) part sets") }
            for (edge, channel) in nodes[node].channels.sorted(by: { $0.key < $1.key }) {
                for htlc in channel.undecidedIncomingHTLCs {
                    let ref = NetworkHTLCRef(edge: edge, id: htlc.id)
                    let known = nodes[node].forwards[ref].map { "forward \($0.status)" }
                        ?? nodes[node].invoices[htlc.paymentHash].map { "invoice paid \($0.isPaid)" } ?? "unknown"
                    parts.append("node \(node) waits on incoming \(ref) (\(known))")
                }
            }
        }
        return parts.prefix(12).joined(separator: "; ") + ", \(messagesInFlight) messages in flight"
    }

    /// The invariants of a synced network: both ends of each channel hold the same commitments,
    /// every payment ended, each forwarder earned its promised fees, each node holds what the
    /// payments say, and no node still waits for an HTLC.
    public mutating func checkSynced() {
        statistics.syncChecks += 1
        for edge in edges.indices {
            let ends = edges[edge].ends
            guard let a = channel(ends.opener, edge), let b = channel(ends.acceptor, edge) else { continue }
            violations.record(PairInvariants.commitCycleProblems(alice: a, bob: b), context: "synced channel \(edge)")
            if let ca = a.commitments, let cb = b.commitments, ca.local.spec.toLocal != cb.local.spec.toRemote || ca.local.spec.toRemote != cb.local.spec.toLocal {
                violations.record("synced channel \(edge): node \(ends.opener) sees \(ca.local.spec.toLocal.value)/\(ca.local.spec.toRemote.value) msat, node \(ends.acceptor) \(cb.local.spec.toRemote.value)/\(cb.local.spec.toLocal.value)")
            }
        }
        violations.record(payments.endProblems(), context: "payments")
        for node in nodes.indices {
            let expected = payments.expectedBalance(of: node, opening: openingBalances[node])
            let actual = Int64(nodes[node].offChainBalance)
            if actual != expected {
                violations.record("node \(node) holds \(actual) msat off chain, the payments say \(expected) (\(actual - expected) msat off)")
            }
            if !nodes[node].forwardsInFlight.isEmpty || !nodes[node].attempts.isEmpty {
                violations.record("node \(node) still waits for \(nodes[node].forwardsInFlight.count) forwards and \(nodes[node].attempts.count) payment parts when synced")
            }
        }
        auditLedger()
    }
}
