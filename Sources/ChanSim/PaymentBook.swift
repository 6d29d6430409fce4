import ChanCore
import ChanCrypto
import ChanLedger

/// The harness's record of every payment (one HTLC each): who started it, whether the
/// receiver revealed the preimage, and how it ended for the sender. It checks that each
/// payment ends exactly once, as fulfilled or failed, and with the right preimage.
///
/// Ended payments leave `pending` and are remembered by hash and outcome only, with running
/// totals, so a long run costs constant time per payment.
public struct PaymentBook: Hashable, Sendable {
    public enum Outcome: Int, Hashable, Sendable {
        case fulfilled = 0
        case failed = 1
    }

    public struct Payment: Hashable, Sendable {
        public let sender: PairSide
        /// The id the sender's `update_add_htlc` gave it (ids of dropped adds are reused).
        public let htlcID: UInt64
        public let amount: MilliSatoshi
        public let preimage: Preimage
        public let paymentHash: PaymentHash
        /// The receiver saw the HTLC irrevocably committed.
        public internal(set) var committedAtReceiver = false
        /// The receiver's channel accepted a fulfil: the preimage is out, the sender must be paid.
        public internal(set) var revealedByReceiver = false
    }

    /// Payments that have not ended, by payment hash.
    public private(set) var pending: [PaymentHash: Payment] = [:]
    /// How each ended payment ended.
    private var ended: [PaymentHash: Outcome] = [:]
    /// Amounts of ended payments, by sender and outcome, in msat.
    private var endedTotals: [[UInt64]] = [[0, 0], [0, 0]]
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
        settleable[receiver.rawValue][id].flatMap { pending[$0] }
    }

    public func outcome(of paymentHash: PaymentHash) -> Outcome? { ended[paymentHash] }

    public var endedCount: Int { ended.count }

    /// Sum of the payments `sender` started that ended as `outcome` (nil: still pending), in msat.
    public func total(from sender: PairSide, outcome: Outcome?) -> UInt64 {
        guard let outcome else {
            return pending.values.reduce(0) { $1.sender == sender ? $0 + $1.amount.value : $0 }
        }
        return endedTotals[sender.rawValue][outcome.rawValue]
    }

    // MARK: Events

    mutating func started(_ add: UpdateAddHTLC, by sender: PairSide, preimage: Preimage) -> [String] {
        let hash = preimage.hash
        guard pending[hash] == nil, ended[hash] == nil else { return ["payment \(hash.hex.prefix(16)) started twice"] }
        pending[hash] = Payment(sender: sender, htlcID: add.id, amount: add.amount, preimage: preimage, paymentHash: hash)
        return []
    }

    /// The receiver's channel reports an incoming HTLC committed in both commitments.
    mutating func incomingCommitted(_ htlc: CommitmentHTLC, at receiver: PairSide) -> [String] {
        if let outcome = ended[htlc.paymentHash] {
            return ["\(receiver) got HTLC \(htlc.id) committed after its sender saw it \(outcome)"]
        }
        guard var payment = pending[htlc.paymentHash] else { return ["\(receiver) got unknown HTLC \(htlc.id)"] }
        var problems: [String] = []
        if payment.sender != receiver.other || payment.htlcID != htlc.id || payment.amount != htlc.amount {
            problems.append("\(receiver) got HTLC \(htlc.id) of \(htlc.amount.value) msat, but \(payment.sender) sent id \(payment.htlcID) of \(payment.amount.value) msat")
        }
        if payment.committedAtReceiver { problems.append("\(receiver) was told twice that HTLC \(htlc.id) is committed") }
        payment.committedAtReceiver = true
        pending[htlc.paymentHash] = payment
        settleable[receiver.rawValue][htlc.id] = htlc.paymentHash
        return problems
    }

    /// The receiver's channel accepted a fulfil or fail of incoming HTLC `id`.
    mutating func settled(incomingID id: UInt64, at receiver: PairSide, fulfilled: Bool) {
        guard let hash = settleable[receiver.rawValue].removeValue(forKey: id) else { return }
        if fulfilled { pending[hash]?.revealedByReceiver = true }
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
            var problems: [String] = []
            if offChain, let payment = pending[hash], payment.revealedByReceiver {
                problems.append("\(side)'s HTLC \(id) failed although \(side.other) revealed its preimage")
            }
            return problems + end(hash, id: id, sender: side, as: .failed)
        }
    }

    private mutating func end(_ hash: PaymentHash, id: UInt64, sender: PairSide, as outcome: Outcome) -> [String] {
        if let previous = ended[hash] {
            return ["\(sender)'s HTLC \(id) resolved twice: \(previous), then \(outcome)"]
        }
        guard let payment = pending.removeValue(forKey: hash) else { return ["\(sender) resolved unknown HTLC \(id) as \(outcome)"] }
        var problems: [String] = []
        if payment.sender != sender || payment.htlcID != id {
            problems.append("\(sender) resolved HTLC \(id), but the payment is \(payment.sender)'s HTLC \(payment.htlcID)")
        }
        ended[hash] = outcome
        endedTotals[payment.sender.rawValue][outcome.rawValue] += payment.amount.value
        // An HTLC that failed on chain is no longer the receiver's to settle.
        let receiver = payment.sender.other.rawValue
        if settleable[receiver][payment.htlcID] == hash { settleable[receiver][payment.htlcID] = nil }
        return problems
    }
}
