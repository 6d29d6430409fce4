import ChanCore
import ChanCrypto
import ChanLedger

/// The ledger side of the harness: broadcasts, blocks reported to both channels (confirmed
/// spends of watched outpoints, then the block itself), audits, breaches and on-chain endings.
extension ChannelPairHarness {
    /// Mines `blocks` blocks one by one and reports each to both channels.
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
        statistics.penalties += block.transactions.count(where: \.spendsWithRevocation)
        if fundingShortChannelID == nil, let index = block.transactions.firstIndex(where: { $0.txid == wallets.fundingTxid }) {
            fundingShortChannelID = try? ShortChannelID(block: height, transactionIndex: UInt32(index), outputIndex: 0)
            fundingHeight = height
        }
        if fundingSpender == nil {
            // The harness always funds output 0.
            let fundingOutPoint = OutPoint(txid: wallets.fundingTxid, index: 0)
            fundingSpender = block.transactions.first { $0.inputs.contains { $0.previousOutput == fundingOutPoint } }
        }
        for side in PairSide.allCases {
            for transaction in block.transactions {
                let watched = channel(side).watchedOutPoints
                guard transaction.inputs.contains(where: { watched.contains($0.previousOutput) }) else { continue }
                // A node recognises a revoked commitment by its revocation log.
                let confirmed: LedgerEvent = if let number = revocationLogs[side.rawValue][transaction.txid] {
                    .revokedCommitmentConfirmed(transaction, height: height, commitmentNumber: number)
                } else {
                    .transactionConfirmed(transaction, height: height)
                }
                perform(event(side, .ledger(confirmed)), from: side)
            }
            if channel(side).phase == .awaitingFunding, let fundingHeight, let fundingShortChannelID,
               let funding = ledger.store.transaction(wallets.fundingTxid)?.transaction {
                let depth = height - fundingHeight + 1
                let confirmed = LedgerEvent.fundingConfirmed(depth: depth, shortChannelID: fundingShortChannelID, output: funding.outputs[0])
                perform(event(side, .ledger(confirmed)), from: side)
            }
            perform(event(side, .ledger(.blockConnected(height: height))), from: side)
        }
    }

    /// Submits a channel's transaction. Refusals are expected (claims are broadcast again each
    /// block until one is mined, and both sides broadcast the mutual close) and only counted.
    mutating func broadcast(_ transaction: Transaction) {
        do {
            try ledger.submit(transaction)
            ledgerChanges += 1
        } catch {
            statistics.broadcastsRefused += 1
        }
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

    // MARK: Breach

    /// Numbers of the cheater's archived commitments that are revoked and that the honest side
    /// knows to be revoked (it holds the revocation secret), ascending.
    public var breachableCommitmentNumbers: [UInt64] {
        guard let cheater = configuration.cheater else { return [] }
        return revocationLogs[cheater.other.rawValue].compactMap { txid, number in
            archivedCommitments[number]?.txid == txid ? number : nil
        }.sorted()
    }

    /// The cheater drops the connection and broadcasts its revoked commitment `number`.
    @discardableResult
    public mutating func breach(with number: UInt64) -> Bool {
        guard let cheater = configuration.cheater, let transaction = archivedCommitments[number] else { return false }
        disconnect()
        cheated.insert(cheater)
        do {
            try ledger.submit(transaction)
            ledgerChanges += 1
            return true
        } catch {
            violations.record("the ledger refused \(cheater)'s revoked commitment \(number): \(error)")
            return false
        }
    }

    // MARK: Endings on chain

    /// Mines until both channels are closed, at most `maxBlocks` blocks. Before each block,
    /// each receiver whose channel is force closing learns the preimages `reveal` picks among
    /// its pending incoming HTLCs, to claim them on chain. False (and a violation) if a
    /// channel is still open after `maxBlocks`.
    @discardableResult
    public mutating func mineUntilClosed(maxBlocks: Int, reveal: (PaymentBook.Payment) -> Bool = { _ in false }) -> Bool {
        for _ in 0..<maxBlocks {
            if channels.allSatisfy({ $0.phase == .closed }) { break }
            for receiver in PairSide.allCases where channel(receiver).phase == .forceClosing {
                for id in payments.settleableIDs(at: receiver) {
                    if let payment = payments.payment(incomingID: id, at: receiver), reveal(payment) { fulfil(at: receiver, id: id) }
                }
            }
            mine()
        }
        guard channels.allSatisfy({ $0.phase == .closed }) else {
            let pending = channels.map { channel in
                let outputs = channel.onChain?.pendingOutputs.map { "\($0.amount.value) sat \($0.condition.kind)" } ?? []
                return "\(channel.phase.rawValue) with \(outputs.count) outputs unresolved \(outputs)"
            }
            violations.record("not closed after \(maxBlocks) blocks: alice \(pending[0]), bob \(pending[1])")
            return false
        }
        return true
    }

    /// Where the channel's money is on the ledger now (see `ClosedChannelFunds`).
    public var closedChannelFunds: ClosedChannelFunds {
        ClosedChannelFunds(ledger: ledger, wallets: wallets, capacity: configuration.capacity)
    }
}

extension Transaction {
    /// Spends some output with a revocation key: a penalty.
    var spendsWithRevocation: Bool {
        inputs.contains { input in
            if case .revocation = input.witness { true } else { false }
        }
    }
}
