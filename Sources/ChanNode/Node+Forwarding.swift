import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Forwarding (BOLT 4): an HTLC irrevocably committed to us whose onion names a next hop is
/// checked against our policy (`HTLCForwarder`, ChanCore) and goes out on our channel to that
/// hop; its outcome comes back upstream: the preimage at once, a failure wrapped for the
/// sender. Each decision and outcome is recorded (`forwards`) in the same commit as the channel
/// state it goes with, so a restart knows what every incoming HTLC is owed.
extension Node {
    /// The forwards whose outgoing HTLC is out, by that HTLC (loaded at start).
    func loadForwards() throws {
        for forward in try local.store.forwards(status: .offered) {
            guard let outgoing = forward.outgoing else { continue }
            forwardsInFlight[HTLCKey(channel: outgoing.channel, id: outgoing.htlcID)] = forward
        }
    }

    /// An HTLC on channel `index` whose onion asks us to forward it.
    func forward(_ htlc: CommitmentHTLC, payload: ForwardingHopPayload, next: OnionRoutingPacket, sharedSecret: OnionSharedSecret,
                 channel index: UInt64) {
        // Decided before the node stopped (an undecided HTLC is decided again after a restart).
        // A read that fails must not pass for "never decided": that would forward it twice.
        do {
            if let known = try local.store.forward(incomingChannel: index, htlcID: htlc.id) { return carryOutForward(known) }
        } catch {
            return halt("cannot read the forwards: \(error)")
        }
        let candidate = outgoingChannel(for: payload)
        var decision = HTLCForwarder.decide(htlc, payload: payload, next: next, sharedSecret: sharedSecret, currentHeight: blockHeight,
                                            outgoing: candidate?.channel)
        if case .forward = decision, channels[index]?.commitments?.exceedsDustExposure(receiving: htlc.amount) == true {
            decision = HTLCForwarder.fail(.temporaryChannelFailure(channelUpdate: candidate?.channel.channelUpdate ?? []), sharedSecret: sharedSecret)
        }
        var record = ForwardRecord(incomingChannel: index, incomingHTLC: htlc.id, paymentHash: htlc.paymentHash, incomingAmount: htlc.amount,
                                   incomingExpiry: htlc.cltvExpiry, outgoing: nil, sharedSecret: sharedSecret, status: .localFailed,
                                   receivedAt: now)
        switch decision {
        case .forward(let outgoing):
            guard let candidate, let htlcID = channels[candidate.index]?.commitments?.localNextHTLCID else {
                // A decision to forward names a channel we have: not reached, but never left undecided.
                record.failLocally(.temporaryChannelFailure(channelUpdate: []))
                return decided(record)
            }
            do {
                try drive(candidate.index, .command(.addHTLC(amount: outgoing.amount, paymentHash: outgoing.paymentHash,
                                                              cltvExpiry: outgoing.cltvExpiry, onion: outgoing.onion)))
            } catch {
                // The channel refused what the decision allowed (a limit it alone knows).
                record.failLocally(.temporaryChannelFailure(channelUpdate: candidate.channel.channelUpdate))
                logger.info("forward refused by the outgoing channel", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "why": "\(error.message)"])
                return decided(record)
            }
            record = ForwardRecord(
                incomingChannel: index, incomingHTLC: htlc.id, paymentHash: htlc.paymentHash, incomingAmount: htlc.amount,
                incomingExpiry: htlc.cltvExpiry,
                outgoing: ForwardRecord.Outgoing(channel: candidate.index, htlcID: htlcID, amount: outgoing.amount, expiry: outgoing.cltvExpiry),
                sharedSecret: sharedSecret, status: .offered, receivedAt: now)
            forwardsInFlight[HTLCKey(channel: candidate.index, id: htlcID)] = record
            scheduleSign(candidate.index)
            logger.info("forwarding", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "amount_msat": "\(outgoing.amount.value)",
                                                 "fee_msat": "\(outgoing.fee.value)"])
            decided(record)
        case .fail(let reason, let failure):
            record.upstreamReason = reason
            record.failureCode = failure.name
            logger.info("not forwarded", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "failure": "\(failure.name)"])
            decided(record)
        }
    }

    /// Records the forward (in this turn's commit) and carries out what it owes upstream now.
    private func decided(_ record: ForwardRecord) {
        do {
            try local.store.recordForward(record, durability: joinBatch())
        } catch {
            return halt("cannot record a forward: \(error)")
        }
        publishForward(record)
        carryOutForward(record)
    }

    /// What the forward owes its incoming HTLC, done when the incoming channel can take it (else
    /// after its reestablish: `carryOutDecisions`). Nothing while the outgoing HTLC is out.
    func carryOutForward(_ record: ForwardRecord) {
        let index = record.incomingChannel
        guard let channel = channels[index] else { return }
        let command: ChannelCommand
        switch record.status {
        case .offered:
            return
        case .settled:
            guard let preimage = record.preimage else { return }
            command = .fulfillHTLC(id: record.incomingHTLC, preimage: preimage)
        case .failed, .localFailed:
            guard let reason = record.upstreamReason, channel.isConnected, !channel.awaitingReestablish else { return }
            command = .failHTLC(id: record.incomingHTLC, reason: reason)
        }
        // Already done, or no longer ours to do (the HTLC left the channel).
        guard channel.undecidedIncomingHTLCs.contains(where: { $0.id == record.incomingHTLC }) else { return }
        do {
            try runCommand(index, command)
            scheduleSign(index)
        } catch {
            logger.debug("upstream answer postponed", metadata: ["channel": "\(index)", "htlc": "\(record.incomingHTLC)", "why": "\(error.message)"])
        }
    }

    /// The outcome of our HTLC `key` if it was a forward: recorded (before the outgoing channel's
    /// new state, in the same commit), and returned to be carried out upstream once the
    /// outgoing channel's effects are done. Nil if the HTLC was not a forward.
    func forwardOutcome(_ key: HTLCKey, fulfilled preimage: Preimage?, failed failure: HTLCFailure?) -> ForwardRecord? {
        guard var record = forwardsInFlight.removeValue(forKey: key) else { return nil }
        if let preimage {
            record.status = .settled
            record.preimage = preimage
        } else if let failure {
            record.status = .failed
            switch failure {
            case .onion(let reason):
                record.upstreamReason = HTLCForwarder.relayFailure(reason, sharedSecret: record.sharedSecret)
            case .malformed(let sha256OfOnion, let failureCode):
                record.upstreamReason = HTLCForwarder.relayMalformed(sha256OfOnion: sha256OfOnion, failureCode: failureCode,
                                                                     sharedSecret: record.sharedSecret)
            case .local:
                // Never signed downstream, or timed out on the ledger: the channel failed it.
                record.failLocally(.temporaryChannelFailure(channelUpdate: ourUpdateBytes(key.channel)))
            }
        }
        record.resolvedAt = now
        do {
            try local.store.recordForward(record, durability: joinBatch())
        } catch {
            halt("cannot record a forward's outcome: \(error)")
            return nil
        }
        logger.info("forward \(record.status.rawValue)", metadata: ["payment_hash": "\(record.paymentHash.hex)"])
        publishForward(record)
        return record
    }

    private func publishForward(_ record: ForwardRecord) {
        publish(NodeEvent(type: "forward", channelId: channels[record.incomingChannel]?.channelID.hex, state: record.status.rawValue,
                          paymentHash: record.paymentHash.hex, amountMsat: record.incomingAmount.value))
    }

    /// Forwards whose outgoing HTLC no channel holds after a restart: it never left in a signed
    /// commitment (the node stopped first), so it failed; the incoming HTLC is failed back.
    func reconcileForwardsAfterRestart() {
        for (key, record) in forwardsInFlight.sorted(by: { $0.value.receivedAt < $1.value.receivedAt }) {
            guard channels[key.channel]?.hasOutgoingHTLC(id: key.id) != true else { continue }
            if let resolved = forwardOutcome(key, fulfilled: nil, failed: .local("lost in a restart before it was signed")) {
                logger.info("a forward never left before the restart: failed back", metadata: ["payment_hash": "\(record.paymentHash.hex)"])
                carryOutForward(resolved)
            }
        }
    }

    /// Our channel to forward over: the one the onion names, or (BOLT 4 non-strict forwarding)
    /// another channel to the same peer that can carry more. The policy checked is the named
    /// channel's: it is what the sender paid for. What a channel can send is its estimate (an
    /// add the channel still refuses fails back as `temporary_channel_failure`).
    private func outgoingChannel(for payload: ForwardingHopPayload) -> (index: UInt64, channel: OutgoingChannel)? {
        guard let namedIndex = channelIndex(at: payload.shortChannelID), let named = channels[namedIndex] else { return nil }
        let usable = channels.filter { $0.value.peerID == named.peerID && canAddHTLC($0.value) }
            .map { (index: $0.key, sendable: $0.value.sendEstimate) }
        let chosen = usable.first { $0.index == namedIndex && $0.sendable >= payload.amountToForward }
            ?? usable.max { $0.sendable < $1.sendable }
        let index = chosen?.index ?? namedIndex
        // Routed on the policy `fees set` just replaced: still honoured for a while.
        let previous = previousPolicies[namedIndex].flatMap { now < $0.until ? $0.policy : nil }
        return (index, OutgoingChannel(
            shortChannelID: channels[index]?.shortChannelID ?? payload.shortChannelID, status: status(of: channels[index] ?? named),
            policy: policySetting(namedIndex).policy, sendable: chosen?.sendable ?? .zero, channelUpdate: ourUpdateBytes(namedIndex),
            previousPolicy: previous))
    }

    private func status(of channel: ChanCore.Channel) -> OutgoingChannel.Status {
        switch channel.phase {
        case .normal: canAddHTLC(channel) ? .usable : .offline
        case .opening, .awaitingFunding, .shuttingDown, .closing, .forceClosing, .closed: .disabled
        }
    }

    /// Our latest `channel_update` of channel `index` as failures carry it (type included), or none.
    func ourUpdateBytes(_ index: UInt64) -> [UInt8] {
        (try? ourUpdates[index]?.encode()) ?? []
    }

    // MARK: forwards

    func forwardsResult() throws -> ForwardsResult {
        ForwardsResult(forwards: try local.store.forwards().map { record in
            ForwardJSON(
                paymentHash: record.paymentHash.hex, status: record.status.rawValue,
                inChannel: channels[record.incomingChannel].map(channelName) ?? "\(record.incomingChannel)",
                outChannel: record.outgoing.flatMap { outgoing in channels[outgoing.channel].map(channelName) },
                inMsat: record.incomingAmount, outMsat: record.outgoing?.amount,
                feeMsat: record.status == .settled ? record.fee : nil, failureCode: record.failureCode,
                receivedAt: record.receivedAt, resolvedAt: record.resolvedAt)
        })
    }

    /// A channel as `forwards` names it: its short channel id, else its channel id.
    private func channelName(_ channel: Channel) -> String { channel.shortChannelID?.description ?? channel.channelID.hex }
}

extension ForwardRecord {
    /// Failed by us, not downstream: `failure` goes back to the sender, encrypted with the
    /// HTLC's secret, and its name is kept for `chan forwards`.
    mutating func failLocally(_ failure: OnionFailure) {
        upstreamReason = OnionErrorPacket.reason(failure, sharedSecret: sharedSecret)
        failureCode = failure.name
    }
}
