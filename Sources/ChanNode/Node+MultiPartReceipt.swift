import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore
import NIOCore

/// Multi-part payments to our invoices (BOLT 4): each part is held in the payment's
/// `IncomingPaymentSet` (ChanCore) until the parts add up, then all are settled at once; held
/// parts fail with `mpp_timeout` when they do not add up within 60 s. Sets live in memory: after
/// a restart, the held parts are decided again when their channels reestablish.
extension Node {
    func receivePart(_ part: IncomingPaymentPart, of invoice: InvoiceRecord) {
        var set = incomingPayments[invoice.paymentHash] ?? IncomingPaymentSet(invoice: Node.terms(invoice))
        let answers = set.add(part, currentHeight: blockHeight, now: now)
        answer(set, answers)
    }

    /// Held parts whose time is up fail (scheduled at each set's deadline).
    private func expireParts(_ hash: PaymentHash) {
        guard var set = incomingPayments[hash] else { return }
        let answers = set.expire(now: now)
        if !answers.isEmpty { logger.info("a multi-part payment timed out", metadata: ["payment_hash": "\(hash.hex)"]) }
        answer(set, answers)
    }

    /// Keeps the set (while it collects) and carries out its answers; a completed set pays
    /// the invoice (or holds it, for a hold invoice: `settle` then fulfils every part).
    private func answer(_ set: IncomingPaymentSet, _ answers: [IncomingPartAnswer]) {
        let hash = set.paymentHash
        switch set.state {
        case .collecting:
            incomingPayments[hash] = set
            if let deadline = set.deadline {
                let delay = TimeAmount.seconds(Int64(clamping: deadline > now ? deadline - now : 0))
                loop.scheduleTask(in: delay) { self.assumeIsolated { $0.expireParts(hash) } }
            }
        case .completed:
            incomingPayments[hash] = nil
            let invoice: InvoiceRecord
            do {
                guard let found = try local.store.invoice(hash) else { return }
                invoice = found
            } catch {
                return halt("cannot read invoice \(hash.hex): \(error)")
            }
            if invoice.status == .open {
                do {
                    if invoice.hold {
                        try local.store.setInvoice(hash, to: .held, from: [.open], received: set.received, durability: joinBatch())
                        publish(NodeEvent(type: "invoice", state: "held", paymentHash: hash.hex, amountMsat: set.received.value))
                        return  // the parts wait for `settle` or `cancel`
                    }
                    // Durable before any preimage leaves (the fulfils wait for the turn's commit).
                    try local.store.markInvoicePaid(hash, received: set.received, at: now, durability: joinBatch())
                } catch {
                    return halt("invoice \(hash.hex) not recorded as paid: \(error)")
                }
                logger.info("invoice paid", metadata: ["payment_hash": "\(hash.hex)", "amount_msat": "\(set.received.value)",
                                                      "parts": "\(set.parts.count)"])
                publish(NodeEvent(type: "invoice", state: "paid", paymentHash: hash.hex, amountMsat: set.received.value))
            } else if invoice.status == .held {
                return
            }
        }
        for answer in answers {
            guard let channel = channels[answer.channel], let htlc = channel.undecidedIncomingHTLCs.first(where: { $0.id == answer.htlcID }) else { continue }
            do {
                try carryOut(answer.action, for: htlc, channel: answer.channel)
            } catch {
                logger.debug("a part's answer postponed", metadata: ["channel": "\(answer.channel)", "htlc": "\(answer.htlcID)", "why": "\(error)"])
            }
        }
    }

    /// What `IncomingHTLCPolicy` needs to know of an invoice of ours.
    static func terms(_ invoice: InvoiceRecord) -> InvoiceTerms {
        InvoiceTerms(paymentHash: invoice.paymentHash, preimage: invoice.preimage, paymentSecret: invoice.paymentSecret,
                     amount: invoice.amount, expiresAt: invoice.expiresAt, minFinalCLTVExpiry: invoice.minFinalCLTVExpiry,
                     isOpen: invoice.status == .open)  // a held invoice has its HTLCs: another one fails
    }
}
