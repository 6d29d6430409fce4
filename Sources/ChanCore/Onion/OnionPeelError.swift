import ChanCrypto

/// Why `Sphinx.peel` could not hand on a packet. The two cases take different replies:
/// `badOnion` an `update_fail_malformed_htlc` (no secret to encrypt with), `invalidPayload`
/// an `update_fail_htlc` whose `invalid_onion_payload` is wrapped with `sharedSecret`.
public enum OnionPeelError: CodedError, Equatable, Sendable {
    case badOnion(BadOnion)
    /// The packet is authentic but this hop's payload is unusable.
    case invalidPayload(HopPayloadError, sharedSecret: OnionSharedSecret)

    /// The failure to report to the sender.
    public var failure: OnionFailure {
        switch self {
        case .badOnion(let badOnion): badOnion.failure
        case .invalidPayload(let error, _): error.failure
        }
    }

    public var code: String {
        switch self {
        case .badOnion(.invalidVersion): "onion_invalid_version"
        case .badOnion(.invalidHMAC): "onion_invalid_hmac"
        case .badOnion(.invalidKey): "onion_invalid_key"
        case .invalidPayload(let error, _): error.code
        }
    }

    public var message: String {
        switch self {
        case .badOnion(.invalidVersion): "the onion's version is not 0"
        case .badOnion(.invalidHMAC): "the onion's HMAC does not match its contents and the payment hash"
        case .badOnion(.invalidKey): "the onion's ephemeral key is not a valid public key"
        case .invalidPayload(let error, _): error.message
        }
    }
}
