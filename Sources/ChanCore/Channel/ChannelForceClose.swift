import ChanCrypto
import ChanLedger

/// Force close, breach and everything the ledger reports to a channel.
extension Channel {
    /// Blocks of margin before an incoming HTLC we fulfilled expires: if the peer has not
    /// removed it by then, we claim it on chain before the peer can time it out.
    public static let fulfilledHTLCSafetyMargin: UInt32 = 6

    /// Outpoints whose spending transactions the driver must report: the funding output, and
    /// once a commitment is on the ledger, every output still being resolved.
    public var watchedOutPoints: Set<OutPoint> {
        guard let commitments else { return [] }
        var outPoints: Set<OutPoint> = [commitments.parameters.fundingOutPoint]
        if let onChain { outPoints.formUnion(onChain.watchedOutPoints) }
        return outPoints
    }

    /// Broadcasts our latest commitment (with both signatures) and waits for it on the ledger.
    mutating func forceClose(cause: String, now: UInt64) -> [ChannelEffect] {
        guard let commitments else { return [] }
        let changed = transition(to: .forceClosing, cause: cause, now: now)
        return [.persist(), .broadcast(signedLocalCommitment(commitments))] + changed
    }

    /// Our current commitment with our signature added to the peer's: ready for the ledger.
    public func signedLocalCommitment(_ commitments: Commitments) -> Transaction {
        let unsigned = commitments.local.transaction.transaction
        // Our funding key signs a transaction we built ourselves; neither step can fail.
        let ourSignature = try! CommitmentSigning.sign(unsigned, inputIndex: 0, with: keys.funding)
        return try! CommitmentSigning.finalizeCommitment(unsigned, verifiedSignatures: [
            keys.basepoints.funding: ourSignature,
            commitments.parameters.remoteBasepoints.funding: commitments.local.remoteSignature,
        ])
    }

    mutating func ledgerEventArrived(_ event: LedgerEvent, now: UInt64) -> [ChannelEffect] {
        switch event {
        case .fundingConfirmed(let depth, let shortChannelID, let output):
            return fundingConfirmed(depth: depth, shortChannelID: shortChannelID, output: output, now: now)
        case .blockConnected(let height):
            currentHeight = max(currentHeight, height)
            if onChain != nil, let commitments {
                var effects = onChain!.blockConnected(height: height, commitments: commitments, keys: keys)
                effects += closeIfResolved(now: now)
                return effects
            }
            // A refused broadcast (e.g. the funding not yet confirmed) must not strand the
            // channel: our commitment goes out again each block until a commitment confirms.
            if phase == .forceClosing, !awaitingPeerCommitment, let commitments {
                return [.broadcast(signedLocalCommitment(commitments))]
            }
            return enforceHTLCDeadlines(now: now)
        case .transactionConfirmed(let transaction, let height):
            return transactionConfirmed(transaction, height: height, revokedNumber: nil, now: now)
        case .revokedCommitmentConfirmed(let transaction, let height, let number):
            return transactionConfirmed(transaction, height: height, revokedNumber: number, now: now)
        }
    }

    /// BOLT 2: an outgoing HTLC past its expiry, or an incoming one we fulfilled that nears
    /// its expiry, must be settled on chain if the peer does not settle it off chain.
    private mutating func enforceHTLCDeadlines(now: UInt64) -> [ChannelEffect] {
        guard let commitments, phase == .normal || phase == .shuttingDown else { return [] }
        let expiredOutgoing = commitments.local.spec.htlcs.first { $0.direction == .offered && $0.cltvExpiry <= currentHeight }
        if let htlc = expiredOutgoing {
            return forceClose(cause: "outgoing HTLC \(htlc.id) expired at \(htlc.cltvExpiry)", now: now)
        }
        let endangeredIncoming = commitments.local.spec.htlcs.first { htlc in
            htlc.direction == .received && commitments.preimages[htlc.paymentHash] != nil
                && htlc.cltvExpiry <= currentHeight + Channel.fulfilledHTLCSafetyMargin
        }
        if let htlc = endangeredIncoming {
            return forceClose(cause: "fulfilled incoming HTLC \(htlc.id) nears its expiry \(htlc.cltvExpiry)", now: now)
        }
        return []
    }

    private mutating func transactionConfirmed(_ transaction: Transaction, height: UInt32, revokedNumber: UInt64?,
                                               now: UInt64) -> [ChannelEffect] {
        guard let commitments else { return [] }
        let fundingOutPoint = commitments.parameters.fundingOutPoint
        if transaction.inputs.contains(where: { $0.previousOutput == fundingOutPoint }) {
            guard onChain == nil else { return [] }
            if transaction.txid == shutdown.closingTransaction?.txid || isMutualClose(transaction) {
                let changed = transition(to: .closed, cause: "mutual close confirmed at height \(height)", now: now)
                return [.persist()] + changed
            }
            guard let resolution = OnChainResolution(spending: transaction, height: height, revokedNumber: revokedNumber, commitments: commitments,
                                                     keys: keys, destination: destination) else {
                // Only a transaction both funding keys signed can spend the funding output.
                let changed = transition(to: .closed, cause: "the funding output was spent by an unknown transaction", now: now)
                return [.persist()] + changed
            }
            onChain = resolution
            let changed = transition(to: .forceClosing, cause: "\(resolution.kind.rawValue) confirmed at height \(height)", now: now)
            var effects: [ChannelEffect] = [.persist()] + changed
            effects += onChain!.blockConnected(height: max(height, currentHeight), commitments: commitments, keys: keys)
            effects += closeIfResolved(now: now)
            return effects
        }
        guard onChain != nil else { return [] }
        var effects = onChain!.transactionConfirmed(transaction, height: height, commitments: commitments, keys: keys)
        effects += closeIfResolved(now: now)
        return effects
    }

    /// A mutual close pays only to the shutdown destinations and is no commitment of ours.
    private func isMutualClose(_ transaction: Transaction) -> Bool {
        guard let remote = shutdown.remoteDestination else { return false }
        return transaction.outputs.allSatisfy { $0.condition == destination || $0.condition == remote }
    }

    private mutating func closeIfResolved(now: UInt64) -> [ChannelEffect] {
        guard let onChain, onChain.isComplete, phase != .closed else { return [] }
        let changed = transition(to: .closed, cause: "every output of the \(onChain.kind.rawValue) is resolved", now: now)
        return [.persist()] + changed
    }
}
