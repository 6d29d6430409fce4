import ChanCrypto
import ChanLedger

/// Why no attempt could be built along a route. All are the payer's own mistakes (a route
/// written by hand, an invoice asking for the impossible), never something a peer sent.
public enum PaymentAttemptError: CodedError, Equatable, Sendable {
    case emptyRoute
    /// More hops than `PaymentAttempt.maxHopCount`.
    case tooManyHops(Int, limit: Int)
    /// The route's node id is not a valid public key (a graph file does not check them).
    case invalidNodeID(hopIndex: Int)
    /// A hop after the first without the channel the hop before must forward over.
    case missingChannel(hopIndex: Int)
    case zeroAmount
    /// The hop receives less than it must forward: a negative fee.
    case amountBelowNextHop(hopIndex: Int)
    /// The expiries do not fit 32 bits.
    case cltvOverflow
    /// The first HTLC would lock funds for more blocks than a channel accepts.
    case cltvTooFar(blocks: UInt32, limit: UInt32)
    /// The keysend preimage does not hash to the payment hash.
    case keysendPreimageMismatch
    /// The onion cannot be built: the payloads do not fit its 1300 bytes, or a key cannot
    /// be derived (use another session key).
    case onion(OnionBuildError)
    /// A hop's payload does not encode.
    case invalidPayload(hopIndex: Int, WireError)

    public var code: String {
        switch self {
        case .emptyRoute: "route_empty"
        case .tooManyHops: "route_too_long"
        case .invalidNodeID: "route_invalid_node_id"
        case .missingChannel: "route_missing_channel"
        case .zeroAmount: "route_zero_amount"
        case .amountBelowNextHop: "route_amount_below_next_hop"
        case .cltvOverflow: "route_cltv_overflow"
        case .cltvTooFar: "route_cltv_too_far"
        case .keysendPreimageMismatch: "keysend_preimage_mismatch"
        case .onion(let error): error.code
        case .invalidPayload: "route_invalid_payload"
        }
    }

    public var message: String {
        switch self {
        case .emptyRoute: "the route has no hop"
        case .tooManyHops(let count, let limit): "the route has \(count) hops; a payment goes over at most \(limit)"
        case .invalidNodeID(let index): "the node id of hop \(index) is not a valid public key"
        case .missingChannel(let index): "hop \(index) has no channel for the hop before it to forward over"
        case .zeroAmount: "the payee would receive nothing"
        case .amountBelowNextHop(let index): "hop \(index) would receive less than it forwards"
        case .cltvOverflow: "the route's CLTV expiries do not fit 32 bits"
        case .cltvTooFar(let blocks, let limit): "the first HTLC would expire \(blocks) blocks from now; channels take at most \(limit)"
        case .keysendPreimageMismatch: "the keysend preimage does not hash to the payment hash"
        case .onion(let error): error.message
        case .invalidPayload(let index, let error): "the payload of hop \(index) cannot be encoded: \(error.message)"
        }
    }
}
