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

/// Invoices and payments over our channels: the node makes invoices, pays invoices to its
/// direct peers, and settles HTLCs that pay its invoices. What to do with an HTLC is decided
/// by ChanCore (`IncomingHTLCPolicy`, `PaymentAttempt`); the node stores and performs it.
extension Node {
    /// Blocks of margin added to the invoice's `min_final_cltv_expiry`, so that a block found
    /// while the HTLC travels does not make it too short for the payee.
    static let finalExpiryMargin: UInt32 = 2

    /// Milliseconds since 1970 (payments record when they start and end).
    var nowMilliseconds: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec / 1_000_000)
    }

    // MARK: Invoices

    /// What our invoices offer: BOLT 11's standard set, and multi-part payments (we take them).
    static let invoiceFeatures = InvoiceFeatures(InvoiceFeatures.standard.bits + [InvoiceFeatures.Feature.basicMPP.requiredBit + 1])

    /// How a payer reaches us over our private channels (the network does not know them): one
    /// hint per private channel whose peer told us its policy toward us.
    func routeHints() -> [RouteHint] {
        channels.sorted { $0.key < $1.key }.compactMap { index, channel in
            guard !channel.opening.announceChannel, channel.phase == .normal, let scid = channel.shortChannelID,
                  let update = peerUpdates[index], !update.isDisabled else { return nil }
            return RouteHint(hops: [RouteHintHop(nodeID: channel.peerID, shortChannelID: scid, feeBase: update.feeBase,
                                                  feeProportionalMillionths: update.feeProportionalMillionths,
                                                  cltvExpiryDelta: update.cltvExpiryDelta)])
        }
    }

    func createInvoice(_ params: InvoiceParams) throws -> InvoiceJSON {
        let preimage = try Preimage(bytes: try SecureRandom.bytes(32))
        let secret = try Bytes32(try SecureRandom.bytes(32))
        let created = now
        let unsigned = try Invoice.make(
            prefix: .regtest, amount: params.amountMsat, paymentHash: preimage.hash, paymentSecret: secret,
            description: .text(params.description), expiry: params.expiry,
            minFinalCLTVExpiry: UnsignedInvoice.defaultMinFinalCLTVExpiry, routeHints: routeHints(), features: Node.invoiceFeatures,
            timestamp: created)
        let invoice = try unsigned.signed(with: local.keys.nodeKey)
        let record = InvoiceRecord(
            paymentHash: preimage.hash, preimage: preimage, paymentSecret: secret, bolt11: invoice.encoded, amount: params.amountMsat,
            description: params.description, createdAt: created, expiresAt: invoice.expiresAt, minFinalCLTVExpiry: invoice.minFinalCLTVExpiry,
            hold: params.hold)
        try local.store.insertInvoice(record)
        return invoiceJSON(record)
    }

    func invoicesResult() throws -> InvoicesResult {
        InvoicesResult(invoices: try local.store.invoices().map(invoiceJSON))
    }

    private func invoiceJSON(_ record: InvoiceRecord) -> InvoiceJSON {
        let status = record.status == .open && now >= record.expiresAt ? "expired" : record.status.rawValue
        return InvoiceJSON(invoice: record.bolt11, paymentHash: record.paymentHash.hex, amountMsat: record.amount, description: record.description,
                           createdAt: record.createdAt, expiresAt: record.expiresAt, minFinalCltvExpiry: record.minFinalCLTVExpiry,
                           status: status, hold: record.hold, receivedMsat: record.received, paidAt: record.paidAt)
    }

    // MARK: Paying

    /// `pay`: pays `params.invoice` over our channel with its payee; returns the outcome, or
    /// `timeout` if it is still in flight after `params.timeoutSeconds`.
    func pay(_ params: PayParams) async throws -> PaymentJSON {
        let invoice = try Invoice.decode(params.invoice)
        guard invoice.prefix == .regtest else {
            throw APIError(code: "wrong_chain", message: "the invoice is for \(invoice.prefix.rawValue), this network is lnbcrt")
        }
        guard !invoice.isExpired(now: now) else { throw APIError(code: "invoice_expired", message: "the invoice expired at \(invoice.expiresAt)") }
        let amount = try invoice.amountToPay(requested: params.amountMsat)
        let payee = invoice.payee
        guard payee != nodeID else { throw APIError(code: "self_payment", message: "the invoice is our own") }
        let candidates = try channelToPay(payee)
        let (partial, overflow) = blockHeight.addingReportingOverflow(invoice.minFinalCLTVExpiry)
        guard !overflow, case let (expiry, overflowAgain) = partial.addingReportingOverflow(Node.finalExpiryMargin), !overflowAgain else {
            throw APIError(code: "invalid_invoice", message: "the invoice's min_final_cltv_expiry \(invoice.minFinalCLTVExpiry) is out of range")
        }
        let attempt = try PaymentAttempt.direct(to: payee, amount: amount, paymentHash: invoice.paymentHash,
                                                paymentSecret: invoice.paymentSecret, finalExpiry: expiry, sessionKey: try PrivateKey.random())
        let started = nowMilliseconds
        let record = PaymentRecord(
            paymentHash: invoice.paymentHash, bolt11: invoice.encoded, destination: payee, amount: amount, fee: .zero,
            status: .pending, createdAt: started, hopSecrets: attempt.storedSecrets)
        // Recorded before the HTLC exists: whatever happens next, the node knows of the payment
        // (the HTLC leaves once the turn's writes, this row among them, are durable).
        try local.store.startPayment(record, durability: joinBatch())
        let index: UInt64
        do {
            index = try addHTLC(attempt, on: candidates)
        } catch let error as APIError {
            // No HTLC left the node: the payment never happened, and may be tried again.
            try? local.store.forgetPayment(invoice.paymentHash, durability: joinBatch())
            throw error
        }
        paymentsInFlight[invoice.paymentHash] = (record, attempt)
        scheduleSign(index)
        do {
            _ = try await waitFor(.payment(invoice.paymentHash), timeout: params.timeoutSeconds)
        } catch let error as APIError where error.code == "timeout" {
            throw APIError.timeout("the payment is still in flight after \(params.timeoutSeconds) s (see `chan payments`)")
        }
        guard let settled = try local.store.payment(invoice.paymentHash) else { throw APIError(code: "internal_error", message: "the payment vanished") }
        if settled.status == .failed {
            throw APIError(code: settled.failureCode ?? "payment_failed", message: settled.failureMessage ?? "the payment failed")
        }
        return paymentJSON(settled)
    }

    /// Our channel to `payee` for `amount`: operational and connected, the one with the most of
    /// its capacity on our side first (the channel itself checks every limit when the HTLC is added).
    private func channelToPay(_ payee: PublicKey) throws -> [UInt64] {
        let candidates = channels.filter { $0.value.peerID == payee && $0.value.phase == .normal && $0.value.isConnected && isReady(payee) }
        guard !candidates.isEmpty else {
            let hasChannel = channels.values.contains { $0.peerID == payee && $0.phase == .normal }
            throw hasChannel
                ? APIError(code: "peer_not_connected", message: "the channel to \(payee.hex) is not connected")
                : APIError(code: "no_route", message: "no channel to \(payee.hex): this node pays its direct peers only (multi-hop comes later)")
        }
        return candidates.sorted { ($0.value.commitments?.local.spec.toLocal ?? .zero) > ($1.value.commitments?.local.spec.toLocal ?? .zero) }.map(\.key)
    }

    /// Adds the payment's HTLC on the first of `candidates` that takes it; when none does, the
    /// error says what the best one could send (`spendable_msat`) and why no more.
    private func addHTLC(_ attempt: PaymentAttempt, on candidates: [UInt64]) throws -> UInt64 {
        var refusal: ChannelError?
        for index in candidates {
            do {
                try drive(index, .command(.addHTLC(amount: attempt.firstHopAmount, paymentHash: attempt.paymentHash,
                                                   cltvExpiry: attempt.firstHopExpiry, onion: attempt.onion)))
                return index
            } catch {
                refusal = refusal ?? error
            }
        }
        let limits = candidates.compactMap { channels[$0]?.sendLimit }
        let best = limits.max { $0.amount < $1.amount }
        if let refusal, (best?.amount ?? .zero) >= attempt.firstHopAmount {
            // The amount fits: the channel refused for another reason, which is the answer.
            throw APIError(refusal)
        }
        throw APIError(code: "insufficient_balance", message: "the channel can send at most spendable_msat=\(best?.amount.value ?? 0) now (\(best?.refusal.code ?? "no channel")); the payment needs \(attempt.firstHopAmount.value) msat")
    }

    func paymentsResult() throws -> PaymentsResult {
        PaymentsResult(payments: try local.store.payments().map(paymentJSON))
    }

    private func paymentJSON(_ record: PaymentRecord) -> PaymentJSON {
        PaymentJSON(status: record.status.rawValue, paymentHash: record.paymentHash.hex, preimage: record.preimage.map { Hex.encode($0.bytes) },
                    amountMsat: record.amount, feeMsat: record.fee, destination: record.destination.hex, createdAt: record.createdAt / 1000,
                    durationMs: record.resolvedAt.map { $0 >= record.createdAt ? $0 - record.createdAt : 0 },
                    failureCode: record.failureCode, failureMessage: record.failureMessage)
    }

    // MARK: HTLC outcomes

    /// The outcome of one of our HTLCs on channel `index`, recorded on its forward (returned, to
    /// be carried out upstream) or its payment. (An incoming HTLC is not an outcome: it goes to
    /// `settleIncoming` once its commitment is stored.)
    func recordOutcome(_ resolution: HTLCResolution, channel index: UInt64) -> ForwardRecord? {
        switch resolution {
        case .incomingCommitted:
            break
        case .outgoingFulfilled(let id, let hash, let preimage):
            if let forward = forwardOutcome(HTLCKey(channel: index, id: id), fulfilled: preimage, failed: nil) { return forward }
            finishPayment(hash) { record in
                record.status = .succeeded
                record.preimage = preimage
            }
        case .outgoingFailed(let id, let hash, let reason):
            if let forward = forwardOutcome(HTLCKey(channel: index, id: id), fulfilled: nil, failed: reason) { return forward }
            finishPayment(hash) { record in
                let failure = paymentsInFlight[hash]?.attempt.failure(from: reason)
                    ?? PaymentAttempt.failure(from: reason, hopSecrets: PaymentAttempt.secrets(stored: record.hopSecrets ?? []))
                record.status = .failed
                record.failureCode = failure.code
                record.failureMessage = failure.message
            }
        }
        return nil
    }

    func finishPayment(_ hash: PaymentHash, _ update: (inout PaymentRecord) -> Void) {
        let inFlight = paymentsInFlight.removeValue(forKey: hash)
        do {
            guard var record = try inFlight?.record ?? local.store.payment(hash), record.status == .pending else { return }
            update(&record)
            record.resolvedAt = nowMilliseconds
            guard try local.store.resolvePayment(record, durability: joinBatch()) else { return }
            finished(record)
        } catch {
            halt("payment \(hash.hex) outcome not recorded: \(error)")
        }
    }

    private func finished(_ record: PaymentRecord) {
        let hash = record.paymentHash
        logger.info("payment \(record.status.rawValue)", metadata: ["payment_hash": "\(hash.hex)", "amount_msat": "\(record.amount.value)"])
        publish(NodeEvent(type: "payment", state: record.status.rawValue, paymentHash: hash.hex, amountMsat: record.amount.value))
    }

    /// An HTLC to us is committed: settle it if it pays an open invoice of ours, else fail it.
    func settleIncoming(_ htlc: CommitmentHTLC, onion: OnionRoutingPacket, channel index: UInt64) {
        let invoice = try? local.store.invoice(htlc.paymentHash)
        let action = IncomingHTLCPolicy.decide(htlc, onion: onion, nodeKey: local.keys.nodeKey, currentHeight: blockHeight, now: now) { hash in
            guard let invoice, invoice.paymentHash == hash else { return nil }
            return Node.terms(invoice)
        }
        publish(NodeEvent(type: "htlc", channelId: channels[index]?.channelID.hex, state: "received", paymentHash: htlc.paymentHash.hex,
                          amountMsat: htlc.amount.value))
        do {
            switch action {
            case .fulfill(_, let received) where invoice?.hold == true:
                // A hold invoice: the HTLC waits for `settle` or `cancel`.
                try local.store.setInvoice(htlc.paymentHash, to: .held, from: [.open, .held], received: received, durability: joinBatch())
                logger.info("payment held", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "amount_msat": "\(received.value)"])
                publish(NodeEvent(type: "invoice", state: "held", paymentHash: htlc.paymentHash.hex, amountMsat: received.value))
                return
            case .fulfill(_, let received):
                // Durable before the preimage leaves (the fulfil waits for the turn's commit): the
                // invoice is paid from now on.
                try local.store.markInvoicePaid(htlc.paymentHash, received: received, at: now, durability: joinBatch())
                try carryOut(action, for: htlc, channel: index)
                logger.info("invoice paid", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "amount_msat": "\(received.value)"])
                publish(NodeEvent(type: "invoice", state: "paid", paymentHash: htlc.paymentHash.hex, amountMsat: received.value))
            case .fail, .failMalformed:
                try carryOut(action, for: htlc, channel: index)
            case .forward(let payload, let next, let sharedSecret):
                forward(htlc, payload: payload, next: next, sharedSecret: sharedSecret, channel: index)
            case .addPart(let data, let sharedSecret):
                guard let invoice else { return }  // `decide` found it open
                receivePart(IncomingPaymentPart(channel: index, htlc: htlc, paymentData: data, sharedSecret: sharedSecret, arrivedAt: now),
                            of: invoice)
            }
        } catch {
            logger.error("incoming HTLC not settled", metadata: ["channel": "\(index)", "htlc": "\(htlc.id)", "error": "\(error)"])
        }
    }
}

/// After a restart: what the node decided before but may not have carried out.
extension Node {
    /// Payments recorded as pending whose HTLC no channel has: the HTLC never left in a signed
    /// commitment (the node stopped first), so the payment failed. (Incoming HTLCs are decided
    /// again by `carryOutDecisions` once their channel is reestablished.)
    func reconcileAfterRestart() {
        reconcileForwardsAfterRestart()
        for payment in (try? local.store.payments()) ?? [] where payment.status == .pending {
            let carried = channels.values.contains { $0.hasOutgoingHTLC(paymentHash: payment.paymentHash) }
            guard !carried else { continue }
            finishPayment(payment.paymentHash) { record in
                record.status = .failed
                record.failureCode = "htlc_lost"
                record.failureMessage = "no channel holds the payment's HTLC after the restart (it was never committed): nothing was paid"
            }
        }
    }

    /// Incoming HTLCs on channel `index` whose invoice is decided (paid: fulfilled; canceled:
    /// failed) but that the channel could not take then (disconnected, or waiting for the
    /// peer's `channel_reestablish`). Run at each block, and after each reestablish with
    /// `decideTheRest`: then HTLCs of open invoices are decided too (their decision was lost
    /// when the node stopped just after they arrived).
    func carryOutDecisions(channel index: UInt64, decideTheRest: Bool = false) {
        guard let channel = channels[index] else { return }
        // A fulfil is kept while the peer is away (the preimage must not wait); a failure waits for it.
        let peerListens = channel.isConnected && !channel.awaitingReestablish
        for htlc in channel.undecidedIncomingHTLCs {
            if let forward = try? local.store.forward(incomingChannel: index, htlcID: htlc.id) {
                carryOut(forward)  // what its forward owes it, if anything yet
                continue
            }
            let invoice = try? local.store.invoice(htlc.paymentHash)
            switch invoice?.status {
            case .paid?: fulfil(htlc, channel: index, preimage: invoice!.preimage)
            case .canceled?: if peerListens { refuse(htlc, channel: index, onion: channel.onion(ofIncomingHTLC: htlc.id)) }
            case .held?: continue  // still waits for `settle` or `cancel`
            case .open?, nil:
                if decideTheRest, let onion = channel.onion(ofIncomingHTLC: htlc.id) { settleIncoming(htlc, onion: onion, channel: index) }
            }
        }
    }

    private func fulfil(_ htlc: CommitmentHTLC, channel index: UInt64, preimage: Preimage) {
        do {
            try carryOut(.fulfill(preimage, received: htlc.amount), for: htlc, channel: index)
        } catch {
            logger.error("could not fulfil", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "error": "\(error)"])
        }
    }

    /// Every incoming HTLC paying `hash` that waits for a decision, with its channel and onion.
    private func heldHTLCs(_ hash: PaymentHash) -> [(index: UInt64, htlc: CommitmentHTLC, onion: OnionRoutingPacket?)] {
        channels.sorted { $0.key < $1.key }.flatMap { index, channel in
            channel.undecidedIncomingHTLCs.filter { $0.paymentHash == hash }.map { (index, $0, channel.onion(ofIncomingHTLC: $0.id)) }
        }
    }

    /// `settle`: a held payment is taken (its HTLCs fulfilled).
    func settle(_ params: InvoiceHashParams) throws -> InvoiceJSON {
        let hash = try paymentHash(params.paymentHash)
        guard let invoice = try local.store.invoice(hash), invoice.status == .held else {
            throw APIError(code: "not_held", message: "no held payment for \(params.paymentHash)")
        }
        try local.store.markInvoicePaid(hash, received: invoice.received ?? .zero, at: now)
        for held in heldHTLCs(hash) { fulfil(held.htlc, channel: held.index, preimage: invoice.preimage) }
        publish(NodeEvent(type: "invoice", state: "paid", paymentHash: hash.hex, amountMsat: invoice.received?.value))
        return invoiceJSON(try local.store.invoice(hash) ?? invoice)
    }

    /// `cancel`: an invoice will not be paid; a held payment's HTLCs are failed back.
    func cancel(_ params: InvoiceHashParams) throws -> InvoiceJSON {
        let hash = try paymentHash(params.paymentHash)
        guard let invoice = try local.store.invoice(hash), try local.store.setInvoice(hash, to: .canceled, from: [.open, .held]) else {
            throw APIError(code: "not_cancelable", message: "no open or held invoice \(params.paymentHash)")
        }
        for held in heldHTLCs(hash) { refuse(held.htlc, channel: held.index, onion: held.onion) }
        publish(NodeEvent(type: "invoice", state: "canceled", paymentHash: hash.hex))
        return invoiceJSON(try local.store.invoice(hash) ?? invoice)
    }

    /// Fails an incoming HTLC back, as unknown to us (an HTLC stored before onions were kept
    /// has none: it goes back as malformed, the only failure that needs no shared secret).
    func refuse(_ htlc: CommitmentHTLC, channel index: UInt64, onion: OnionRoutingPacket?) {
        let action = onion.map { IncomingHTLCPolicy.refusal(of: htlc, onion: $0, nodeKey: local.keys.nodeKey, currentHeight: blockHeight) }
            ?? .failMalformed(sha256OfOnion: .zero, failureCode: OnionFailure.invalidOnionHMAC(sha256OfOnion: .zero).code)
        do {
            try carryOut(action, for: htlc, channel: index)
        } catch {
            logger.error("incoming HTLC not failed", metadata: ["channel": "\(index)", "htlc": "\(htlc.id)", "error": "\(error)"])
        }
    }

    /// Performs a failure (or a fulfil) of an incoming HTLC on its channel.
    func carryOut(_ action: IncomingHTLCAction, for htlc: CommitmentHTLC, channel index: UInt64) throws {
        switch action {
        case .fulfill(let preimage, _):
            try runCommand(index, .fulfillHTLC(id: htlc.id, preimage: preimage))
        case .fail(let reason, let failure):
            logger.info("incoming HTLC failed", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "failure": "\(failure.name)"])
            try runCommand(index, .failHTLC(id: htlc.id, reason: reason))
        case .failMalformed(let sha256, let code):
            logger.info("incoming HTLC with an unreadable onion", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "code": "\(code)"])
            try runCommand(index, .failMalformedHTLC(id: htlc.id, sha256OfOnion: sha256, failureCode: code))
        case .forward, .addPart:
            return  // never carried out: `settleIncoming` answers them first
        }
        scheduleSign(index)
    }

    /// Blocks before its expiry at which a held HTLC is failed back, so that the peer never has
    /// to close the channel to time it out.
    static let heldHTLCMargin: UInt32 = 6

    /// Held payments whose HTLCs near their expiry are canceled.
    func cancelExpiringHolds() {
        for (index, channel) in channels {
            for htlc in channel.undecidedIncomingHTLCs where htlc.cltvExpiry <= blockHeight &+ Node.heldHTLCMargin {
                guard let invoice = try? local.store.invoice(htlc.paymentHash), invoice.status == .held else { continue }
                logger.info("a held payment nears its expiry: canceled", metadata: ["payment_hash": "\(htlc.paymentHash.hex)"])
                _ = try? local.store.setInvoice(htlc.paymentHash, to: .canceled, from: [.held])
                refuse(htlc, channel: index, onion: channel.onion(ofIncomingHTLC: htlc.id))
            }
        }
    }

    func paymentHash(_ text: String) throws -> PaymentHash {
        guard let bytes = Hex.decode(text), let hash = try? PaymentHash(bytes: bytes) else {
            throw APIError(code: "invalid_payment_hash", message: "'\(text)' is not a payment hash (64 hex digits)")
        }
        return hash
    }

}
