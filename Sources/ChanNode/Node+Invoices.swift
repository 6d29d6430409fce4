import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// Our invoices and what comes in to pay them: the node makes invoices, and settles HTLCs that
/// pay them (whole, or in parts: Node+MultiPartReceipt.swift), holds them for `settle`, fails
/// them back. What to do with an HTLC is decided by ChanCore (`IncomingHTLCPolicy`); the node
/// stores and performs it.
extension Node {
    // MARK: Invoices

    /// What our invoices offer: BOLT 11's standard set, and multi-part payments (we take them).
    static let invoiceFeatures = InvoiceFeatures(InvoiceFeatures.standard.bits + [InvoiceFeatures.Feature.basicMPP.optionalBit])

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

    /// An HTLC to us is committed: settle it if it pays an open invoice of ours, else fail it.
    func settleIncoming(_ htlc: CommitmentHTLC, onion: OnionRoutingPacket, channel index: UInt64) {
        // A read that fails must not pass for "no invoice": the HTLC would be failed, perhaps a
        // part of a payment whose preimage is out already.
        let invoice: InvoiceRecord?
        do { invoice = try local.store.invoice(htlc.paymentHash) } catch { return halt("cannot read the invoices: \(error)") }
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
            case .keysend(let preimage, let received):
                // No invoice of ours: one is recorded, paid, so that `invoices` shows it and a
                // restart finds the preimage (durable before it leaves, like any fulfil).
                let created = now
                try local.store.insertInvoice(InvoiceRecord(
                    paymentHash: htlc.paymentHash, preimage: preimage, paymentSecret: try Bytes32([UInt8](repeating: 0, count: 32)), bolt11: "",
                    amount: received, description: "keysend", createdAt: created, expiresAt: created,
                    minFinalCLTVExpiry: UnsignedInvoice.defaultMinFinalCLTVExpiry, status: .paid, received: received, paidAt: created),
                    durability: joinBatch())
                try carryOut(action, for: htlc, channel: index)
                logger.info("keysend received", metadata: ["payment_hash": "\(htlc.paymentHash.hex)", "amount_msat": "\(received.value)"])
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

/// After a restart, or while a peer was away: what the node decided but could not carry out yet,
/// and the hold invoices' `settle` and `cancel`.
extension Node {
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
            let invoice: InvoiceRecord?
            do {
                if let forward = try local.store.forward(incomingChannel: index, htlcID: htlc.id) {
                    carryOutForward(forward)  // what its forward owes it, if anything yet
                    continue
                }
                invoice = try local.store.invoice(htlc.paymentHash)
            } catch {
                return halt("cannot read the forwards and invoices: \(error)")
            }
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
        incomingPayments[hash] = nil  // its parts are failed here, not at their deadline
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
        case .fulfill(let preimage, _), .keysend(let preimage, _):
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