import ChanCrypto
import ChanLedger

/// Where a mutual close stands.
public struct ShutdownNegotiation: Hashable, Sendable {
    public var localSent = false
    /// Where the peer wants its balance paid, from its `shutdown`.
    public var remoteDestination: OutputCondition?
    /// The fee of our last `closing_signed`.
    public var lastProposedFee: Satoshi?
    /// The agreed, fully signed closing transaction.
    public var closingTransaction: Transaction?
    /// The peer's next HTLC id when its `shutdown` arrived. The peer sent every add before its
    /// shutdown, so an add below this id is legitimate even now (one signed before the shutdown
    /// and sent again after a reconnect); an add at or above it breaks the protocol.
    public var remoteHTLCIDLimit: UInt64?

    public init() {}

    /// Whether the peer may (still) send the add with `id`: before its shutdown arrived it
    /// could not know of ours, and after it only adds it sent before are retransmitted.
    func allowsPeerAdd(id: UInt64) -> Bool {
        guard let limit = remoteHTLCIDLimit else { return true }
        return id < limit
    }
}

/// BOLT 2 mutual close: `shutdown`, then `closing_signed` fee negotiation once no HTLC is left.
extension Channel {
    /// BOLT 3's weight estimate for a closing transaction with two outputs.
    static let closingWeight: UInt64 = 672

    mutating func startMutualClose(now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        guard let commitments, phase == .normal || (phase == .shuttingDown && !shutdown.localSent) else {
            throw .invalidState("cannot close a channel in state \(phase.rawValue)")
        }
        guard isConnected else { throw .invalidState("the peer is not connected (use --force to close alone)") }
        guard !awaitingReestablish else { throw .invalidState("waiting for the peer's channel_reestablish") }
        guard commitments.localChanges.proposed.isEmpty else { throw .invalidState("sign the pending updates before closing") }
        shutdown.localSent = true
        let changed = transition(to: .shuttingDown, cause: "close requested", now: now)
        var effects: [ChannelEffect] = [.persist(), .send(.shutdown(Shutdown(channelID: commitments.channelID, scriptPubkey: destination.serialized)))]
        effects += changed
        effects += try closeIfSettled(now: now)
        return effects
    }

    mutating func shutdownReceived(_ message: Shutdown, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        // The close is agreed and broadcast: a peer that missed our last closing_signed sends
        // its shutdown again after a reconnect; the ledger settles it now.
        if phase == .closing { return [] }
        guard let commitments, phase == .normal || phase == .shuttingDown else { throw .protocolViolation("unexpected shutdown") }
        guard let condition = try? OutputCondition(serialized: message.scriptPubkey), case .key = condition else {
            throw .protocolViolation("the shutdown destination is not a key condition")
        }
        if let known = shutdown.remoteDestination, known != condition { throw .protocolViolation("shutdown changed its destination") }
        shutdown.remoteDestination = condition
        if shutdown.remoteHTLCIDLimit == nil { shutdown.remoteHTLCIDLimit = commitments.remoteNextHTLCID }
        let changed = transition(to: .shuttingDown, cause: "the peer sent shutdown", now: now)
        var effects: [ChannelEffect] = changed
        if !shutdown.localSent {
            // Our own updates must be signed before our shutdown goes out.
            if commitments.localHasChanges, !commitments.isAwaitingRevocation { effects += try sign() }
            shutdown.localSent = true
            effects += [.persist(), .send(.shutdown(Shutdown(channelID: commitments.channelID, scriptPubkey: destination.serialized)))]
        }
        effects += try closeIfSettled(now: now)
        return effects
    }

    /// Both shutdowns exchanged and no HTLC or update left anywhere: the opener proposes a fee.
    mutating func closeIfSettled(now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        guard phase == .shuttingDown, isSettledForClose, weAreOpener, shutdown.lastProposedFee == nil else { return [] }
        let (fee, range) = closingFeeProposal()
        return try proposeClosing(fee: fee, range: range)
    }

    var isSettledForClose: Bool {
        guard let commitments, shutdown.localSent, shutdown.remoteDestination != nil else { return false }
        return commitments.local.spec.htlcs.isEmpty && commitments.remote.spec.htlcs.isEmpty
            && !commitments.isAwaitingRevocation
            && commitments.localChanges.all.isEmpty && commitments.remoteChanges.all.isEmpty
    }

    /// Our preferred closing fee at the current feerate and the range we accept.
    func closingFeeProposal() -> (Satoshi, ClosingSigned.FeeRange) {
        let feerate = UInt64(commitments!.local.spec.feeratePerKw)
        let fee = Satoshi(feerate * Channel.closingWeight / 1000)
        let openerBalance = weAreOpener ? commitments!.local.spec.toLocal.flooredSatoshi : commitments!.local.spec.toRemote.flooredSatoshi
        let maximum = min(Satoshi(fee.value * 2), openerBalance)
        // An opener poorer than half the fee makes the range collapse to what it can pay
        // (a range with minimum above maximum would trap).
        let minimum = min(Satoshi(fee.value / 2), maximum)
        return (min(fee, maximum), ClosingSigned.FeeRange(minimum: minimum, maximum: maximum))
    }

    private mutating func proposeClosing(fee: Satoshi, range: ClosingSigned.FeeRange) throws(ChannelError) -> [ChannelEffect] {
        let transaction = try closingTransaction(fee: fee)
        let signature = try signClosing(transaction)
        shutdown.lastProposedFee = fee
        let message = ClosingSigned(channelID: channelID, fee: fee, signature: try! CompactSignature(signature.compact),
                                    tlvs: ClosingSigned.TLVs(feeRange: range))
        return [.send(.closingSigned(message))]
    }

    mutating func closingSignedReceived(_ message: ClosingSigned, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        // Already agreed: a proposal sent again after a reconnect changes nothing.
        if phase == .closing { return [] }
        guard phase == .shuttingDown, isSettledForClose else { throw .protocolViolation("closing_signed before the channel is settled") }
        let transaction = try closingTransaction(fee: message.fee)
        guard let theirSignature = try? Signature(compact: message.signature.bytes),
              CommitmentSigning.verify(theirSignature, on: transaction, inputIndex: 0, by: commitments!.parameters.remoteBasepoints.funding)
        else { throw .invalidSignature("closing_signed") }

        let (_, ourRange) = closingFeeProposal()
        var effects: [ChannelEffect] = []
        if message.fee != shutdown.lastProposedFee {
            var agreedFee = message.fee
            if !(ourRange.minimum...ourRange.maximum).contains(message.fee) {
                // Only the non-opener may counter, inside both ranges (BOLT 2 fee_range).
                guard !weAreOpener, let theirRange = message.tlvs.feeRange else {
                    throw .protocolViolation("closing fee \(message.fee.value) sat is outside our range")
                }
                let low = max(ourRange.minimum, theirRange.minimum), high = min(ourRange.maximum, theirRange.maximum)
                guard low <= high else { throw .protocolViolation("the closing fee ranges do not overlap") }
                agreedFee = min(max(message.fee, low), high)
                return try proposeClosing(fee: agreedFee, range: ClosingSigned.FeeRange(minimum: low, maximum: high))
            }
            effects += try proposeClosing(fee: agreedFee, range: ourRange)
        }
        // Both signatures on the same fee: the close is agreed.
        let ourSignature = try signClosing(transaction)
        let signed: Transaction
        do {
            signed = try CommitmentSigning.finalizeCommitment(transaction, signatures: [
                keys.basepoints.funding: ourSignature, commitments!.parameters.remoteBasepoints.funding: theirSignature,
            ])
        } catch {
            throw .invalidSignature("cannot finalise the closing transaction: \(error)")
        }
        shutdown.closingTransaction = signed
        let changed = transition(to: .closing, cause: "closing fee of \(message.fee.value) sat agreed", now: now)
        return effects + [.persist(), .broadcast(signed)] + changed
    }

    /// The closing transaction for `fee`: each side's final balance to its destination, the
    /// opener paying the fee; outputs below the owner's dust limit are left out.
    func closingTransaction(fee: Satoshi) throws(ChannelError) -> Transaction {
        guard let commitments, let remoteDestination = shutdown.remoteDestination else { throw .invalidState("no shutdown yet") }
        let spec = commitments.local.spec
        var ours = spec.toLocal.flooredSatoshi
        var theirs = spec.toRemote.flooredSatoshi
        do {
            if weAreOpener { ours = try ours.subtracting(fee) } else { theirs = try theirs.subtracting(fee) }
        } catch {
            throw .insufficientBalance("the opener cannot pay a closing fee of \(fee.value) sat")
        }
        var outputs: [TxOutput] = []
        if ours >= commitments.parameters.localConfig.dustLimit { outputs.append(TxOutput(amount: ours, condition: destination)) }
        if theirs >= commitments.parameters.remoteConfig.dustLimit { outputs.append(TxOutput(amount: theirs, condition: remoteDestination)) }
        // A deterministic order both sides compute alike: by amount, then by condition bytes.
        outputs.sort { a, b in
            a.amount != b.amount ? a.amount < b.amount : a.condition.serialized.lexicographicallyPrecedes(b.condition.serialized)
        }
        return Transaction(inputs: [TxInput(previousOutput: commitments.parameters.fundingOutPoint)], outputs: outputs)
    }

    private func signClosing(_ transaction: Transaction) throws(ChannelError) -> Signature {
        do { return try CommitmentSigning.sign(transaction, inputIndex: 0, with: keys.funding) } catch {
            throw .invalidSignature("signing the closing transaction failed")
        }
    }
}
