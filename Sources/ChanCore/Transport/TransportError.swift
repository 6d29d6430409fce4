import ChanCrypto

/// Why a BOLT 8 handshake or an encrypted transport stream was refused.
///
/// Every case means "drop the connection without another message". The handshake codes
/// follow the names of the BOLT 8 test vectors (`ACT2_BAD_TAG` is `transport_act2_bad_tag`),
/// so logs, tests and other implementations' reports line up.
public enum TransportError: CodedError, Equatable, Sendable {
    /// An act did not have exactly its fixed length.
    case actReadFailed(act: HandshakeAct, expected: Int, actual: Int)
    /// An act's leading version byte is not 0.
    case badVersion(act: HandshakeAct, version: UInt8)
    /// The ephemeral key (acts one and two) or the decrypted static key (act three) is not
    /// a valid compressed secp256k1 point.
    case badPublicKey(act: HandshakeAct)
    /// An act's final authentication tag does not verify: the peer does not hold the keys it
    /// claims (in act one: the initiator does not know our static key).
    case badTag(act: HandshakeAct)
    /// Act three's encrypted static key does not authenticate.
    case badCiphertext(act: HandshakeAct)
    /// The state machine was handed an act it is not waiting for (a caller's mistake).
    case unexpectedAct(HandshakeAct)
    /// A Lightning message longer than the 65535 bytes BOLT 8 allows was to be sent.
    case messageTooLong(length: Int, limit: Int)
    /// The encrypted length prefix of a received message does not authenticate.
    case badLengthTag
    /// The encrypted body of a received message does not authenticate.
    case badMessageTag
    /// A sealed length prefix or body handed to the cipher has the wrong size.
    case invalidFrameLength(part: String, expected: String, actual: Int)
    /// A key handed to the cipher is not 32 bytes.
    case invalidKeyLength(what: String, actual: Int)
    /// The crypto library failed on valid input (it should not happen).
    case cryptoFailure(CryptoError)

    public var code: String {
        switch self {
        case .actReadFailed(let act, _, _): "transport_act\(act.rawValue)_read_failed"
        case .badVersion(let act, _): "transport_act\(act.rawValue)_bad_version"
        case .badPublicKey(let act): "transport_act\(act.rawValue)_bad_pubkey"
        case .badTag(let act): "transport_act\(act.rawValue)_bad_tag"
        case .badCiphertext(let act): "transport_act\(act.rawValue)_bad_ciphertext"
        case .unexpectedAct: "transport_unexpected_act"
        case .messageTooLong: "transport_message_too_long"
        case .badLengthTag: "transport_bad_length_tag"
        case .badMessageTag: "transport_bad_message_tag"
        case .invalidFrameLength: "transport_invalid_frame_length"
        case .invalidKeyLength: "transport_invalid_key_length"
        case .cryptoFailure: "transport_crypto_failure"
        }
    }

    public var message: String {
        switch self {
        case .actReadFailed(let act, let expected, let actual):
            "handshake \(act) must be exactly \(expected) bytes, got \(actual)"
        case .badVersion(let act, let version):
            "handshake \(act) has version \(version); only version 0 is known"
        case .badPublicKey(let act):
            "handshake \(act) carries a key that is not a valid compressed secp256k1 point"
        case .badTag(let act):
            "handshake \(act) does not authenticate; the peer does not hold the expected keys"
        case .badCiphertext(let act):
            "the encrypted static key in handshake \(act) does not authenticate"
        case .unexpectedAct(let act):
            "handshake \(act) is not expected in the current state of the handshake"
        case .messageTooLong(let length, let limit):
            "a \(length)-byte message exceeds the transport limit of \(limit) bytes"
        case .badLengthTag:
            "the encrypted length prefix of a message does not authenticate"
        case .badMessageTag:
            "the encrypted body of a message does not authenticate"
        case .invalidFrameLength(let part, let expected, let actual):
            "the sealed \(part) has \(actual) bytes; expected \(expected)"
        case .invalidKeyLength(let what, let actual):
            "the \(what) must be 32 bytes, got \(actual)"
        case .cryptoFailure(let error):
            "the crypto library failed: \(error.message)"
        }
    }
}
