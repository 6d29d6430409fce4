import ChanCrypto
import ChanLedger

/// One two-party channel as a pure state machine: `handle(event)` returns the effects the
/// driver must perform, in order. No I/O, no clock (the driver passes `now`), no randomness
/// (keys are derived from the node seed), so the daemon, the test harness and the simulator
/// run exactly this code.
public struct Channel: Sendable, Equatable {
    public let keys: ChannelKeys
    public let peerID: PublicKey
    public let weAreOpener: Bool
    public let chainHash: Hash32
    public let localConfig: ChannelConfig
    /// Where our final balance and every claimed output goes (a wallet `key` condition).
    public let destination: OutputCondition
    public internal(set) var phase: ChannelPhase
    public internal(set) var temporaryChannelID: ChannelID
    public internal(set) var opening: OpeningNegotiation
    public internal(set) var commitments: Commitments?
    public internal(set) var fundingTransaction: Transaction?
    public internal(set) var shortChannelID: ShortChannelID?
    public internal(set) var fundingDepth: UInt32 = 0
    public internal(set) var channelReadySent = false
    public internal(set) var channelReadyReceived = false
    public internal(set) var isConnected = true
    /// Reconnected, but the peer's `channel_reestablish` has not arrived yet. BOLT 2: until it
    /// does, nothing else may be sent for the channel (a new update sent before the
    /// retransmissions would land in the peer's commitment ahead of them, and the retransmitted
    /// signature would no longer verify).
    public internal(set) var awaitingReestablish = false
    public internal(set) var currentHeight: UInt32
    public internal(set) var shutdown = ShutdownNegotiation()
    /// Our fulfils, fails and fee updates lost to a disconnect, proposed again on reconnect.
    public internal(set) var pendingReplay: [ChannelUpdate] = []
    public internal(set) var onChain: OnChainResolution?
    /// We lost data: our commitment may be revoked, so we wait for the peer's (never broadcast ours).
    public internal(set) var awaitingPeerCommitment = false

    /// The id of the channel: temporary until the funding outpoint is known.
    public var channelID: ChannelID { commitments?.channelID ?? temporaryChannelID }

    /// Every id the peer's messages for this channel may carry: the temporary one, and the
    /// funding-derived one as soon as the funding outpoint is known (the opener's
    /// `funding_signed` already carries it, before the commitments exist on our side).
    public var messageChannelIDs: [ChannelID] {
        guard let outPoint = commitments?.parameters.fundingOutPoint ?? opening.fundingOutPoint, outPoint.index <= UInt32(UInt16.max) else {
            return [temporaryChannelID]
        }
        return [temporaryChannelID, ChannelID(fundingTxid: try! Hash32(outPoint.txid.bytes), outputIndex: UInt16(outPoint.index))]
    }

    // MARK: Events

    /// Applies an event. A command that cannot be carried out throws and leaves the channel
    /// unchanged; a peer's bad message never throws: it becomes a warning or fails the channel.
    public mutating func handle(_ event: ChannelEvent, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        switch event {
        case .command(let command):
            var next = self
            let effects = try next.execute(command, now: now)
            self = next
            return effects
        case .message(let message):
            var next = self
            do {
                let effects = try next.receive(message, now: now)
                self = next
                return effects
            } catch {
                return peerMisbehaved(error, now: now)
            }
        case .ledger(let ledgerEvent):
            return ledgerEventArrived(ledgerEvent, now: now)
        case .disconnected:
            return disconnect(now: now)
        case .reconnected:
            return reconnect()
        }
    }

    private mutating func execute(_ command: ChannelCommand, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        switch command {
        case .fundingTransactionReady(let transaction, let outputIndex):
            return try fundingTransactionReady(transaction, outputIndex: outputIndex)
        case .addHTLC(let amount, let paymentHash, let cltvExpiry, let onion):
            try requireOperational(allowNewHTLCs: true)
            let add = try commitments!.sendAdd(amount: amount, paymentHash: paymentHash, cltvExpiry: cltvExpiry,
                                                onion: onion, currentHeight: currentHeight)
            return [.send(.updateAddHTLC(add))]
        case .fulfillHTLC(let id, let preimage) where phase == .forceClosing:
            // Too late to settle off chain: keep the preimage so the HTLC is claimed on chain.
            try commitments!.recordPreimage(preimage, forIncomingHTLC: id)
            return [.persist()]
        case .fulfillHTLC(let id, let preimage) where !isConnected && (phase == .normal || phase == .shuttingDown):
            // The peer is away. Refusing lost the preimage: the channel would not claim the HTLC
            // on chain before its expiry (`enforceHTLCDeadlines` needs the preimage), and the peer
            // could time it out. Keep the preimage and propose the fulfil when the peer is back,
            // as for one a disconnect discarded.
            guard !pendingReplay.contains(where: { $0.settledHTLCID == id }) else { throw .htlcAlreadySettled(id) }
            var check = commitments!
            let fulfill = try check.sendFulfill(id: id, preimage: preimage)
            try commitments!.recordPreimage(preimage, forIncomingHTLC: id)
            pendingReplay.append(.fulfill(fulfill))
            return [.persist()]
        case .fulfillHTLC(let id, let preimage):
            try requireOperational(allowNewHTLCs: false)
            return [.send(.updateFulfillHTLC(try commitments!.sendFulfill(id: id, preimage: preimage)))]
        case .failHTLC(let id, let reason):
            try requireOperational(allowNewHTLCs: false)
            return [.send(.updateFailHTLC(try commitments!.sendFail(id: id, reason: reason)))]
        case .failMalformedHTLC(let id, let sha256OfOnion, let failureCode):
            try requireOperational(allowNewHTLCs: false)
            let fail = try commitments!.sendFailMalformed(id: id, sha256OfOnion: sha256OfOnion, failureCode: failureCode)
            return [.send(.updateFailMalformedHTLC(fail))]
        case .updateFee(let feeratePerKw):
            try requireOperational(allowNewHTLCs: false)
            return [.send(.updateFee(try commitments!.sendFee(feeratePerKw: feeratePerKw)))]
        case .sign:
            try requireOperational(allowNewHTLCs: false)
            return try sign()
        case .close:
            return try startMutualClose(now: now)
        case .forceClose:
            guard commitments != nil, phase != .closed, onChain == nil, !awaitingPeerCommitment else {
                throw .invalidState("nothing to force close in state \(phase.rawValue)")
            }
            // Again while force closing: broadcast our commitment once more.
            if phase == .forceClosing { return [.broadcast(signedLocalCommitment(commitments!))] }
            return forceClose(cause: "force close requested", now: now)
        }
    }

    private mutating func receive(_ message: WireMessage, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        if phase == .closed, commitments != nil {
            // Over: the peer hears so in an `error` (not a warning and a disconnect, which would
            // cut its other channels with us), and an error or warning goes unanswered.
            switch message {
            case .error, .warning: return []
            default: return [.send(.error(ErrorMessage(channelID: channelID, data: Array("the channel is closed".utf8))))]
            }
        }
        switch message {
        case .acceptChannel(let accept): return try acceptChannelReceived(accept)
        case .fundingCreated(let created): return try fundingCreatedReceived(created, now: now)
        case .fundingSigned(let signed): return try fundingSignedReceived(signed, now: now)
        case .channelReady(let ready): return try channelReadyReceived(ready, now: now)
        case .updateAddHTLC(let add):
            // While shutting down, an add the peer sent before its own shutdown is still legitimate.
            try requireOperational(allowNewHTLCs: !shutdown.allowsPeerAdd(id: add.id), fromPeer: true)
            try commitments!.receiveAdd(add, currentHeight: currentHeight)
            return []
        case .updateFulfillHTLC(let fulfill):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            return try commitments!.receiveFulfill(fulfill).map { [.htlc($0)] } ?? []
        case .updateFailHTLC(let fail):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            try commitments!.receiveFail(.fail(fail))
            return []
        case .updateFailMalformedHTLC(let fail):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            try commitments!.receiveFail(.failMalformed(fail))
            return []
        case .updateFee(let fee):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            try commitments!.receiveFee(fee)
            return []
        case .commitmentSigned(let signed):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            let revocation = try commitments!.receiveCommit(signed, keys: keys)
            var effects: [ChannelEffect] = [.persist(), .send(.revokeAndAck(revocation))]
            effects += try signIfNeeded()
            effects += try closeIfSettled(now: now)
            return effects
        case .revokeAndAck(let revocation):
            try requireOperational(allowNewHTLCs: false, fromPeer: true)
            let (resolutions, revoked) = try commitments!.receiveRevocation(revocation)
            var effects: [ChannelEffect] = [.persist(revoked: revoked)] + resolutions.map(ChannelEffect.htlc)
            effects += try signIfNeeded()
            effects += try closeIfSettled(now: now)
            return effects
        case .channelReestablish(let reestablish): return try reestablishReceived(reestablish, now: now)
        case .shutdown(let shutdownMessage): return try shutdownReceived(shutdownMessage, now: now)
        case .closingSigned(let closingSigned): return try closingSignedReceived(closingSigned, now: now)
        case .error(let error):
            // BOLT 1: an error from the peer fails the channel. Its text, when printable, says why.
            let why = error.printableText.map { ": " + $0.prefix(200) } ?? ""
            guard commitments != nil, phase != .closed, phase != .forceClosing, phase != .closing else {
                guard phase == .opening else { return [] }
                // Nothing is on the ledger yet: forget the channel, and say so like every change of state.
                let changed = transition(to: .closed, cause: "the peer sent an error while opening" + why, now: now)
                return changed
            }
            return forceClose(cause: "the peer sent an error" + why, now: now)
        case .warning, .initMessage, .ping, .pong, .openChannel, .unknown:
            return []
        case .announcementSignatures, .channelAnnouncement, .nodeAnnouncement, .channelUpdate, .gossipTimestampFilter:
            // Announcing the channel is the daemon's gossip layer's work; the channel state is untouched.
            return []
        }
    }

    /// Updates and signatures need an established channel; new HTLCs also need no shutdown.
    func requireOperational(allowNewHTLCs: Bool, fromPeer: Bool = false) throws(ChannelError) {
        // Without commitments (still opening) the state is the reason, not the connection.
        guard commitments != nil else {
            throw fromPeer ? .protocolViolation("update in state \(phase.rawValue)") : .invalidState(phase.rawValue)
        }
        guard isConnected || fromPeer else { throw .invalidState("the peer is not connected") }
        guard !awaitingReestablish || fromPeer else { throw .invalidState("waiting for the peer's channel_reestablish") }
        switch phase {
        case .normal:
            return
        case .shuttingDown:
            // A peer's add sent before its own shutdown arrives with `allowNewHTLCs: false`
            // (see `ShutdownNegotiation.allowsPeerAdd`); any other add is refused.
            if allowNewHTLCs {
                throw fromPeer ? .protocolViolation("update_add_htlc after shutdown") : .invalidState("the channel is shutting down")
            }
        case .opening, .awaitingFunding, .closing, .forceClosing, .closed:
            throw fromPeer ? .protocolViolation("update in state \(phase.rawValue)") : .invalidState(phase.rawValue)
        }
    }

    /// Sends `commitment_signed` for our pending updates.
    mutating func sign() throws(ChannelError) -> [ChannelEffect] {
        let signed = try commitments!.sendCommit(keys: keys)
        return [.persist(), .send(.commitmentSigned(signed))]
    }

    /// Signs as soon as we have updates the peer lacks and no signature is outstanding.
    mutating func signIfNeeded() throws(ChannelError) -> [ChannelEffect] {
        guard let commitments, isConnected, !awaitingReestablish, commitments.localHasChanges, !commitments.isAwaitingRevocation,
              phase == .normal || phase == .shuttingDown
        else { return [] }
        return try sign()
    }

    /// A peer's message was refused. A bad signature or revocation means the peer cannot be
    /// trusted with the channel: fail it on chain. Anything else: warn, drop the connection,
    /// and let the reconnect discard the peer's unsigned updates.
    private mutating func peerMisbehaved(_ error: ChannelError, now: UInt64) -> [ChannelEffect] {
        let text = Array(error.message.utf8)
        switch error {
        case .invalidSignature, .invalidRevocation:
            guard commitments != nil else { return [.send(.error(ErrorMessage(channelID: channelID, data: text))), .disconnect] }
            var effects: [ChannelEffect] = [.send(.error(ErrorMessage(channelID: channelID, data: text)))]
            effects += forceClose(cause: "peer error: \(error.message)", now: now)
            return effects
        case .peerHasNewerState:
            // BOLT 2: our latest commitment may already be revoked, and broadcasting it would hand
            // the peer a penalty. Ask the peer to close instead and sweep our `to_remote`, which
            // pays our static payment key on any commitment of the peer (OnChainResolution).
            awaitingPeerCommitment = true
            let changed = transition(to: .forceClosing, cause: "peer error: \(error.message)", now: now)
            return [.persist(), .send(.error(ErrorMessage(channelID: channelID, data: text)))] + changed
        case .invalidState, .insufficientBalance, .belowHTLCMinimum, .tooManyHTLCs, .maxInFlightExceeded,
             .dustExposureExceeded, .expiryTooSoon, .expiryTooFar, .unknownHTLC, .htlcAlreadySettled,
             .wrongPreimage, .unexpectedHTLCID, .nothingToSign, .feeUpdateNotAllowed, .protocolViolation,
             .invalidParameters:
            var effects: [ChannelEffect] = [.send(.warning(WarningMessage(channelID: channelID, data: text))), .disconnect]
            effects += disconnect(now: now)
            return effects
        }
    }

    /// Moves to `new`; the `phaseChanged` effect it returns (none if the phase stays) carries
    /// the change for the channel's append-only history, which the channel itself does not keep.
    @discardableResult
    mutating func transition(to new: ChannelPhase, cause: String, now: UInt64) -> [ChannelEffect] {
        guard new != phase else { return [] }
        let change = StateChange(time: now, old: phase, new: new, cause: cause)
        phase = new
        return [.phaseChanged(change)]
    }

    // MARK: Connection

    private mutating func disconnect(now: UInt64) -> [ChannelEffect] {
        guard isConnected else { return [] }
        isConnected = false
        // BOLT 2: closing fee negotiation restarts on reconnection (a closing_signed may be lost).
        shutdown.lastProposedFee = nil
        if phase == .opening {
            let changed = transition(to: .closed, cause: "disconnected before the funding was signed", now: now)
            return changed
        }
        guard commitments != nil else { return [] }
        var effects: [ChannelEffect] = []
        for update in commitments!.discardUnsignedUpdates() {
            switch update {
            case .add(let add):
                // Never signed, so never in any commitment: the payment can be retried elsewhere.
                let hash = try! PaymentHash(bytes: add.paymentHash.bytes)
                effects.append(.htlc(.outgoingFailed(id: add.id, paymentHash: hash, failure: .local("disconnected before it was signed"))))
            case .fulfill, .fail, .failMalformed, .fee:
                pendingReplay.append(update)
            }
        }
        return effects
    }

    private mutating func reconnect() -> [ChannelEffect] {
        isConnected = true
        guard let commitments, phase != .opening, phase != .closed else { return [] }
        awaitingReestablish = true
        return [.send(.channelReestablish(commitments.reestablishMessage(keys: keys)))]
    }
}

/// What the opener proposed and the acceptor answered, until the funding is signed.
public struct OpeningNegotiation: Hashable, Sendable {
    public var fundingAmount: Satoshi
    public var pushAmount: MilliSatoshi
    public var feeratePerKw: UInt32
    public var minimumDepth: UInt32
    public var remoteConfig: ChannelConfig?
    public var remoteBasepoints: Basepoints?
    public var remoteFirstPoint: PublicKey?
    /// The opener's funding outpoint, fixed when its wallet made the funding transaction.
    public var fundingOutPoint: OutPoint?
    /// The peer's point for commitment 1, from its `channel_ready`.
    public var remoteSecondPoint: PublicKey?
    /// The opener asked for the channel to be announced to the network (`channel_flags`, BOLT 7):
    /// a public channel; otherwise private, known to others only through route hints.
    public var announceChannel = false
}
