import ChanCrypto

/// Why the channel refused a command or a peer's message. A refused command leaves the channel
/// as it was; a peer's violation makes the channel fail (send `error`, force close).
public enum ChannelError: CodedError, Equatable {
    case invalidState(String)
    case insufficientBalance(String)
    case belowHTLCMinimum(minimum: UInt64, amount: UInt64)
    case tooManyHTLCs(limit: UInt16)
    case maxInFlightExceeded(limit: UInt64)
    case dustExposureExceeded(limit: UInt64)
    case expiryTooSoon(expiry: UInt32, height: UInt32)
    case expiryTooFar(expiry: UInt32, height: UInt32)
    case unknownHTLC(UInt64)
    case htlcAlreadySettled(UInt64)
    case wrongPreimage(UInt64)
    case unexpectedHTLCID(expected: UInt64, actual: UInt64)
    case invalidSignature(String)
    case invalidRevocation(String)
    case peerHasNewerState(String)
    case nothingToSign
    case feeUpdateNotAllowed(String)
    case protocolViolation(String)
    case invalidParameters(String)

    public var code: String {
        switch self {
        case .invalidState: "channel_invalid_state"
        case .insufficientBalance: "insufficient_balance"
        case .belowHTLCMinimum: "htlc_below_minimum"
        case .tooManyHTLCs: "too_many_htlcs"
        case .maxInFlightExceeded: "max_in_flight_exceeded"
        case .dustExposureExceeded: "dust_exposure_exceeded"
        case .expiryTooSoon: "expiry_too_soon"
        case .expiryTooFar: "expiry_too_far"
        case .unknownHTLC: "unknown_htlc"
        case .htlcAlreadySettled: "htlc_already_settled"
        case .wrongPreimage: "wrong_preimage"
        case .unexpectedHTLCID: "unexpected_htlc_id"
        case .invalidSignature: "invalid_commitment_signature"
        case .invalidRevocation: "invalid_revocation"
        case .peerHasNewerState: "peer_has_newer_state"
        case .nothingToSign: "nothing_to_sign"
        case .feeUpdateNotAllowed: "fee_update_not_allowed"
        case .protocolViolation: "protocol_violation"
        case .invalidParameters: "invalid_channel_parameters"
        }
    }

    public var message: String {
        switch self {
        case .invalidState(let what): "not possible in this channel state: \(what)"
        case .insufficientBalance(let what): "the balance cannot pay for this: \(what)"
        case .belowHTLCMinimum(let minimum, let amount): "HTLC of \(amount) msat is below the minimum of \(minimum) msat"
        case .tooManyHTLCs(let limit): "more than \(limit) HTLCs would be pending"
        case .maxInFlightExceeded(let limit): "more than \(limit) msat would be in flight"
        case .dustExposureExceeded(let limit): "dust HTLCs would exceed the exposure cap of \(limit) msat"
        case .expiryTooSoon(let expiry, let height): "CLTV expiry \(expiry) is too close to the current height \(height)"
        case .expiryTooFar(let expiry, let height): "CLTV expiry \(expiry) is too far beyond the current height \(height)"
        case .unknownHTLC(let id): "no committed HTLC with id \(id)"
        case .htlcAlreadySettled(let id): "HTLC \(id) is already being fulfilled or failed"
        case .wrongPreimage(let id): "the preimage does not match the payment hash of HTLC \(id)"
        case .unexpectedHTLCID(let expected, let actual): "HTLC id \(actual) received where \(expected) was next"
        case .invalidSignature(let what): "a signature does not verify: \(what)"
        case .invalidRevocation(let what): "the revocation is not valid: \(what)"
        case .peerHasNewerState(let what): "the peer knows a newer channel state than ours (we lost data): \(what)"
        case .nothingToSign: "there are no changes to sign"
        case .feeUpdateNotAllowed(let why): "fee update refused: \(why)"
        case .protocolViolation(let what): "the peer broke the protocol: \(what)"
        case .invalidParameters(let what): "unacceptable channel parameters: \(what)"
        }
    }
}
