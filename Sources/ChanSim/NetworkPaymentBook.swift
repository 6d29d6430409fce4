import ChanCore
import ChanCrypto
import ChanLedger

/// Every payment of a network run and what each party saw of it, to tell that none is lost or
/// settled twice: the payer hears of each part once (fulfilled or failed), the payee is paid an
/// invoice at most once and exactly its amount, each forwarder earns exactly the fees the
/// successful routes through it promised. Each method returns the problems it finds.
public struct NetworkPaymentBook: Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// To a neighbour over our channel with it.
        case direct
        /// Through one forwarding node.
        case twoHop = "two_hop"
        /// In two parts, over two routes when the topology has them.
        case multiPart = "multi_part"
    }

    public enum Outcome: String, Hashable, Sendable {
        case pending
        case succeeded
        case failed
    }

    enum PartState: Hashable, Sendable {
        case inFlight
        case succeeded
        case failed
    }

    public struct Payment: Sendable {
        public let id: Int
        public let kind: Kind
        public let payer: Int
        public let payee: Int
        /// What the payee receives.
        public let amount: MilliSatoshi
        public let paymentHash: PaymentHash
        public internal(set) var outcome: Outcome = .pending
        /// Each part's route (payer first, payee last) and the fee each forwarder on it asked.
        var routes: [[Int]] = []
        var fees: [[MilliSatoshi]] = []
        var parts: [PartState] = []
        /// What the payee took for it (once its parts added up).
        var received: MilliSatoshi?

        /// What the payer pays in all when every part succeeds: the amount plus every forwarder's fee.
        var totalFees: UInt64 { fees.joined().reduce(0) { $0 + $1.value } }
    }

    public private(set) var payments: [Payment] = []
    private var idByHash: [PaymentHash: Int] = [:]
    /// Fees each node earned on its settled forwards, and the fees the succeeded parts promised it.
    public private(set) var earned: [Int: UInt64] = [:]
    public private(set) var promised: [Int: UInt64] = [:]

    public init() {}

    public func count(_ kind: Kind, _ outcome: Outcome) -> Int {
        payments.count { $0.kind == kind && $0.outcome == outcome }
    }

    public var pendingCount: Int { payments.count { $0.outcome == .pending } }

    mutating func start(kind: Kind, payer: Int, payee: Int, amount: MilliSatoshi, paymentHash: PaymentHash) -> Int {
        let id = payments.count
        payments.append(Payment(id: id, kind: kind, payer: payer, payee: payee, amount: amount, paymentHash: paymentHash))
        idByHash[paymentHash] = id
        return id
    }

    /// A part leaves the payer along `route` with `fees` for its forwarders; returns its number.
    mutating func addPart(to id: Int, route: [Int], fees: [MilliSatoshi]) -> Int {
        payments[id].routes.append(route)
        payments[id].fees.append(fees)
        payments[id].parts.append(.inFlight)
        return payments[id].parts.count - 1
    }

    func payment(_ hash: PaymentHash) -> Payment? { idByHash[hash].map { payments[$0] } }

    /// The payer heard its part fulfilled with `preimage`.
    public mutating func partSucceeded(_ id: Int, part: Int, preimage: Preimage) -> [String] {
        var problems: [String] = []
        let payment = payments[id]
        guard payment.parts[part] == .inFlight else {
            return ["payment \(id) part \(part) settled again (it had \(payment.parts[part]))"]
        }
        if preimage.hash != payment.paymentHash { problems.append("payment \(id) part \(part) fulfilled with a wrong preimage") }
        if payment.received == nil { problems.append("payment \(id) part \(part) fulfilled before the payee took the payment") }
        payments[id].parts[part] = .succeeded
        for (forwarder, fee) in zip(payment.routes[part].dropFirst().dropLast(), payment.fees[part]) {
            promised[forwarder, default: 0] += fee.value
        }
        return problems + conclude(id)
    }

    /// The payer heard its part failed.
    public mutating func partFailed(_ id: Int, part: Int) -> [String] {
        guard payments[id].parts[part] == .inFlight else {
            return ["payment \(id) part \(part) failed after it had \(payments[id].parts[part])"]
        }
        payments[id].parts[part] = .failed
        return conclude(id)
    }

    /// The payee took the payment `hash` (its parts added up to `received`).
    public mutating func received(_ hash: PaymentHash, by payee: Int, amount received: MilliSatoshi) -> [String] {
        guard let id = idByHash[hash] else { return ["node \(payee) was paid for an unknown payment"] }
        let payment = payments[id]
        var problems: [String] = []
        if payment.payee != payee { problems.append("payment \(id) to node \(payment.payee) was taken by node \(payee)") }
        if let before = payment.received { return problems + ["payment \(id) taken twice by its payee (\(before.value), then \(received.value) msat)"] }
        if received != payment.amount { problems.append("payment \(id) of \(payment.amount.value) msat paid the payee \(received.value) msat") }
        if payment.outcome == .failed { problems.append("payment \(id) taken by its payee after it failed") }
        payments[id].received = received
        return problems
    }

    /// A forwarder's outgoing HTLC was fulfilled: it keeps `fee`.
    mutating func forwardSettled(at node: Int, fee: MilliSatoshi) {
        earned[node, default: 0] += fee.value
    }

    /// The payment's outcome once every part has one: all succeeded, or all failed. A mix
    /// means the payee took money some payer never paid, or a payer paid for nothing.
    private mutating func conclude(_ id: Int) -> [String] {
        let parts = payments[id].parts
        guard !parts.contains(.inFlight) else { return [] }
        if parts.allSatisfy({ $0 == .succeeded }) {
            payments[id].outcome = .succeeded
            return []
        }
        if parts.allSatisfy({ $0 == .failed }) {
            payments[id].outcome = .failed
            return payments[id].received == nil ? [] : ["payment \(id) failed at its payer after the payee took it"]
        }
        payments[id].outcome = .failed
        return ["payment \(id) ended with parts \(parts): some fulfilled, some failed"]
    }

    /// At the end, or when the network is synced: every payment ended, each forwarder earned what it was promised.
    public func endProblems() -> [String] {
        var problems: [String] = []
        let pending = payments.filter { $0.outcome == .pending }
        for payment in pending.prefix(3) {
            problems.append("payment \(payment.id) (\(payment.kind.rawValue), node \(payment.payer) to \(payment.payee)) never ended: parts \(payment.parts)")
        }
        if pending.count > 3 { problems.append("\(pending.count - 3) more payments never ended") }
        for node in Set(earned.keys).union(promised.keys).sorted() where earned[node, default: 0] != promised[node, default: 0] {
            problems.append("node \(node) earned \(earned[node, default: 0]) msat of forwarding fees, the routes promised \(promised[node, default: 0])")
        }
        return problems
    }

    /// What node `node` should hold off chain now, from `opening` and every payment that ended:
    /// plus what it received and earned, less what it paid (amount and fees) for succeeded payments.
    public func expectedBalance(of node: Int, opening: UInt64) -> Int64 {
        var balance = Int64(opening)
        for payment in payments {
            if payment.payee == node, let received = payment.received { balance += Int64(received.value) }
            if payment.payer == node, payment.outcome == .succeeded { balance -= Int64(payment.amount.value + payment.totalFees) }
        }
        return balance + Int64(earned[node, default: 0])
    }
}
