import ChanCore
import ChanCrypto
import ChanLedger

/// Paying across the network: the payee makes an invoice (preimage and payment secret from the
/// seed), the payer builds each part's Sphinx onion with `PaymentAttempt` along a route the
/// driver picked on the topology (each forwarder's fee and CLTV delta from its policy), and adds
/// the first HTLC. The payment and every part go into the payment book.
extension NetworkHarness {
    /// Pays `amount` from `routes.first!.first` to `routes.first!.last`, in one part per route
    /// (each a path of nodes, payer first); a multi-part payment splits the amount evenly.
    /// Returns the payment's id. A part whose first HTLC the channel refuses fails at once.
    @discardableResult
    public mutating func pay(_ kind: NetworkPaymentBook.Kind, amount: MilliSatoshi, routes: [[Int]]) -> Int? {
        guard let first = routes.first, let payer = first.first, let payee = first.last, payer != payee,
              routes.allSatisfy({ $0.count >= 2 && $0.first == payer && $0.last == payee }),
              amount.value >= UInt64(routes.count) else { return nil }
        let preimage = try! Preimage(bytes: derived("preimage"))
        let secret = try! Bytes32(derived("payment secret"))
        nodes[payee].invoices[preimage.hash] = NetworkInvoice(paymentHash: preimage.hash, preimage: preimage, paymentSecret: secret, amount: amount)
        let id = payments.start(kind: kind, payer: payer, payee: payee, amount: amount, paymentHash: preimage.hash)
        trace.record("payment \(id) \(kind.rawValue) of \(amount.value) msat over \(routes)")
        let share = amount.value / UInt64(routes.count)
        for (index, route) in routes.enumerated() {
            let partAmount = index == 0 ? amount.value - share * UInt64(routes.count - 1) : share
            sendPart(of: id, amount: MilliSatoshi(partAmount), total: amount, route: route, secret: secret)
        }
        return id
    }

    private mutating func sendPart(of id: Int, amount: MilliSatoshi, total: MilliSatoshi, route: [Int], secret: Bytes32) {
        let paymentHash = payments.payments[id].paymentHash
        let payer = route[0]
        var amounts = [UInt64](repeating: amount.value, count: route.count)
        var fees: [MilliSatoshi] = []
        for position in stride(from: route.count - 2, through: 1, by: -1) {
            let fee = (try? nodes[route[position]].policy.fee(forwarding: MilliSatoshi(amounts[position + 1]))) ?? .zero
            amounts[position] = amounts[position + 1] + fee.value
            fees.insert(fee, at: 0)
        }
        let finalDelta = Self.minFinalCLTVExpiry + Self.finalExpiryMargin
        var hops: [PaymentRouteHop] = []
        for position in 1..<route.count {
            guard let edge = edge(between: route[position - 1], route[position]) else { return }
            let isLast = position == route.count - 1
            hops.append(PaymentRouteHop(nodeID: nodes[route[position]].nodeID, shortChannelID: edges[edge].shortChannelID,
                                        amount: MilliSatoshi(amounts[position]),
                                        cltvExpiryDelta: isLast ? finalDelta : UInt32(nodes[route[position]].policy.cltvExpiryDelta)))
        }
        let part = payments.addPart(to: id, route: route, fees: fees)
        let recipient = PaymentRecipient(proof: .paymentSecret(secret, totalAmount: total), minFinalCLTVExpiry: finalDelta)
        guard let edge = edge(between: payer, route[1]),
              let sessionKey = try? PrivateKey(secretBytes: derived("session key")),
              let attempt = try? PaymentAttempt(hops: hops, paymentHash: paymentHash, recipient: recipient, currentHeight: height, sessionKey: sessionKey),
              let htlcID = channel(payer, edge)?.commitments?.localNextHTLCID else {
            violations.record(payments.partFailed(id, part: part), context: "payments")
            return
        }
        do {
            try execute(payer, edge, .addHTLC(amount: attempt.firstHopAmount, paymentHash: paymentHash, cltvExpiry: attempt.firstHopExpiry,
                                              onion: attempt.onion))
            nodes[payer].attempts[NetworkHTLCRef(edge: edge, id: htlcID)] = NetworkAttempt(paymentID: id, part: part, hopSecrets: attempt.hopSecrets)
        } catch {
            violations.record(payments.partFailed(id, part: part), context: "payments")
        }
    }

    /// 32 bytes derived from the seed, a label and a serial: a fresh value each call.
    mutating func derived(_ label: String) -> [UInt8] {
        var message = Array("chan sim network \(label)".utf8)
        withUnsafeBytes(of: configuration.keySeed.bigEndian) { message += $0 }
        withUnsafeBytes(of: serial.bigEndian) { message += $0 }
        serial += 1
        return SHA256.hash(message)
    }

    /// Every simple path from `payer` to `payee` of at most `maxHops` channels, shortest first.
    public func paths(from payer: Int, to payee: Int, maxHops: Int = 3) -> [[Int]] {
        var found: [[Int]] = []
        func extend(_ path: [Int]) {
            guard let last = path.last else { return }
            if last == payee { found.append(path); return }
            guard path.count <= maxHops else { return }
            for edge in edges(of: last) {
                let next = edges[edge].ends.other(than: last)
                if !path.contains(next) { extend(path + [next]) }
            }
        }
        extend([payer])
        return found.sorted { $0.count < $1.count || ($0.count == $1.count && $0.lexicographicallyPrecedes($1)) }
    }
}
