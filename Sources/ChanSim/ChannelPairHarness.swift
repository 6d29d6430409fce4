import ChanCore
import ChanCrypto
import ChanLedger

/// Two `Channel`s of one channel, alice (the opener, unless `PairConfiguration.opener`
/// says bob) and bob, run in memory over a real
/// `Ledger<InMemoryLedgerStore>`: the harness carries out their effects (messages through a
/// `MessageLink`, broadcasts to the ledger, HTLC outcomes into a `PaymentBook`), reports blocks
/// and confirmed spends back to them, and checks invariants as it goes. It is the one driver
/// of channel effects: the simulator runs on it, and so do the channel tests, step by step
/// (`ChannelPairHarness+Steps.swift`).
///
/// Deterministic: it draws no random numbers itself (the driver passes a generator where a
/// choice is random) and its clock only moves when it acts. A value: copying it forks the
/// whole world (both channels, the ledger, the messages in flight), so a test can try several
/// endings from one state.
public struct ChannelPairHarness {
    public let configuration: PairConfiguration
    /// Indexed by `PairSide.rawValue`.
    public internal(set) var channels: [Channel]
    public internal(set) var ledger: Ledger<InMemoryLedgerStore>
    public internal(set) var link = MessageLink()
    public internal(set) var payments: PaymentBook
    public internal(set) var statistics = PairStatistics()
    public internal(set) var violations = ViolationLog()
    public internal(set) var clock: SimulatedClock
    /// The last events, when enabled (for explaining a violation).
    public var trace = SimulationTrace()
    /// Send every message through the wire codec (encode, decode, compare), as a connection
    /// would; what arrives is the decoded message.
    public var encodesMessages = true
    public let wallets: PairWallets
    /// Each side's node keys (indexed by `PairSide.rawValue`): a persisted channel record is
    /// read back with them.
    let nodeKeys: [NodeKeys]
    /// Each side's revocation log (the peer's revoked commitments, by txid), as a node keeps it
    /// beside the channel record.
    public internal(set) var revocationLogs: [[TxID: UInt64]] = [[:], [:]]
    /// Each side's channel history (`state_changes`), as a node keeps it beside the record.
    public internal(set) var stateChanges: [[StateChange]] = [[], []]
    /// What each side received, reported and broadcast, when asked for at the open.
    public internal(set) var history = PairHistory(isKept: false)
    /// Signed copies of the cheater's own commitments, by commitment number (see `breach`).
    public internal(set) var archivedCommitments: [UInt64: Transaction] = [:]
    /// Sides the driver asked to force close (or to cheat): any other force close is a violation.
    public internal(set) var forceCloseRequested: Set<PairSide> = []
    /// Sides that broadcast a revoked commitment.
    public internal(set) var cheated: Set<PairSide> = []
    /// The last ledger audit, and the ledger change it saw (an unchanged ledger needs none).
    public internal(set) var lastAudit: AuditReport?
    var ledgerChanges = 0
    var auditedLedgerChanges = -1
    /// `commitmentsExchanged` when the commit-cycle invariants last ran.
    var checkedAtCommitments = -1
    var fundingHeight: UInt32?
    var fundingShortChannelID: ShortChannelID?
    /// The confirmed transaction that spent the funding output, once there is one.
    public internal(set) var fundingSpender: Transaction?

    public func channel(_ side: PairSide) -> Channel { self[side] }

    /// The height of the ledger's tip.
    public var height: UInt32 { (try? ledger.tip().height) ?? 0 }

    // MARK: Commands

    /// Gives `command` to `side`'s channel. A refusal (the channel throws and changes nothing)
    /// is counted, not a violation. Adds go through `addHTLC` so the payment is tracked.
    @discardableResult
    public mutating func command(_ side: PairSide, _ command: ChannelCommand) -> Bool {
        do {
            try execute(side, command)
            return true
        } catch {
            return false
        }
    }

    /// `command`, for a caller that must see why the channel refused: the refusal (counted
    /// all the same) throws the channel's error.
    public mutating func execute(_ side: PairSide, _ command: ChannelCommand) throws(ChannelError) {
        perform(try commandEffects(side, command), from: side)
    }

    /// Starts a payment from `side` of `amount`, expiring `expiryDelta` blocks above the tip.
    @discardableResult
    public mutating func addHTLC(from side: PairSide, amount: MilliSatoshi, expiryDelta: UInt32) -> Bool {
        // A refused add wastes a preimage serial, which is harmless (copying the book to undo
        // it would cost a copy of every payment).
        let preimage = payments.freshPreimage()
        let command = ChannelCommand.addHTLC(amount: amount, paymentHash: preimage.hash,
                                             cltvExpiry: channel(side).currentHeight + expiryDelta, onion: ChannelPairHarness.onion)
        guard let effects = try? commandEffects(side, command) else { return false }
        for case .send(.updateAddHTLC(let add)) in effects {
            violations.record(payments.started(add, by: side, preimage: preimage), context: "payments")
            statistics.htlcsAdded += 1
        }
        perform(effects, from: side)
        return true
    }

    /// Every HTLC carries the same blank onion: the pair has no route to decode. (Stored:
    /// `.zero` builds a new packet on each use.)
    static let onion = OnionRoutingPacket.zero

    /// `receiver` fulfils its committed incoming HTLC `id` with the payment's preimage (off
    /// chain, or kept for an on-chain claim if its channel is force closing).
    @discardableResult
    public mutating func fulfil(at receiver: PairSide, id: UInt64) -> Bool {
        guard let payment = payments.payment(incomingID: id, at: receiver) else { return false }
        let onChainOnly = channel(receiver).phase == .forceClosing
        guard command(receiver, .fulfillHTLC(id: id, preimage: payment.preimage)) else { return false }
        payments.settled(incomingID: id, at: receiver, fulfilled: !onChainOnly)
        return true
    }

    /// `receiver` fails its committed incoming HTLC `id` (malformed: with `update_fail_malformed_htlc`).
    @discardableResult
    public mutating func fail(at receiver: PairSide, id: UInt64, malformed: Bool = false) -> Bool {
        let command: ChannelCommand = malformed
            ? .failMalformedHTLC(id: id, sha256OfOnion: try! Hash32(SHA256.hash([UInt8](repeating: 0, count: OnionRoutingPacket.byteCount))),
                                 failureCode: 0xC005) // BADONION | PERM | 5: invalid_onion_hmac
            : .failHTLC(id: id, reason: Array("simulated failure".utf8))
        guard self.command(receiver, command) else { return false }
        payments.settled(incomingID: id, at: receiver, fulfilled: false)
        return true
    }

    /// Force closes `side` (an expected force close, not a violation).
    @discardableResult
    public mutating func forceClose(_ side: PairSide) -> Bool {
        forceCloseRequested.insert(side)
        return command(side, .forceClose)
    }

    private mutating func commandEffects(_ side: PairSide, _ command: ChannelCommand) throws(ChannelError) -> [ChannelEffect] {
        clock.advance()
        do {
            let effects = try channels[side.rawValue].handle(.command(command), now: clock.now)
            trace.record("\(side) \(command.simulationName)")
            archiveCommitment(of: side)
            return effects
        } catch {
            trace.record("\(side) refused \(command.simulationName): \(error.message)")
            statistics.commandsRefused += 1
            throw error
        }
    }

    // MARK: Messages and the connection

    /// Delivers the next message in flight to `side`; nil if there is none.
    @discardableResult
    public mutating func deliverNext(to side: PairSide) -> WireMessage? {
        guard let message = link.receive(at: side) else { return nil }
        deliver(message, to: side)
        return message
    }

    /// Delivers `message` to `side` as if it came over the link, and exactly as given (a
    /// test's crafted or tampered message, see `intercept(to:)`); carries out the effects and
    /// returns them.
    @discardableResult
    public mutating func deliver(_ message: WireMessage, to side: PairSide) -> [ChannelEffect] {
        statistics.messagesDelivered += 1
        trace.record("\(side) <- \(message.simulationDescription)")
        history.record(received: message, by: side)
        countBeforeDelivery(message, to: side)
        let effects = event(side, .message(message))
        countAfterDelivery(message, effects: effects)
        if case .commitmentSigned(let signed) = message, effects.contains(where: { if case .send(.revokeAndAck) = $0 { true } else { false } }) {
            statistics.commitmentsExchanged += 1
            statistics.htlcSignaturesExchanged += signed.htlcSignatures.count
            checkNewCommitment(of: side)
        }
        perform(effects, from: side)
        checkCommitCycleIfQuiescent()
        return effects
    }

    /// What a delivery shows of the protocol's harder paths, counted before the channel handles it.
    private mutating func countBeforeDelivery(_ message: WireMessage, to side: PairSide) {
        switch message {
        case .updateFee: statistics.feeUpdates += 1
        case .commitmentSigned where channel(side).commitments?.isAwaitingRevocation == true: statistics.crossedCommitments += 1
        default: break
        }
    }

    /// What a side sent again in answer to the peer's `channel_reestablish`.
    private mutating func countAfterDelivery(_ message: WireMessage, effects: [ChannelEffect]) {
        guard case .channelReestablish = message else { return }
        statistics.retransmissions += effects.count { effect in
            guard case .send(let sent) = effect else { return false }
            switch sent {
            case .updateAddHTLC, .updateFulfillHTLC, .updateFailHTLC, .updateFailMalformedHTLC, .updateFee,
                 .commitmentSigned, .revokeAndAck: return true
            default: return false
            }
        }
    }

    /// Delivers the next message of a randomly chosen direction that has one.
    @discardableResult
    public mutating func deliverRandom(using random: inout SimulationRandom) -> WireMessage? {
        let sides = PairSide.allCases.filter { link.inFlight(to: $0) > 0 }
        guard let side = random.element(of: sides) else { return nil }
        return deliverNext(to: side)
    }

    /// Delivers messages, alternating directions, until none is in flight. False (and a
    /// violation) if the two sides keep talking past `limit` messages.
    @discardableResult
    public mutating func deliverAll(limit: Int = 100_000) -> Bool {
        var delivered = 0
        var side = PairSide.alice
        while !link.isEmpty {
            if link.inFlight(to: side) == 0 { side = side.other }
            deliverNext(to: side)
            side = side.other
            delivered += 1
            if delivered > limit {
                violations.record("the channels exchanged more than \(limit) messages without settling")
                return false
            }
        }
        return true
    }

    /// The connection drops: both directions lose their messages in flight, both channels learn it.
    public mutating func disconnect() {
        guard link.isUp else { return }
        statistics.disconnects += 1
        trace.record("disconnect, \(link.inFlightCount) messages lost")
        statistics.messagesDropped += link.drop()
        for side in PairSide.allCases { perform(event(side, .disconnected), from: side) }
    }

    /// The connection is back: each channel sends `channel_reestablish`.
    public mutating func reconnect() {
        guard !link.isUp else { return }
        trace.record("reconnect")
        link.restore()
        for side in PairSide.allCases { perform(event(side, .reconnected), from: side) }
    }

    // MARK: Events and effects

    /// Gives a non-command event to `side`; those never throw (a throw is a violation).
    mutating func event(_ side: PairSide, _ event: ChannelEvent) -> [ChannelEffect] {
        clock.advance()
        do {
            let effects = try channels[side.rawValue].handle(event, now: clock.now)
            archiveCommitment(of: side)
            return effects
        } catch {
            violations.record("\(side) threw on \(event.simulationName): \(error.message)")
            return []
        }
    }

    /// Carries out effects of `side`'s channel, in order.
    mutating func perform(_ effects: [ChannelEffect], from side: PairSide) {
        for effect in effects {
            switch effect {
            case .send(let message):
                noteSent(message, by: side)
                link.send(encodesMessages ? overTheWire(message, from: side) : message, to: side.other)
            case .persist(let revoked):
                if let revoked { revocationLogs[side.rawValue][revoked.txid] = revoked.number }
                persist(side)
            case .broadcast(let transaction):
                history.record(broadcast: transaction, by: side)
                broadcast(transaction)
            case .fundingNeeded:
                violations.record("\(side) asked for a funding transaction after the open")
            case .htlc(let resolution):
                history.record(resolution, at: side)
                noteResolution(resolution, at: side)
            case .phaseChanged(let change):
                stateChanges[side.rawValue].append(change)
                trace.record("\(side): \(change.old.rawValue) -> \(change.new.rawValue) (\(change.cause))")
                notePhase(change, of: side)
            case .disconnect:
                disconnect()
            }
        }
    }

    /// What a node does at `persist`: the channel's record is written, and the channel goes on
    /// from the record read back, so a field the record loses or changes shows at once (as a
    /// violation, and in the run that follows).
    private mutating func persist(_ side: PairSide) {
        let channel = channel(side)
        do {
            let restored = try ChannelRecord.decode(try ChannelRecord.encode(channel), nodeKeys: nodeKeys[side.rawValue])
            if restored != channel { violations.record("\(side)'s channel record does not read back as the channel") }
            channels[side.rawValue] = restored
        } catch {
            violations.record("\(side)'s channel record failed: \(error.message)")
        }
    }

    /// `message` as the peer's decoder sees it; a message that does not survive the codec is a violation.
    private mutating func overTheWire(_ message: WireMessage, from side: PairSide) -> WireMessage {
        do {
            let decoded = try WireMessage.decode(try message.encode())
            if decoded != message { violations.record("\(side)'s \(message.name) changed through the wire codec") }
            return decoded
        } catch {
            violations.record("\(side)'s \(message.name) does not go through the wire codec: \(error)")
            return message
        }
    }

    /// Honest peers never warn each other nor fail the channel.
    private mutating func noteSent(_ message: WireMessage, by side: PairSide) {
        if case .warning(let warning) = message {
            let text = "\(side) sent a warning: \(String(decoding: warning.data, as: UTF8.self))"
            trace.record(text)
            violations.record(text)
        } else if case .error(let error) = message {
            let text = "\(side) sent an error: \(String(decoding: error.data, as: UTF8.self))"
            trace.record(text)
            violations.record(text)
        }
    }

    private mutating func noteResolution(_ resolution: HTLCResolution, at side: PairSide) {
        let channel = channel(side)
        let offChain = channel.onChain == nil && channel.phase != .forceClosing && channel.phase != .closed
        switch resolution {
        case .outgoingFulfilled: statistics.htlcsSettled += 1
        case .outgoingFailed: statistics.htlcsFailed += 1
        case .incomingCommitted: break
        }
        violations.record(payments.resolved(resolution, at: side, offChain: offChain), context: "payments")
    }

    /// A force close nobody asked for, or a close by an unknown transaction, means a channel
    /// found fault with an honest peer.
    private mutating func notePhase(_ change: StateChange, of side: PairSide) {
        let channel = channel(side)
        let cause = change.cause
        switch change.new {
        case .forceClosing:
            if channel.onChain == nil, !forceCloseRequested.contains(side) {
                violations.record("\(side) force closed on its own: \(cause)")
            }
        case .closed:
            // Without an on-chain resolution, only a mutual close (paying the wallets only) may close a channel.
            let mutualClose = fundingSpender?.outputs.allSatisfy { $0.condition == wallets.alice || $0.condition == wallets.bob } ?? false
            if channel.onChain == nil, !mutualClose, !cheated.contains(side) {
                violations.record("\(side) closed unexpectedly: \(cause)")
            }
        case .opening, .awaitingFunding, .normal, .shuttingDown, .closing:
            break
        }
    }

    /// Keeps a signed copy of the cheater's current commitment, once per commitment number.
    mutating func archiveCommitment(of side: PairSide) {
        guard side == configuration.cheater, let commitments = channel(side).commitments,
              archivedCommitments[commitments.local.number] == nil else { return }
        archivedCommitments[commitments.local.number] = channel(side).signedLocalCommitment(commitments)
    }
}

extension ChannelCommand {
    /// A short description for traces.
    var simulationName: String {
        switch self {
        case .fundingTransactionReady: "funding transaction ready"
        case .addHTLC(let amount, _, let expiry, _): "add HTLC of \(amount.value) msat expiring at \(expiry)"
        case .fulfillHTLC(let id, _): "fulfil HTLC \(id)"
        case .failHTLC(let id, _): "fail HTLC \(id)"
        case .failMalformedHTLC(let id, _, _): "fail malformed HTLC \(id)"
        case .updateFee(let feerate): "update fee to \(feerate)"
        case .sign: "sign"
        case .close: "close"
        case .forceClose: "force close"
        }
    }
}

extension WireMessage {
    /// The message's name with the fields that matter to a trace.
    var simulationDescription: String {
        switch self {
        case .updateAddHTLC(let add): "update_add_htlc \(add.id) \(add.amount.value) msat"
        case .updateFulfillHTLC(let fulfill): "update_fulfill_htlc \(fulfill.id)"
        case .updateFailHTLC(let fail): "update_fail_htlc \(fail.id)"
        case .updateFailMalformedHTLC(let fail): "update_fail_malformed_htlc \(fail.id)"
        case .updateFee(let fee): "update_fee \(fee.feeratePerKw)"
        case .commitmentSigned(let signed): "commitment_signed with \(signed.htlcSignatures.count) HTLC signatures"
        case .channelReestablish(let message): "channel_reestablish next commitment \(message.nextCommitmentNumber), next revocation \(message.nextRevocationNumber)"
        case .closingSigned(let message): "closing_signed fee \(message.fee.value)"
        case .warning(let message): "warning: \(String(decoding: message.data, as: UTF8.self))"
        case .error(let message): "error: \(String(decoding: message.data, as: UTF8.self))"
        case .initMessage, .ping, .pong, .openChannel, .acceptChannel, .fundingCreated, .fundingSigned, .channelReady,
             .revokeAndAck, .shutdown, .unknown, .channelAnnouncement, .nodeAnnouncement, .channelUpdate,
             .announcementSignatures, .gossipTimestampFilter:
            name
        }
    }
}

extension ChannelEvent {
    /// A short name for violation messages.
    var simulationName: String {
        switch self {
        case .message(let message): message.name
        case .command: "a command"
        case .ledger(.fundingConfirmed): "funding_confirmed"
        case .ledger(.blockConnected(let height)): "block \(height)"
        case .ledger(.transactionConfirmed(let transaction, _)): "confirmed transaction \(transaction.txid)"
        case .ledger(.revokedCommitmentConfirmed(let transaction, _, let number)): "revoked commitment \(number) \(transaction.txid)"
        case .disconnected: "disconnected"
        case .reconnected: "reconnected"
        }
    }
}
