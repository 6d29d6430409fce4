import ChanCore
import ChanCrypto
import ChanLedger

/// What each node does with its HTLCs, as the daemon does (Node+Invoices, Node+Forwarding,
/// Node+MultiPartReceipt, Node+Payments): an incoming HTLC is judged by `IncomingHTLCPolicy`
/// and fulfilled, failed, forwarded by `HTLCForwarder`, or held as a part of a multi-part
/// payment in an `IncomingPaymentSet`; the outcome of an outgoing HTLC ends a payment part or
/// goes back upstream for a forward. Every decision is in the node's durable store before it
/// is carried out, so a restart carries out again what it finds there.
///
/// Duplicated from ChanNode in small form (its versions are tied to the daemon's store, event
/// loop and logs): the glue between the pure ChanCore pieces, not protocol rules.
extension NetworkHarness {
    /// An HTLC `node` irrevocably received on `edge`: decided as the daemon's `settleIncoming`.
    mutating func settleIncoming(_ htlc: CommitmentHTLC, onion: OnionRoutingPacket, node: Int, edge: Int) {
        let invoices = nodes[node].invoices
        let action = IncomingHTLCPolicy.decide(htlc, onion: onion, nodeKey: nodes[node].keys.nodeKey, currentHeight: height,
                                               now: clock.now) { invoices[$0]?.terms }
        switch action {
        case .fulfill(_, let received), .keysend(_, let received):
            markPaid(htlc.paymentHash, node: node, received: received)
            carryOut(action, htlc: htlc, node: node, edge: edge)
        case .fail, .failMalformed:
            carryOut(action, htlc: htlc, node: node, edge: edge)
        case .forward(let payload, let next, let sharedSecret):
            forward(htlc, payload: payload, next: next, sharedSecret: sharedSecret, node: node, edge: edge)
        case .addPart(let data, let sharedSecret):
            let part = IncomingPaymentPart(channel: UInt64(edge), htlc: htlc, paymentData: data, sharedSecret: sharedSecret, arrivedAt: clock.now)
            guard let invoice = nodes[node].invoices[htlc.paymentHash] else { return }
            var set = nodes[node].incomingSets[htlc.paymentHash] ?? IncomingPaymentSet(invoice: invoice.terms)
            let answers = set.add(part, currentHeight: height, now: clock.now)
            answer(set, answers, node: node)
        }
    }

    /// Keeps a collecting set, pays the invoice of a completed one (durably, before any
    /// preimage leaves), and carries out the answers.
    mutating func answer(_ set: IncomingPaymentSet, _ answers: [IncomingPartAnswer], node: Int) {
        switch set.state {
        case .collecting:
            // A set whose parts all timed out holds nothing: the next part starts it anew.
            nodes[node].incomingSets[set.paymentHash] = set.parts.isEmpty ? nil : set
        case .completed:
            nodes[node].incomingSets[set.paymentHash] = nil
            markPaid(set.paymentHash, node: node, received: set.received)
        }
        for answer in answers {
            let edge = Int(answer.channel)
            guard let htlc = channel(node, edge)?.undecidedIncomingHTLCs.first(where: { $0.id == answer.htlcID }) else { continue }
            carryOut(answer.action, htlc: htlc, node: node, edge: edge)
        }
    }

    /// Held parts whose time is up fail with `mpp_timeout` (the daemon schedules this at each set's deadline).
    mutating func expireParts() {
        for node in nodes.indices {
            for hash in nodes[node].incomingSets.keys.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
                guard var set = nodes[node].incomingSets[hash] else { continue }
                let answers = set.expire(now: clock.now)
                if !answers.isEmpty { answer(set, answers, node: node) }
            }
        }
    }

    /// The invoice `hash` of `node` is paid (once: the payee's store says so durably).
    private mutating func markPaid(_ hash: PaymentHash, node: Int, received: MilliSatoshi) {
        guard var invoice = nodes[node].invoices[hash], !invoice.isPaid else { return }
        invoice.isPaid = true
        nodes[node].invoices[hash] = invoice
        violations.record(payments.received(hash, by: node, amount: received), context: "payments")
    }

    /// Fulfils or fails an incoming HTLC; a refusal postpones it (carried out again at the
    /// next block or reestablish, as the daemon does).
    mutating func carryOut(_ action: IncomingHTLCAction, htlc: CommitmentHTLC, node: Int, edge: Int) {
        switch action {
        case .fulfill(let preimage, _), .keysend(let preimage, _):
            command(node, edge, .fulfillHTLC(id: htlc.id, preimage: preimage))
        case .fail(let reason, _):
            command(node, edge, .failHTLC(id: htlc.id, reason: reason))
        case .failMalformed(let sha256, let code):
            command(node, edge, .failMalformedHTLC(id: htlc.id, sha256OfOnion: sha256, failureCode: code))
        case .forward, .addPart:
            break
        }
    }

    // MARK: Forwarding

    /// An HTLC whose onion asks `node` to forward it: `HTLCForwarder` decides on the channel
    /// the onion names, and the decision is stored before it is carried out.
    private mutating func forward(_ htlc: CommitmentHTLC, payload: ForwardingHopPayload, next: OnionRoutingPacket,
                                  sharedSecret: OnionSharedSecret, node: Int, edge: Int) {
        let incoming = NetworkHTLCRef(edge: edge, id: htlc.id)
        if nodes[node].forwards[incoming] != nil { return carryOutForward(node: node, incoming: incoming) }
        let outEdge = nodes[node].channels.keys.sorted().first { edges[$0].shortChannelID == payload.shortChannelID }
        let outgoing = outEdge.flatMap { outgoingChannel(node: node, edge: $0) }
        var decision = HTLCForwarder.decide(htlc, payload: payload, next: next, sharedSecret: sharedSecret, currentHeight: height,
                                            outgoing: outgoing)
        if case .forward = decision, channel(node, edge)?.commitments?.exceedsDustExposure(receiving: htlc.amount) == true {
            decision = HTLCForwarder.fail(.temporaryChannelFailure(channelUpdate: []), sharedSecret: sharedSecret)
        }
        statistics.forwards += 1
        var record = NetworkForward(incoming: incoming, paymentHash: htlc.paymentHash, incomingAmount: htlc.amount,
                                    sharedSecret: sharedSecret, status: .offered)
        switch decision {
        case .forward(let out):
            guard let outEdge, let id = channel(node, outEdge)?.commitments?.localNextHTLCID else { return }
            do {
                try execute(node, outEdge, .addHTLC(amount: out.amount, paymentHash: out.paymentHash, cltvExpiry: out.cltvExpiry, onion: out.onion))
                let ref = NetworkHTLCRef(edge: outEdge, id: id)
                record.outgoing = ref
                record.outgoingAmount = out.amount
                nodes[node].forwardsInFlight[ref] = incoming
            } catch {
                // The channel refused what the decision allowed (a limit only it knows).
                record.status = .failed(reason: OnionErrorPacket.reason(.temporaryChannelFailure(channelUpdate: []), sharedSecret: sharedSecret))
            }
        case .fail(let reason, _):
            record.status = .failed(reason: reason)
        }
        if case .failed = record.status { statistics.forwardsFailed += 1 }
        nodes[node].forwards[incoming] = record
        carryOutForward(node: node, incoming: incoming)
    }

    /// What `node` knows of its channel on `edge` when it decides a forward over it.
    private func outgoingChannel(node: Int, edge: Int) -> OutgoingChannel? {
        guard let channel = channel(node, edge), let scid = edges[edge].shortChannelID else { return nil }
        let status: OutgoingChannel.Status = switch channel.phase {
        case .normal: channel.isConnected && !channel.awaitingReestablish ? .usable : .offline
        case .opening, .awaitingFunding, .shuttingDown, .closing, .forceClosing, .closed: .disabled
        }
        return OutgoingChannel(shortChannelID: scid, status: status, policy: nodes[node].policy, sendable: channel.sendEstimate)
    }

    /// What the forward of incoming HTLC `incoming` owes it now: the preimage at once, a
    /// failure once the incoming channel's peer listens; nothing while the outgoing HTLC is out.
    mutating func carryOutForward(node: Int, incoming: NetworkHTLCRef) {
        guard let record = nodes[node].forwards[incoming], let channel = channel(node, incoming.edge),
              channel.undecidedIncomingHTLCs.contains(where: { $0.id == incoming.id }) else { return }
        switch record.status {
        case .offered:
            return
        case .settled(let preimage):
            command(node, incoming.edge, .fulfillHTLC(id: incoming.id, preimage: preimage))
        case .failed(let reason):
            guard channel.isConnected, !channel.awaitingReestablish else { return }
            command(node, incoming.edge, .failHTLC(id: incoming.id, reason: reason))
        }
    }

    /// The outcome of `node`'s HTLC on `edge`, recorded on its forward or its payment part before
    /// anything else; returns the incoming HTLC a forward must now answer.
    mutating func recordOutcome(_ resolution: HTLCResolution, node: Int, edge: Int) -> NetworkHTLCRef? {
        switch resolution {
        case .incomingCommitted:
            return nil
        case .outgoingFulfilled(let id, _, let preimage):
            return outcome(NetworkHTLCRef(edge: edge, id: id), node: node, preimage: preimage, failure: nil)
        case .outgoingFailed(let id, _, let failure):
            return outcome(NetworkHTLCRef(edge: edge, id: id), node: node, preimage: nil, failure: failure)
        }
    }

    /// Ends the forward or payment part of outgoing HTLC `ref` (nothing if it ended before: a
    /// fulfil may be reported again after a restart).
    mutating func outcome(_ ref: NetworkHTLCRef, node: Int, preimage: Preimage?, failure: HTLCFailure?) -> NetworkHTLCRef? {
        if let incoming = nodes[node].forwardsInFlight.removeValue(forKey: ref), var record = nodes[node].forwards[incoming] {
            if let preimage {
                record.status = .settled(preimage)
                statistics.forwardsSettled += 1
                let fee = (try? record.incomingAmount.subtracting(record.outgoingAmount)) ?? .zero
                payments.forwardSettled(at: node, fee: fee)
            } else if let failure {
                statistics.forwardsFailed += 1
                switch failure {
                case .onion(let reason):
                    record.status = .failed(reason: HTLCForwarder.relayFailure(reason, sharedSecret: record.sharedSecret))
                case .malformed(let sha256OfOnion, let failureCode):
                    record.status = .failed(reason: HTLCForwarder.relayMalformed(sha256OfOnion: sha256OfOnion, failureCode: failureCode,
                                                                                 sharedSecret: record.sharedSecret))
                case .local:
                    record.status = .failed(reason: OnionErrorPacket.reason(.temporaryChannelFailure(channelUpdate: []), sharedSecret: record.sharedSecret))
                }
            }
            nodes[node].forwards[incoming] = record
            return incoming
        }
        if let attempt = nodes[node].attempts.removeValue(forKey: ref) {
            if let preimage {
                violations.record(payments.partSucceeded(attempt.paymentID, part: attempt.part, preimage: preimage), context: "payments")
            } else {
                violations.record(payments.partFailed(attempt.paymentID, part: attempt.part), context: "payments")
            }
        }
        return nil
    }

    /// Incoming HTLCs on `node`'s channel `edge` that wait for a decision the node took (or
    /// lost in a restart): a forward's answer, a paid invoice's preimage; with `decideTheRest`
    /// (after a reestablish) the others are decided again. As the daemon's `carryOutDecisions`.
    mutating func carryOutDecisions(node: Int, edge: Int, decideTheRest: Bool = false) {
        guard let channel = channel(node, edge) else { return }
        for htlc in channel.undecidedIncomingHTLCs {
            let ref = NetworkHTLCRef(edge: edge, id: htlc.id)
            if nodes[node].forwards[ref] != nil {
                carryOutForward(node: node, incoming: ref)
                continue
            }
            if let invoice = nodes[node].invoices[htlc.paymentHash], invoice.isPaid {
                command(node, edge, .fulfillHTLC(id: htlc.id, preimage: invoice.preimage))
            } else if decideTheRest, let onion = self.channel(node, edge)?.onion(ofIncomingHTLC: htlc.id),
                      self.channel(node, edge)?.undecidedIncomingHTLCs.contains(where: { $0.id == htlc.id }) == true {
                settleIncoming(htlc, onion: onion, node: node, edge: edge)
            }
        }
    }
}
