import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One payment of ours in progress: its engine (`PaymentSession`, ChanCore: routes, parts,
/// retries), the invoice's route hints, and the `channel_update`s its failures carried (this
/// payment's view only: BOLT 4 keeps them out of the node's graph).
struct OutgoingPayment {
    var session: PaymentSession
    /// Its row as stored when it started (kept: no read while it is pending).
    let record: PaymentRecord
    let hints: [RouteHint]
    var failureUpdates: [ChannelUpdateMessage] = []
    /// `pay --corrupt-onion`: the next attempt's onion is damaged (once).
    var corruptNextOnion = false
    /// What our channels that refused an attempt's add can send, exactly (`Channel.sendLimit`,
    /// too slow to ask for every payment): the next plans know it.
    var firstHopLimits: [ShortChannelID: MilliSatoshi] = [:]
    /// Its row is written (with its first HTLC): until then nothing of it is stored, so a payment
    /// that sends nothing changes nothing.
    var started = false
}

/// Our payments: the node drives each payment's `PaymentSession` (ChanCore) on its own view of
/// the network (Node+Routing.swift), adds the HTLC of each attempt the session launches, and
/// gives it every outcome; each attempt and the payment's end are recorded in the same commit
/// as the channel state they go with, so a restart finishes every payment exactly once.
extension Node {
    /// Milliseconds since 1970 (payments record when they start and end).
    var nowMilliseconds: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec / 1_000_000)
    }

    /// What a payment is to do, from an invoice or a keysend request.
    private struct PaymentRequest {
        let payee: PublicKey
        let amount: MilliSatoshi
        let paymentHash: PaymentHash
        let proof: PaymentRecipient.Proof
        let minFinalCLTVExpiry: UInt32
        let multiPart: Bool
        let hints: [RouteHint]
        let bolt11: String?
    }

    private func paymentRequest(_ params: PayParams) throws -> PaymentRequest {
        switch (params.invoice, params.keysend) {
        case (let text?, nil):
            let invoice = try Invoice.decode(text)
            guard invoice.prefix == .regtest else {
                throw APIError(code: "wrong_chain", message: "the invoice is for \(invoice.prefix.rawValue), this network is lnbcrt")
            }
            guard !invoice.isExpired(now: now) else { throw APIError(code: "invoice_expired", message: "the invoice expired at \(invoice.expiresAt)") }
            let amount = try invoice.amountToPay(requested: params.amountMsat)
            return PaymentRequest(payee: invoice.payee, amount: amount, paymentHash: invoice.paymentHash,
                                  proof: .paymentSecret(invoice.paymentSecret, totalAmount: amount), minFinalCLTVExpiry: invoice.minFinalCLTVExpiry,
                                  multiPart: invoice.features.supports(.basicMPP), hints: invoice.routeHints, bolt11: invoice.encoded)
        case (nil, let key?):
            let payee = try parsePeer(key)
            guard let amount = params.amountMsat, amount > .zero else {
                throw APIError(code: "invalid_amount", message: "a keysend payment needs an amount above zero")
            }
            // We choose the preimage and send it in the onion (BOLT 4 keysend, TLV 5482373484).
            let preimage = try Preimage(bytes: try SecureRandom.bytes(32))
            return PaymentRequest(payee: payee, amount: amount, paymentHash: preimage.hash, proof: .keysend(preimage),
                                  minFinalCLTVExpiry: UnsignedInvoice.defaultMinFinalCLTVExpiry, multiPart: false, hints: [], bolt11: nil)
        case (nil, nil), (.some, .some):
            throw APIError(code: "invalid_params", message: "pay takes an invoice, or a keysend node id and an amount")
        }
    }

    // MARK: Paying

    /// `pay`: routes and pays, retrying around failures and splitting into parts when one path
    /// is not likely enough, for at most `params.timeoutSeconds`; returns the outcome with every
    /// attempt, or `timeout` if parts are still in flight then.
    func pay(_ params: PayParams) async throws -> PaymentJSON {
        let request = try paymentRequest(params)
        guard request.payee != nodeID else { throw APIError(code: "self_payment", message: "the invoice is our own") }
        // Paid or in flight already: refused (a failed payment may be tried again).
        if outgoingPayments[request.paymentHash] != nil { throw StoreError.paymentExists(request.paymentHash.hex, status: "pending") }
        if let existing = try local.store.payment(request.paymentHash), existing.status != .failed {
            throw StoreError.paymentExists(request.paymentHash.hex, status: existing.status.rawValue)
        }
        let started = nowMilliseconds
        var session: PaymentSession
        do {
            session = try PaymentSession(
                payer: NodeID(publicKey: nodeID), payee: NodeID(publicKey: request.payee), amount: request.amount,
                paymentHash: request.paymentHash, proof: request.proof, minFinalCLTVExpiry: request.minFinalCLTVExpiry,
                multiPart: request.multiPart, maxFee: params.maxFeeMsat, deadline: missionClock + .seconds(Int64(clamping: params.timeoutSeconds)))
        } catch {
            throw APIError(code: error.code, message: error.message)
        }
        let record = PaymentRecord(paymentHash: request.paymentHash, bolt11: request.bolt11, destination: request.payee, amount: request.amount,
                                   fee: .zero, status: .pending, createdAt: started)
        outgoingPayments[request.paymentHash] = OutgoingPayment(session: session, record: record, hints: request.hints,
                                                                corruptNextOnion: params.corruptOnion == true)
        let payment = advancePayment(request.paymentHash)
        if let payment, !payment.started, case .failed(let error) = payment.session.state {
            // Nothing left the node: the payment never happened (and may be tried again); the
            // answer says what stood in the way.
            throw firstHopRefusal(request, error)
        }
        do {
            _ = try await waitFor(.payment(request.paymentHash), timeout: params.timeoutSeconds)
        } catch let error as APIError where error.code == "timeout" {
            throw APIError.timeout("the payment is still in flight after \(params.timeoutSeconds) s (see `chan payments`)")
        }
        guard let settled = try local.store.payment(request.paymentHash) else { throw APIError(code: "internal_error", message: "the payment vanished") }
        if settled.status == .failed {
            throw APIError(code: settled.failureCode ?? "payment_failed", message: settled.failureMessage ?? "the payment failed")
        }
        return try paymentJSON(settled)
    }

    /// Why a payment that sent nothing failed, said the way a user of a direct channel expects:
    /// a channel to the payee that is away, or one that cannot send enough (`spendable_msat`).
    private func firstHopRefusal(_ request: PaymentRequest, _ error: PaymentSessionError) -> APIError {
        guard error.code == "no_route" else { return APIError(code: error.code, message: error.message) }
        let direct = channels.values.filter { $0.peerID == request.payee && $0.phase == .normal }
        guard !direct.isEmpty else { return APIError(code: error.code, message: error.message) }
        let usable = direct.filter(canAddHTLC)
        guard !usable.isEmpty else {
            return APIError(code: "peer_not_connected", message: "the channel to \(request.payee.hex) is not connected, and no other route reaches it")
        }
        let best = usable.map(\.sendLimit).max { $0.amount < $1.amount }
        return APIError(code: "insufficient_balance", message: "the channel can send at most spendable_msat=\(best?.amount.value ?? 0) now (\(best?.refusal.code ?? "no channel")); the payment needs \(request.amount.value) msat, and no other route reaches the payee")
    }

    /// Plans the payment anew and launches what its session asks; records its end when it is
    /// over (a payment that never sent anything left no record). An attempt whose HTLC our
    /// channel refuses fails at once and is planned around. Returns the payment as it stands.
    @discardableResult
    func advancePayment(_ hash: PaymentHash) -> OutgoingPayment? {
        guard var payment = outgoingPayments[hash] else { return nil }
        var step: PaymentSession.Step
        // The graph stays as it is while this plans (only a failure's update changes it); what
        // our channels can send changes with every refused add.
        let pathfinder = Pathfinder(graph: routingGraph(hints: payment.hints, payee: payment.session.payee, overrides: payment.failureUpdates))
        repeat {
            step = payment.session.plan(pathfinder: pathfinder, missionControl: liquidityKnowledge(limits: payment.firstHopLimits),
                                        height: blockHeight, now: missionClock, sessionKey: Node.sessionKey)
            guard case .launch(let attempts) = step else { break }
            var refused = false
            for attempt in attempts {
                let corrupt = payment.corruptNextOnion
                payment.corruptNextOnion = false
                if let refusal = launch(attempt, of: &payment, corruptingOnion: corrupt) {
                    if let scid = attempt.htlc.firstHopChannel, let index = channelIndex(at: scid), let channel = channels[index] {
                        payment.firstHopLimits[scid] = channel.sendLimit.amount
                    }
                    payment.session.attemptFailed(id: attempt.id, failure: attempt.htlc.failure(from: .local(refusal)), now: missionClock,
                                                  missionControl: &missionControl)
                    refused = true
                }
            }
            if !refused { break }
        } while true
        outgoingPayments[hash] = payment.session.isOver ? nil : payment
        if case .succeeded = step, payment.session.isOver {
            announcePayment(hash)  // paid earlier; its last part in flight just ended
        }
        if case .failed(let error) = step, payment.session.isOver {
            if payment.started {
                // What stopped it, and what the last attempt met (which left no route, say).
                let last = payment.session.attempts.reversed().lazy.compactMap { attempt -> PaymentFailure? in
                    if case .failed(let failure) = attempt.status { failure } else { nil }
                }.first
                let lastText = last.map { "; the last attempt failed: \($0.message)" } ?? ""
                finishPayment(hash, known: payment.record) { record in
                    record.status = .failed
                    record.failureCode = error.code
                    record.failureMessage = error.message + (last?.code == error.code ? "" : lastText)
                }
            }
        }
        return payment
    }

    /// A fresh session key for an onion (the system's random source failing leaves nothing to do).
    private static func sessionKey() -> PrivateKey {
        guard let key = try? PrivateKey.random() else { fatalError("the system's secure random source failed") }
        return key
    }

    /// Adds an attempt's HTLC on our channel it names, and records the attempt (and with the
    /// payment's first HTLC, the payment: joining the commit that makes the HTLC durable, before
    /// it leaves); the channel's refusal otherwise.
    private func launch(_ attempt: PaymentSession.Attempt, of payment: inout OutgoingPayment, corruptingOnion corrupt: Bool) -> String? {
        let hash = payment.record.paymentHash
        guard let scid = attempt.htlc.firstHopChannel, let index = channelIndex(at: scid),
              let htlcID = channels[index]?.commitments?.localNextHTLCID else {
            return "no channel of ours is \(attempt.htlc.firstHopChannel?.description ?? "named")"
        }
        var onion = attempt.htlc.onion
        if corrupt {
            // The hop after our peer cannot read it (our peer, on a direct payment): it answers
            // update_fail_malformed_htlc, which our peer turns into a failure for us.
            onion = Sphinx.damaged(onion, atHop: min(1, attempt.route.hops.count - 1), hopSecrets: attempt.htlc.hopSecrets,
                                   associatedData: hash.bytes) ?? onion
        }
        do {
            try drive(index, .command(.addHTLC(amount: attempt.htlc.firstHopAmount, paymentHash: hash, cltvExpiry: attempt.htlc.firstHopExpiry,
                                                onion: onion)))
        } catch {
            return error.message
        }
        let route = attempt.route.hops.map { hop in
            AttemptRecord.Hop(nodeID: hop.nodeID.hex, shortChannelID: hop.shortChannelID.description, amountMsat: hop.amount.value,
                              feeMsat: hop.fee.value, cltvExpiryDelta: hop.cltvExpiryDelta)
        }
        let record = AttemptRecord(paymentHash: hash, attemptID: attempt.id, channelIndex: index, htlcID: htlcID, amount: attempt.amount,
                                   fee: attempt.fee, route: route, hopSecrets: attempt.htlc.storedSecrets, status: .inFlight,
                                   createdAt: nowMilliseconds)
        do {
            if !payment.started { try local.store.startPayment(payment.record, durability: joinBatch()) }
            payment.started = true
            try local.store.recordAttempt(record, durability: joinBatch())
        } catch {
            halt("cannot record a payment attempt: \(error)")
        }
        attemptsInFlight[HTLCKey(channel: index, id: htlcID)] = record
        scheduleSign(index)
        return nil
    }

    // MARK: HTLC outcomes

    /// What the node does after a channel's effects, about an outcome recorded before them.
    enum OutcomeFollowUp {
        /// A forward's answer for its incoming HTLC.
        case upstream(ForwardRecord)
        /// A payment to plan again after a failed attempt.
        case retry(PaymentHash)
    }

    /// The outcome of one of our HTLCs on channel `index`, recorded on its forward or its payment
    /// (before the channel's new state, in the same commit); what to do next is returned, to be
    /// done once the channel's effects are. (An incoming HTLC is not an outcome: it goes to
    /// `settleIncoming` once its commitment is stored.)
    func recordOutcome(_ resolution: HTLCResolution, channel index: UInt64) -> OutcomeFollowUp? {
        switch resolution {
        case .incomingCommitted:
            return nil
        case .outgoingFulfilled(let id, let hash, let preimage):
            let key = HTLCKey(channel: index, id: id)
            if let forward = forwardOutcome(key, fulfilled: preimage, failed: nil) { return .upstream(forward) }
            if let attempt = attemptsInFlight.removeValue(forKey: key) {
                attemptSucceeded(attempt, preimage: preimage)
            } else if isLegacyPayment(hash) {
                finishPayment(hash) { record in
                    record.status = .succeeded
                    record.preimage = preimage
                }
            }  // else settled before: its payment knows already (a preimage may come twice: off and on the ledger)
            return nil
        case .outgoingFailed(let id, let hash, let failure):
            let key = HTLCKey(channel: index, id: id)
            if let forward = forwardOutcome(key, fulfilled: nil, failed: failure) { return .upstream(forward) }
            if let attempt = attemptsInFlight.removeValue(forKey: key) { return attemptFailed(attempt, failure) ? .retry(attempt.paymentHash) : nil }
            if isLegacyPayment(hash) {
                finishPayment(hash) { record in
                    let read = PaymentAttempt.failure(from: failure, hopSecrets: PaymentAttempt.secrets(stored: record.hopSecrets ?? []))
                    record.status = .failed
                    record.failureCode = read.code
                    record.failureMessage = read.message
                }
            }
            return nil
        }
    }

    /// A pending payment of an earlier version: one HTLC, no attempts recorded.
    private func isLegacyPayment(_ hash: PaymentHash) -> Bool {
        do {
            return try local.store.payment(hash)?.status == .pending && local.store.attempts(payment: hash).isEmpty
        } catch {
            halt("cannot read payment \(hash.hex): \(error)")
            return false
        }
    }

    private func attemptSucceeded(_ launched: AttemptRecord, preimage: Preimage) {
        var attempt = launched
        attempt.status = .succeeded
        attempt.resolvedAt = nowMilliseconds
        resolve(attempt)
        let hash = attempt.paymentHash
        // Paid, and durable at once: every part still in flight was fulfilled by the payee too,
        // and costs its fee. `pay` hears of it once the last part is back.
        var over = true
        let fee: MilliSatoshi
        let known = outgoingPayments[hash]?.record
        if var payment = outgoingPayments[hash] {
            payment.session.attemptSucceeded(id: attempt.attemptID, preimage: preimage, now: missionClock, missionControl: &missionControl)
            over = payment.session.isOver
            outgoingPayments[hash] = over ? nil : payment
            fee = Node.total(payment.session.attempts.filter { if case .failed = $0.status { false } else { true } }.map(\.fee))
        } else {
            // Started before a restart: its attempts are in the store.
            do {
                fee = Node.total(try local.store.attempts(payment: hash).filter { $0.status != .failed }.map(\.fee))
            } catch {
                return halt("cannot read the attempts of payment \(hash.hex): \(error)")
            }
        }
        let finished = finishPayment(hash, known: known, announce: over) { record in
            record.status = .succeeded
            record.preimage = preimage
            record.fee = fee
        }
        if over, !finished { announcePayment(hash) }  // the last part of a payment paid earlier
    }

    private static func total(_ amounts: [MilliSatoshi]) -> MilliSatoshi {
        amounts.reduce(MilliSatoshi.zero) { (try? $0.adding($1)) ?? $0 }
    }

    /// Records the failure; true when the payment's session wants to plan again.
    private func attemptFailed(_ launched: AttemptRecord, _ htlcFailure: HTLCFailure) -> Bool {
        var attempt = launched
        let failure = PaymentAttempt.failure(from: htlcFailure, hopSecrets: PaymentAttempt.secrets(stored: attempt.hopSecrets))
        attempt.status = .failed
        attempt.failureCode = failure.code
        attempt.failingNode = failure.failingNode
        attempt.failingHop = failure.hopIndex
        attempt.resolvedAt = nowMilliseconds
        resolve(attempt)
        let hash = attempt.paymentHash
        logger.info("payment attempt failed", metadata: ["payment_hash": "\(hash.hex)", "attempt": "\(attempt.attemptID)",
                                                         "failure": "\(failure.code)", "hop": "\(failure.hopIndex.map(String.init) ?? "?")"])
        guard var payment = outgoingPayments[hash] else {
            // Started before a restart: nothing is retried; the payment ends with its last part.
            do {
                if try !local.store.attempts(payment: hash).contains(where: { $0.status == .inFlight }) { finishAfterRestart(hash, last: failure) }
            } catch {
                halt("cannot read the attempts of payment \(hash.hex): \(error)")
            }
            return false
        }
        let outcome = payment.session.attemptFailed(id: attempt.attemptID, failure: failure, now: missionClock, missionControl: &missionControl)
        if let bytes = outcome?.channelUpdate, let update = try? ChannelUpdateMessage(failureField: bytes) {
            payment.failureUpdates.append(update)
        }
        outgoingPayments[hash] = payment
        return true
    }

    private func resolve(_ attempt: AttemptRecord) {
        do {
            try local.store.resolveAttempt(attempt, durability: joinBatch())
        } catch {
            halt("cannot record a payment attempt: \(error)")
        }
    }

    /// A payment whose session is gone (a restart) and that nothing paid fails with its last
    /// attempt's failure (a success would have finished it already).
    private func finishAfterRestart(_ hash: PaymentHash, last failure: PaymentFailure?) {
        finishPayment(hash) { record in
            record.status = .failed
            record.failureCode = failure?.code ?? "htlc_lost"
            record.failureMessage = failure?.message ?? "no channel holds the payment's HTLCs after the restart (they were never committed): nothing was paid"
        }
    }

    /// Records how a pending payment ended; false if it was not pending. `announce`: `pay`,
    /// `wait` and `events` hear of it now (else when its last part in flight is back).
    @discardableResult
    func finishPayment(_ hash: PaymentHash, known: PaymentRecord? = nil, announce: Bool = true, _ update: (inout PaymentRecord) -> Void) -> Bool {
        do {
            // `known`: the row as the payment started (kept while its session lives); else read.
            guard var record = try known ?? local.store.payment(hash), record.status == .pending else { return false }
            update(&record)
            record.resolvedAt = nowMilliseconds
            guard try local.store.resolvePayment(record, durability: joinBatch()) else { return false }
            logger.info("payment \(record.status.rawValue)", metadata: ["payment_hash": "\(hash.hex)", "amount_msat": "\(record.amount.value)",
                                                                        "fee_msat": "\(record.fee.value)"])
            if announce { publish(Node.paymentEvent(record)) }
            return true
        } catch {
            halt("payment \(hash.hex) outcome not recorded: \(error)")
            return false
        }
    }

    /// The payment is over (decided, nothing in flight): its event goes out.
    private func announcePayment(_ hash: PaymentHash) {
        guard let record = try? local.store.payment(hash), record.status != .pending else { return }
        publish(Node.paymentEvent(record))
    }

    static func paymentEvent(_ record: PaymentRecord) -> NodeEvent {
        NodeEvent(type: "payment", state: record.status.rawValue, paymentHash: record.paymentHash.hex, amountMsat: record.amount.value)
    }

    // MARK: After a restart

    /// The attempts in flight when the node stopped, by their HTLC; those whose HTLC no channel
    /// holds never left in a signed commitment, so they failed; a payment left with nothing in
    /// flight ends (payments of earlier versions, without attempts, by their one HTLC).
    func reconcileAfterRestart() throws {
        reconcileForwardsAfterRestart()
        for attempt in try local.store.attemptsInFlight() {
            if channels[attempt.channelIndex]?.hasOutgoingHTLC(id: attempt.htlcID) == true {
                attemptsInFlight[HTLCKey(channel: attempt.channelIndex, id: attempt.htlcID)] = attempt
            } else {
                _ = attemptFailed(attempt, .local("lost in a restart before it was signed"))
            }
        }
        for payment in try local.store.payments(status: .pending) {
            let attempts = try local.store.attempts(payment: payment.paymentHash)
            if attempts.isEmpty, !channels.values.contains(where: { $0.hasOutgoingHTLC(paymentHash: payment.paymentHash) }) {
                finishAfterRestart(payment.paymentHash, last: nil)
            }
        }
    }

    // MARK: payments

    func paymentsResult() throws -> PaymentsResult {
        let attempts = try local.store.attemptsByPayment()
        return PaymentsResult(payments: try local.store.payments().map { try paymentJSON($0, attempts: attempts[$0.paymentHash] ?? []) })
    }

    private func paymentJSON(_ record: PaymentRecord, attempts: [AttemptRecord]? = nil) throws -> PaymentJSON {
        let attempts = try (attempts ?? local.store.attempts(payment: record.paymentHash)).map { attempt in
            AttemptJSON(id: attempt.attemptID, status: attempt.status.rawValue, amountMsat: attempt.amount, feeMsat: attempt.fee,
                        route: attempt.route.map { hop in
                            AttemptJSON.Hop(nodeId: hop.nodeID, shortChannelId: hop.shortChannelID, amountMsat: MilliSatoshi(hop.amountMsat),
                                            feeMsat: MilliSatoshi(hop.feeMsat), cltvExpiryDelta: hop.cltvExpiryDelta)
                        },
                        failingNode: attempt.failingNode?.hex, failingHop: attempt.failingHop, failureCode: attempt.failureCode)
        }
        return PaymentJSON(status: record.status.rawValue, paymentHash: record.paymentHash.hex, preimage: record.preimage.map { Hex.encode($0.bytes) },
                           amountMsat: record.amount, feeMsat: record.fee, destination: record.destination.hex, createdAt: record.createdAt / 1000,
                           durationMs: record.resolvedAt.map { $0 >= record.createdAt ? $0 - record.createdAt : 0 },
                           failureCode: record.failureCode, failureMessage: record.failureMessage, attempts: attempts)
    }
}
