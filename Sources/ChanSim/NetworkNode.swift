import ChanCore
import ChanCrypto
import ChanLedger

/// An HTLC of a node, by the network channel (edge) it is on and its id there.
public struct NetworkHTLCRef: Hashable, Sendable, CustomStringConvertible {
    public let edge: Int
    public let id: UInt64

    public init(edge: Int, id: UInt64) {
        self.edge = edge
        self.id = id
    }

    public var description: String { "\(id)@\(edge)" }
}

/// One node of a simulated network, split as a daemon splits it: what is durable (the last
/// channel records written at each `persist`, the revocation logs, and a store of invoices,
/// forwards and payment attempts, written before anything that depends on it leaves the node)
/// and what a crash loses (the live channels, the multi-part payments being collected).
public struct NetworkNode {
    public let index: Int
    let keys: NodeKeys
    let wallet: PrivateKey
    public let policy: ForwardingPolicy

    // MARK: In memory (lost in a crash)

    /// The live channels, by edge.
    public internal(set) var channels: [Int: Channel] = [:]
    /// Parts of multi-part payments to our invoices, held until they add up (as the daemon: memory only).
    var incomingSets: [PaymentHash: IncomingPaymentSet] = [:]

    // MARK: Durable

    /// Each channel's record as last persisted, by edge: a restart reads the channels back from these.
    var records: [Int: [UInt8]] = [:]
    /// Each channel's revocation log (the peer's revoked commitments by txid), by edge.
    var revocationLogs: [Int: [TxID: UInt64]] = [:]
    /// Our invoices, by payment hash.
    var invoices: [PaymentHash: NetworkInvoice] = [:]
    /// Every forward decided, by its incoming HTLC.
    var forwards: [NetworkHTLCRef: NetworkForward] = [:]
    /// Forwards whose outgoing HTLC is out: outgoing HTLC -> incoming HTLC.
    var forwardsInFlight: [NetworkHTLCRef: NetworkHTLCRef] = [:]
    /// Our payment parts whose HTLC is out, by that HTLC.
    var attempts: [NetworkHTLCRef: NetworkAttempt] = [:]

    init(index: Int, keys: NodeKeys, wallet: PrivateKey, policy: ForwardingPolicy) {
        self.index = index
        self.keys = keys
        self.wallet = wallet
        self.policy = policy
    }

    public var nodeID: PublicKey { keys.nodeID }

    /// What the node holds off chain: its balance in every channel's current commitment (HTLCs excluded).
    public var offChainBalance: UInt64 {
        channels.values.reduce(0) { $0 + ($1.commitments?.local.spec.toLocal.value ?? 0) }
    }
}

/// An invoice of a simulated payee: the terms the payee checks HTLCs against, and whether it was paid.
struct NetworkInvoice: Hashable, Sendable {
    let paymentHash: PaymentHash
    let preimage: Preimage
    let paymentSecret: Bytes32
    let amount: MilliSatoshi
    var isPaid = false

    /// Invoices of the simulation do not expire (the clock moves one second per operation).
    var terms: InvoiceTerms {
        InvoiceTerms(paymentHash: paymentHash, preimage: preimage, paymentSecret: paymentSecret, amount: amount,
                     expiresAt: .max, minFinalCLTVExpiry: NetworkHarness.minFinalCLTVExpiry, isOpen: !isPaid)
    }
}

/// A forward a node decided, as the daemon's `ForwardRecord`: what its incoming HTLC is owed.
struct NetworkForward: Hashable, Sendable {
    enum Status: Hashable, Sendable {
        /// The outgoing HTLC is out; the incoming one waits.
        case offered
        /// Fulfilled downstream: the incoming HTLC is fulfilled with `preimage`.
        case settled(Preimage)
        /// Failed downstream or by us: the incoming HTLC is failed with `reason`.
        case failed(reason: [UInt8])
    }

    let incoming: NetworkHTLCRef
    let paymentHash: PaymentHash
    let incomingAmount: MilliSatoshi
    var outgoing: NetworkHTLCRef?
    var outgoingAmount: MilliSatoshi = .zero
    let sharedSecret: OnionSharedSecret
    var status: Status
}

/// One part of a payment whose HTLC the payer has out.
struct NetworkAttempt: Hashable, Sendable {
    let paymentID: Int
    let part: Int
    let hopSecrets: [OnionHopSecret]
}
