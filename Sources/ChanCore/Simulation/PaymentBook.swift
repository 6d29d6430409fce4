import ChanCrypto
import ChanLedger

/// The harness's record of every payment (one HTLC each): who started it, whether the
/// receiver revealed the preimage, and how it ended for the sender. It checks that each
/// payment ends exactly once, as fulfilled or failed, and with the right preimage.
public struct PaymentBook: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        case fulfilled
        case failed
    }

    public struct Payment: Hashable, Sendable {
        public let sender: PairSide
        /// The id the sender's `update_add_htlc` gave it (ids of dropped adds are reused).
        public let htlcID: UInt64
        public let amount: MilliSatoshi
        public let preimage: Preimage
        public let paymentHash: PaymentHash
        public internal(set) var outcome: Outcome?
        /// The receiver saw the HTLC irrevocably committed.
        public internal(set) var committedAtReceiver = false
        /// The receiver's channel accepted a fulfil: the preimage is out, the sender must be paid.
        public internal(set) var revealedByReceiver = false
    }

    public private(set) var payments: [PaymentHash: Payment] = [:]
    /// Committed incoming HTLCs each receiver has not settled yet: HTLC id -> payment hash.
    private var settleable: [[UInt64: PaymentHash]] = [[:], [:]]
    private let preimageSeed: [UInt8]
    private var nextPreimageSerial: UInt64 = 0

    public init(seed: UInt64) {
        var message = Array("chan sim preimages".utf8)
        withUnsafeBytes(of: seed.bigEndian) { message += $0 }
        preimageSeed = SHA256.hash(message)
    }

    /// A preimage never used before in this run (so payment hashes name payments uniquely).
    public mutating func freshPreimage() -> Preimage {
        var message = preimageSeed
        withUnsafeBytes(of: nextPreimageSerial.bigEndian) { message += $0 }
        nextPreimageSerial += 1
        // SHA-256 always yields 32 bytes, a valid preimage.
        return try! Preimage(bytes: SHA256.hash(message))
    }

    /// Incoming HTLCs `receiver` may fulfil or fail now, by id (ascending).
    public func settleableIDs(at receiver: PairSide) -> [UInt64] { settleable[receiver.rawValue].keys.sorted() }

    public func payment(incomingID id: UInt64, at receiver: PairSide) -> Payment? {
        settleable[receiver.rawValue][id].flatMap { payments[$0] }
    }

    public var unresolved: [Payment] { payments.values.filter { $0.outcome == nil } }

    /// Sum of the payments `sender` started that ended as `outcome` (nil: still pending).
    public func total(from sender: PairSide, outcome: Outcome?) -> UInt64 {
        payments.values.reduce(0) { sum, payment in
            payment.sender == sender && payment.outcome == outcome ? sum + payment.amount.value : sum
        }
    }

    // MARK: Events

    mutating func started(_ add: UpdateAddHTLC, by sender: PairSide, preimage: Preimage) -> [String] {
        let hash = preimage.hash
        guard payments[hash] == nil else { return ["payment \(hash.hex.prefix(16)) started twice"] }
        payments[hash] = Payment(sender: sender, htlcID: add.id, amount: add.amount, preimage: preimage, paymentHash: hash)
        return []
    }

    /// The receiver's channel reports an incoming HTLC committed in both commitments.
    mutating func incomingCommitted(_ htlc: CommitmentHTLC, at receiver: PairSide) -> [String] {
        guard var payment = payments[htlc.paymentHash] else { return ["\(receiver) got unknown HTLC \(htlc.id)"] }
        var problems: [String] = []
        if payment.sender != receiver.other || payment.htlcID != htlc.id || payment.amount != htlc.amount {
            problems.append("\(receiver) got HTLC \(htlc.id) of \(htlc.amount.value) msat, but \(payment.sender) sent id \(payment.htlcID) of \(payment.amount.value) msat")
        }
        if payment.committedAtReceiver { problems.append("\(receiver) was told twice that HTLC \(htlc.id) is committed") }
        if payment.outcome != nil { problems.append("\(receiver) got HTLC \(htlc.id) committed after its sender saw it \(payment.outcome!.rawValue)") }
        payment.committedAtReceiver = true
        payments[htlc.paymentHash] = payment
        if payment.outcome == nil { settleable[receiver.rawValue][htlc.id] = htlc.paymentHash }
        return problems
    }

    /// The receiver's channel accepted a fulfil or fail of incoming HTLC `id`.
    mutating func settled(incomingID id: UInt64, at receiver: PairSide, fulfilled: Bool) {
        guard let hash = settleable[receiver.rawValue].removeValue(forKey: id) else { return }
        if fulfilled { payments[hash]?.revealedByReceiver = true }
    }

    /// The sender's channel reports how an outgoing HTLC ended. `offChain`: the channel is
    /// not closing on chain, where a trimmed HTLC is lost even if its preimage is known.
    mutating func resolved(_ resolution: HTLCResolution, at side: PairSide, offChain: Bool) -> [String] {
        switch resolution {
        case .incomingCommitted(let htlc, _):
            return incomingCommitted(htlc, at: side)
        case .outgoingFulfilled(let id, let hash, let preimage):
            var problems = end(hash, id: id, sender: side, as: .fulfilled)
            if preimage.hash != hash { problems.append("\(side) got a wrong preimage for HTLC \(id)") }
            return problems
        case .outgoingFailed(let id, let hash, _):
            var problems = end(hash, id: id, sender: side, as: .failed)
            if offChain, let payment = payments[hash], payment.revealedByReceiver {
                problems.append("\(side)'s HTLC \(id) failed although \(side.other) revealed its preimage")
            }
            return problems
        }
    }

    private mutating func end(_ hash: PaymentHash, id: UInt64, sender: PairSide, as outcome: Outcome) -> [String] {
        guard var payment = payments[hash] else { return ["\(sender) resolved unknown HTLC \(id) as \(outcome.rawValue)"] }
        var problems: [String] = []
        if payment.sender != sender || payment.htlcID != id {
            problems.append("\(sender) resolved HTLC \(id), but the payment is \(payment.sender)'s HTLC \(payment.htlcID)")
        }
        if let previous = payment.outcome {
            problems.append("\(sender)'s HTLC \(id) resolved twice: \(previous.rawValue), then \(outcome.rawValue)")
            return problems
        }
        payment.outcome = outcome
        payments[hash] = payment
        // An HTLC that failed on chain is no longer the receiver's to settle.
        let receiver = sender.other.rawValue
        if settleable[receiver][payment.htlcID] == hash { settleable[receiver][payment.htlcID] = nil }
        return problems
    }
}
