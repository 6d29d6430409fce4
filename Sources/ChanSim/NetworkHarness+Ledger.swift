import ChanCore
import ChanLedger

/// The ledger side of the network: blocks reported to every channel (confirmed spends of
/// watched outpoints, funding depth, then the block itself), broadcasts, and the audit.
extension NetworkHarness {
    /// Mines `blocks` blocks one by one and reports each to every channel.
    public mutating func mine(blocks: Int = 1) {
        for _ in 0..<max(blocks, 0) {
            let block: Block
            do {
                guard let mined = try ledger.mine(blocks: 1).first else { return }
                block = mined
            } catch {
                violations.record("the ledger could not mine: \(error)")
                return
            }
            ledgerChanges += 1
            statistics.blocksMined += 1
            trace.record("block \(block.header.height) with \(block.transactions.count) transactions")
            report(block)
        }
    }

    private mutating func report(_ block: Block) {
        let height = block.header.height
        for edge in edges.indices where edges[edge].fundingHeight == nil {
            guard let txid = edges[edge].fundingTxid, let index = block.transactions.firstIndex(where: { $0.txid == txid }) else { continue }
            edges[edge].fundingHeight = height
            edges[edge].shortChannelID = try? ShortChannelID(block: height, transactionIndex: UInt32(index), outputIndex: 0)
        }
        for node in nodes.indices {
            for edge in nodes[node].channels.keys.sorted() {
                for transaction in block.transactions {
                    guard let watched = channel(node, edge)?.watchedOutPoints,
                          transaction.inputs.contains(where: { watched.contains($0.previousOutput) }) else { continue }
                    let confirmed: LedgerEvent = if let number = nodes[node].revocationLogs[edge]?[transaction.txid] {
                        .revokedCommitmentConfirmed(transaction, height: height, commitmentNumber: number)
                    } else {
                        .transactionConfirmed(transaction, height: height)
                    }
                    event(node, edge, .ledger(confirmed))
                }
                if channel(node, edge)?.phase == .awaitingFunding, let fundingHeight = edges[edge].fundingHeight,
                   let scid = edges[edge].shortChannelID, let txid = edges[edge].fundingTxid,
                   let funding = ledger.store.transaction(txid)?.transaction {
                    event(node, edge, .ledger(.fundingConfirmed(depth: height - fundingHeight + 1, shortChannelID: scid, output: funding.outputs[0])))
                }
                event(node, edge, .ledger(.blockConnected(height: height)))
            }
            // As the daemon at each block: decisions the channels could not take before.
            for edge in nodes[node].channels.keys.sorted() { carryOutDecisions(node: node, edge: edge) }
        }
    }

    /// Submits a channel's transaction; refusals (both sides broadcast a mutual close) are expected.
    mutating func broadcast(_ transaction: Transaction) {
        do {
            try ledger.submit(transaction)
            ledgerChanges += 1
        } catch {}
    }

    /// Runs the ledger's audit if the ledger changed since the last one; problems are violations.
    @discardableResult
    public mutating func auditLedger() -> AuditReport? {
        guard ledgerChanges != auditedLedgerChanges else { return lastAudit }
        auditedLedgerChanges = ledgerChanges
        do {
            let report = try ledger.audit()
            lastAudit = report
            violations.record(report.problems, context: "ledger audit")
            return report
        } catch {
            violations.record("the ledger audit failed: \(error)")
            return nil
        }
    }

    /// No HTLC in any channel expires within `PairOperation.expiryMargin` blocks of the next
    /// block: mining it never forces a channel to close over a deadline.
    public var mayMineSafely: Bool {
        let next = height + 1
        return nodes.allSatisfy { node in
            node.channels.values.allSatisfy { channel in
                guard let expiry = channel.commitments?.nearestExpiry else { return true }
                return expiry > next + PairOperation.expiryMargin
            }
        }
    }

    /// Delivers every message in flight, one link after the other in turn (each in order). False
    /// (and a violation) if the network keeps talking past `limit` messages.
    @discardableResult
    public mutating func deliverAll(limit: Int = 1_000_000) -> Bool {
        var delivered = 0
        while true {
            let ready = deliverable
            guard !ready.isEmpty else { return true }
            for (edge, side) in ready {
                deliverNext(on: edge, to: side)
                delivered += 1
            }
            if delivered > limit {
                violations.record("the network exchanged more than \(limit) messages without settling")
                return false
            }
        }
    }

    /// Every node's wallet balance on the ledger (mempool excluded), in sat.
    public func walletBalance(_ node: Int) -> UInt64 {
        ledger.store.unspentOutputs(paying: [.key(nodes[node].wallet.publicKey)]).reduce(0) { $0 + $1.amount.value }
    }
}
