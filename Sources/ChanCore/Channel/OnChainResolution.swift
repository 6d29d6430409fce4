import ChanCrypto
import ChanLedger

/// BOLT 5 on the toy ledger: once a commitment is confirmed, every output that can become ours
/// is claimed as soon as its timelock allows, the peer's claims teach us preimages, and each
/// outgoing HTLC is reported paid or failed exactly once.
public struct OnChainResolution: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case localCommitment = "local_commitment"
        case remoteCommitment = "remote_commitment"
        case revokedCommitment = "revoked_commitment"
        /// A commitment of the peer newer than any we know: we lost data. Only our `to_remote`
        /// is recognisable (it pays our static payment basepoint).
        case unknownRemoteCommitment = "unknown_remote_commitment"
    }

    /// How we may claim one output, and what its spending tells us.
    enum Claim: Hashable, Sendable {
        /// A `to_local` of ours (our commitment or our second-stage HTLC transaction): after its delay.
        case delayed(perCommitmentPoint: PublicKey)
        /// Paid to our payment basepoint (`to_remote` on the peer's commitment): at once.
        case paymentKey
        /// Our HTLC on our commitment: the pre-signed HTLC-timeout transaction, from `cltv_expiry`.
        case ourOfferedHTLC(HTLCTransaction, remoteSignature: Signature, perCommitmentPoint: PublicKey)
        /// The peer's HTLC on our commitment: the HTLC-success transaction, once we know the preimage.
        case ourReceivedHTLC(HTLCTransaction, remoteSignature: Signature, perCommitmentPoint: PublicKey)
        /// The peer's HTLC on its commitment (offered to us): with the preimage, directly.
        case theirOfferedHTLC(CommitmentHTLC, perCommitmentPoint: PublicKey)
        /// Our HTLC on the peer's commitment: back to us from `cltv_expiry`.
        case theirReceivedHTLC(CommitmentHTLC, perCommitmentPoint: PublicKey)
        /// An output of a revoked commitment (or of a second-stage transaction built on it).
        case revocable(perCommitmentSecret: [UInt8])
    }

    struct PendingOutput: Hashable, Sendable {
        let output: TxOutput
        let confirmedHeight: UInt32
        let claim: Claim
    }

    public let kind: Kind
    public let commitmentTxid: TxID
    public let confirmedHeight: UInt32
    let feeratePerKw: UInt32
    let destination: OutputCondition
    // Internal rather than private for `ChannelRecord`, which writes and restores them.
    var pending: [OutPoint: PendingOutput] = [:]
    /// Outgoing HTLC ids already reported paid or failed.
    var reportedOutgoing: Set<UInt64> = []
    /// Outcomes found outside an event's effects (while classifying), reported with the next ones.
    var carryOverResolutions: [HTLCResolution] = []

    public var isComplete: Bool { pending.isEmpty }
    public var watchedOutPoints: Set<OutPoint> { Set(pending.keys) }
    public var pendingOutputCount: Int { pending.count }
    /// The outputs still to be claimed or to resolve (for reports).
    public var pendingOutputs: [TxOutput] { pending.values.map(\.output) }

    /// Recognises `transaction`, which spent the funding output and is not the mutual close, as
    /// one of the channel's commitments (`revokedNumber` when the revocation log knows it as a
    /// revoked one), or failing that as a newer commitment of the peer.
    public init?(spending transaction: Transaction, height: UInt32, revokedNumber: UInt64?, commitments: Commitments,
                 keys: ChannelKeys, destination: OutputCondition) {
        let txid = transaction.txid
        commitmentTxid = txid
        confirmedHeight = height
        self.destination = destination
        feeratePerKw = commitments.local.spec.feeratePerKw
        let outputs = SpendableOutput.all(of: transaction)

        if txid == commitments.local.transaction.txid {
            kind = .localCommitment
            classifyLocal(commitments: commitments, outputs: outputs, height: height)
        } else if let remote = [commitments.remote, commitments.latestRemote].first(where: { $0.txid == txid }) {
            kind = .remoteCommitment
            guard let rebuilt = try? commitments.parameters.remoteCommitment(number: remote.number, spec: remote.spec, point: remote.perCommitmentPoint)
            else { return nil }
            classifyRemote(rebuilt, keys: keys, outputs: outputs, height: height)
        } else if let number = revokedNumber, number < commitments.remote.number,
                  let secret = commitments.remoteSecrets.secret(at: PerCommitmentSecret.firstIndex - number) {
            kind = .revokedCommitment
            for spendable in outputs {
                if case .key(let key) = spendable.output.condition, key == commitments.parameters.localBasepoints.payment {
                    pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height, claim: .paymentKey)
                } else if spendable.output.condition.revocationKey != nil {
                    pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height,
                                                                claim: .revocable(perCommitmentSecret: secret))
                }
            }
        } else {
            kind = .unknownRemoteCommitment
            for spendable in outputs {
                guard case .key(let key) = spendable.output.condition, key == commitments.parameters.localBasepoints.payment else { continue }
                pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height, claim: .paymentKey)
            }
            // Which of our HTLCs it carries is unknown, so none is reported failed: the peer
            // may still claim some with their preimages.
            return
        }
        reportOutgoingMissing(from: transaction, commitments: commitments)
    }

    private mutating func classifyLocal(commitments: Commitments, outputs: [SpendableOutput], height: UInt32) {
        let local = commitments.local
        let point = local.transaction.keys.perCommitmentPoint
        if let index = local.transaction.toLocalOutput {
            pending[outputs[index].outPoint] = PendingOutput(output: outputs[index].output, confirmedHeight: height,
                                                             claim: .delayed(perCommitmentPoint: point))
        }
        let htlcTransactions = HTLCTransactions.build(for: local.transaction, feeratePerKw: local.spec.feeratePerKw,
                                                      toSelfDelay: commitments.parameters.remoteConfig.toSelfDelay)
        for (htlcTransaction, signature) in zip(htlcTransactions, local.remoteHTLCSignatures) {
            let spendable = outputs[htlcTransaction.htlc.outputIndex]
            let claim: Claim = switch htlcTransaction.htlc.htlc.direction {
            case .offered: .ourOfferedHTLC(htlcTransaction, remoteSignature: signature, perCommitmentPoint: point)
            case .received: .ourReceivedHTLC(htlcTransaction, remoteSignature: signature, perCommitmentPoint: point)
            }
            pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height, claim: claim)
        }
    }

    private mutating func classifyRemote(_ commitment: CommitmentTransaction, keys: ChannelKeys, outputs: [SpendableOutput], height: UInt32) {
        let point = commitment.keys.perCommitmentPoint
        if let index = commitment.toRemoteOutput {
            pending[outputs[index].outPoint] = PendingOutput(output: outputs[index].output, confirmedHeight: height, claim: .paymentKey)
        }
        for htlcOutput in commitment.htlcOutputs {
            let spendable = outputs[htlcOutput.outputIndex]
            // Directions are the peer's: what it offered is ours to take with a preimage.
            let claim: Claim = switch htlcOutput.htlc.direction {
            case .offered: .theirOfferedHTLC(htlcOutput.htlc, perCommitmentPoint: point)
            case .received: .theirReceivedHTLC(htlcOutput.htlc.flipped, perCommitmentPoint: point)
            }
            pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height, claim: claim)
        }
    }

    /// Our outgoing HTLCs that the confirmed commitment does not carry (trimmed, not yet signed
    /// into it, or absent from a revoked state) can never be paid on chain: they failed.
    private mutating func reportOutgoingMissing(from transaction: Transaction, commitments: Commitments) {
        var onChain: Set<UInt64> = []
        for output in pending.values {
            switch output.claim {
            case .ourOfferedHTLC(let htlcTransaction, _, _): onChain.insert(htlcTransaction.htlc.htlc.id)
            case .theirReceivedHTLC(let htlc, _): onChain.insert(htlc.id)
            case .delayed, .paymentKey, .ourReceivedHTLC, .theirOfferedHTLC, .revocable: break
            }
        }
        // Every commitment that may hold one: the peer's current one too, which still holds an
        // HTLC the peer failed if our signature removing it never reached the peer.
        let outgoing = commitments.local.spec.htlcs.filter { $0.direction == .offered }
            + commitments.remote.spec.htlcs.filter { $0.direction == .received }.map(\.flipped)
            + commitments.latestRemote.spec.htlcs.filter { $0.direction == .received }.map(\.flipped)
        var seen: Set<UInt64> = []
        for htlc in outgoing where !onChain.contains(htlc.id) && seen.insert(htlc.id).inserted {
            report(.outgoingFailed(id: htlc.id, paymentHash: htlc.paymentHash, failure: .local("not in the confirmed commitment")),
                   id: htlc.id, preimages: commitments.preimages, hash: htlc.paymentHash)
        }
    }

    /// The peer claimed our HTLC with its preimage. Not reported again if the peer's fulfil
    /// already was, off chain, before the commitment confirmed.
    private mutating func reportFulfilled(_ htlc: CommitmentHTLC, preimage: Preimage, commitments: Commitments) {
        guard !commitments.reportedFulfilments.contains(htlc.id) else { return }
        report(.outgoingFulfilled(id: htlc.id, paymentHash: htlc.paymentHash, preimage: preimage),
               id: htlc.id, preimages: [:], hash: htlc.paymentHash)
    }

    private mutating func report(_ resolution: HTLCResolution, id: UInt64, preimages: [PaymentHash: Preimage], hash: PaymentHash) {
        guard !reportedOutgoing.contains(id) else { return }
        // An HTLC the peer fulfilled off chain was reported when its preimage arrived.
        if case .outgoingFailed = resolution, preimages[hash] != nil { return }
        reportedOutgoing.insert(id)
        carryOverResolutions.append(resolution)
    }

    // MARK: Events

    /// A new block: broadcast every claim whose timelock lets it into the next block. Claims
    /// are broadcast again each block until the output is spent; the ledger refuses duplicates.
    public mutating func blockConnected(height: UInt32, commitments: Commitments, keys: ChannelKeys) -> [ChannelEffect] {
        var effects = carryOverResolutions.map(ChannelEffect.htlc)
        carryOverResolutions = []
        let nextHeight = height + 1
        var revocable: [SpendableOutput] = []
        var revocationSecret: [UInt8]?
        for (outPoint, pendingOutput) in pending.sorted(by: { $0.key < $1.key }) {
            if case .revocable(let secret) = pendingOutput.claim {
                revocable.append(SpendableOutput(outPoint: outPoint, output: pendingOutput.output))
                revocationSecret = secret
                continue
            }
            if let claim = try? claimTransaction(outPoint: outPoint, pendingOutput, nextHeight: nextHeight, commitments: commitments, keys: keys) {
                effects.append(.broadcast(claim))
            }
        }
        if let secret = revocationSecret, let key = try? keys.revocationKey(perCommitmentSecret: secret),
           let penalty = penalty(spending: revocable, revocationKey: key) {
            effects.append(.broadcast(penalty))
        }
        return effects
    }

    /// The transaction that claims one output now, or nil if it cannot yet (or ever, for us).
    private func claimTransaction(outPoint: OutPoint, _ pendingOutput: PendingOutput, nextHeight: UInt32,
                                  commitments: Commitments, keys: ChannelKeys) throws -> Transaction? {
        let output = pendingOutput.output
        switch pendingOutput.claim {
        case .delayed(let point):
            guard case .toLocal(_, _, let delay) = output.condition,
                  nextHeight >= pendingOutput.confirmedHeight + UInt32(delay) else { return nil }
            let delayedKey = try keys.delayedPaymentKey(perCommitmentPoint: point)
            return try atAffordableFeerate { feerate throws(CommitmentError) in
                try ClaimTransactions.sweepDelayed(outPoint: outPoint, output: output, delayedKey: delayedKey,
                                                   destination: destination, feeratePerKw: feerate)
            }
        case .paymentKey:
            return try atAffordableFeerate { feerate throws(CommitmentError) in
                try ClaimTransactions.sweepKey(outPoint: outPoint, output: output, key: keys.paymentBasepointSecret,
                                               destination: destination, feeratePerKw: feerate)
            }
        case .ourOfferedHTLC(let htlcTransaction, let remoteSignature, let point):
            guard nextHeight >= htlcTransaction.transaction.locktime else { return nil }
            let signature = try CommitmentSigning.sign(htlcTransaction.transaction, inputIndex: 0, with: keys.htlcKey(perCommitmentPoint: point))
            return CommitmentSigning.finalizeHTLCTimeout(htlcTransaction, ownerSignature: signature, counterpartySignature: remoteSignature)
        case .ourReceivedHTLC(let htlcTransaction, let remoteSignature, let point):
            guard let preimage = commitments.preimages[htlcTransaction.htlc.htlc.paymentHash] else { return nil }
            let signature = try CommitmentSigning.sign(htlcTransaction.transaction, inputIndex: 0, with: keys.htlcKey(perCommitmentPoint: point))
            return CommitmentSigning.finalizeHTLCSuccess(htlcTransaction, ownerSignature: signature, counterpartySignature: remoteSignature, preimage: preimage)
        case .theirOfferedHTLC(let htlc, let point):
            guard let preimage = commitments.preimages[htlc.paymentHash] else { return nil }
            let htlcKey = try keys.htlcKey(perCommitmentPoint: point)
            return try atAffordableFeerate { feerate throws(CommitmentError) in
                try ClaimTransactions.claimOfferedHTLCWithPreimage(outPoint: outPoint, output: output, htlcKey: htlcKey, preimage: preimage,
                                                                   destination: destination, feeratePerKw: feerate)
            }
        case .theirReceivedHTLC(let htlc, let point):
            guard nextHeight >= htlc.cltvExpiry else { return nil }
            let htlcKey = try keys.htlcKey(perCommitmentPoint: point)
            return try atAffordableFeerate { feerate throws(CommitmentError) in
                try ClaimTransactions.claimReceivedHTLCAfterTimeout(outPoint: outPoint, output: output, htlcKey: htlcKey,
                                                                    destination: destination, feeratePerKw: feerate)
            }
        case .revocable:
            return nil // claimed together by the penalty in `blockConnected`
        }
    }

    /// `build` at the channel's feerate or, when that fee would leave less than the dust limit
    /// (`build` throws `claimBelowDust` or returns nil), at the first halving that leaves more;
    /// nil if none does. The toy ledger has no minimum fee, so a small output is worth taking;
    /// at the full feerate it could never be claimed, and the channel would wait for it forever
    /// instead of closing.
    private func atAffordableFeerate(_ build: (UInt32) throws(CommitmentError) -> Transaction?) throws(CommitmentError) -> Transaction? {
        var feerate = feeratePerKw
        while true {
            do {
                if let transaction = try build(feerate) { return transaction }
            } catch {
                guard case .claimBelowDust = error else { throw error }
            }
            guard feerate > 0 else { return nil }
            feerate /= 2
        }
    }

    /// The penalty over `revocable` at the first affordable feerate; nil if there is nothing to take.
    private func penalty(spending revocable: [SpendableOutput], revocationKey: PrivateKey) -> Transaction? {
        try? atAffordableFeerate { feerate throws(CommitmentError) in
            try? ClaimTransactions.penalty(spending: revocable, revocationKey: revocationKey,
                                           destination: destination, feeratePerKw: feerate)
        }
    }

    /// A confirmed transaction spent outputs we watch: mark them resolved, follow second-stage
    /// outputs, and report what the spending path reveals about our outgoing HTLCs.
    public mutating func transactionConfirmed(_ transaction: Transaction, height: UInt32,
                                              commitments: Commitments, keys: ChannelKeys) -> [ChannelEffect] {
        let outputs = SpendableOutput.all(of: transaction)
        for input in transaction.inputs {
            guard let spent = pending.removeValue(forKey: input.previousOutput), let witness = input.witness else { continue }
            switch (spent.claim, witness) {
            case (.ourOfferedHTLC(let htlcTransaction, _, let point), .offeredTimeout):
                let htlc = htlcTransaction.htlc.htlc
                report(.outgoingFailed(id: htlc.id, paymentHash: htlc.paymentHash, failure: .local("timed out on the ledger")),
                       id: htlc.id, preimages: commitments.preimages, hash: htlc.paymentHash)
                follow(outputs, height: height, claim: .delayed(perCommitmentPoint: point))
            case (.ourOfferedHTLC(let htlcTransaction, _, _), .offeredPreimage(_, let preimage)):
                let htlc = htlcTransaction.htlc.htlc
                reportFulfilled(htlc, preimage: preimage, commitments: commitments)
            case (.ourReceivedHTLC(_, _, let point), .receivedPreimage):
                follow(outputs, height: height, claim: .delayed(perCommitmentPoint: point))
            case (.theirReceivedHTLC(let htlc, _), .receivedTimeout):
                report(.outgoingFailed(id: htlc.id, paymentHash: htlc.paymentHash, failure: .local("timed out on the ledger")),
                       id: htlc.id, preimages: commitments.preimages, hash: htlc.paymentHash)
            case (.theirReceivedHTLC(let htlc, _), .receivedPreimage(_, _, let preimage)):
                reportFulfilled(htlc, preimage: preimage, commitments: commitments)
            case (.revocable(let secret), .offeredTimeout), (.revocable(let secret), .receivedPreimage):
                // The cheater moved an HTLC to its second stage: that output is revocable too.
                follow(outputs, height: height, claim: .revocable(perCommitmentSecret: secret))
            case (.delayed, _), (.paymentKey, _), (.ourOfferedHTLC, _), (.ourReceivedHTLC, _),
                 (.theirOfferedHTLC, _), (.theirReceivedHTLC, _), (.revocable, _):
                break // claimed (by us or the peer); nothing more to follow
            }
        }
        let effects = carryOverResolutions.map(ChannelEffect.htlc)
        carryOverResolutions = []
        return effects
    }

    /// Watches the outputs of a second-stage transaction that are ours to claim.
    private mutating func follow(_ outputs: [SpendableOutput], height: UInt32, claim: Claim) {
        for spendable in outputs {
            guard case .toLocal = spendable.output.condition else { continue }
            pending[spendable.outPoint] = PendingOutput(output: spendable.output, confirmedHeight: height, claim: claim)
        }
    }
}

extension OutputCondition {
    /// The revocation key of a revocable condition.
    var revocationKey: PublicKey? {
        switch self {
        case .toLocal(let key, _, _), .offeredHTLC(let key, _, _, _), .receivedHTLC(let key, _, _, _, _): key
        case .key, .multisig2: nil
        }
    }
}
