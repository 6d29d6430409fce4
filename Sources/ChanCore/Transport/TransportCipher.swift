/// An established BOLT 8 session: what the handshake hands over, used for every Lightning
/// message after it.
///
/// On the wire a message `m` is `seal(len(m) as u16 big-endian) || seal(m)`: 18 bytes of
/// encrypted length (so the length leaks nothing and cannot be altered) and `len(m) + 16`
/// bytes of body. Sending and receiving keys rotate independently.
public struct TransportCipher: Sendable, Equatable {
    /// The largest Lightning message BOLT 8 carries.
    public static let maximumMessageLength = 65535
    /// Poly1305 tag appended to every sealed part.
    public static let tagLength = 16
    /// The sealed two-byte length prefix.
    public static let headerLength = 2 + tagLength

    var sending: NoiseCipherState
    var receiving: NoiseCipherState

    init(sending: NoiseCipherState, receiving: NoiseCipherState) {
        self.sending = sending
        self.receiving = receiving
    }

    /// A session from known keys, as BOLT 8's message test states them: both directions start
    /// from the final handshake chaining key, with nonces at zero.
    public init(sendingKey: [UInt8], receivingKey: [UInt8], chainingKey: [UInt8]) throws(TransportError) {
        for (what, key) in [("sending key", sendingKey), ("receiving key", receivingKey), ("chaining key", chainingKey)]
        where key.count != 32 {
            throw .invalidKeyLength(what: what, actual: key.count)
        }
        self.init(
            sending: NoiseCipherState(key: sendingKey, chainingKey: chainingKey),
            receiving: NoiseCipherState(key: receivingKey, chainingKey: chainingKey))
    }

    /// Nonces in use by the current sending and receiving keys (0..<1000); they say where the
    /// next rotation falls, nothing secret.
    public var sendingNonce: UInt64 { sending.nonce }
    public var receivingNonce: UInt64 { receiving.nonce }

    /// Encrypts one Lightning message into its wire form (header, then body).
    public mutating func encrypt(_ message: [UInt8]) throws(TransportError) -> [UInt8] {
        guard message.count <= Self.maximumMessageLength else {
            throw .messageTooLong(length: message.count, limit: Self.maximumMessageLength)
        }
        let length = UInt16(message.count)
        // Seal into a copy so a failure leaves the nonces as they were.
        var next = sending
        let header = try next.seal([UInt8(length >> 8), UInt8(length & 0xff)])
        let body = try next.seal(message)
        sending = next
        return header + body
    }

    /// Opens an 18-byte sealed length prefix; returns the plaintext length `l` of the message
    /// that follows, whose sealed body is `l + 16` bytes.
    public mutating func decryptLength(_ header: [UInt8]) throws(TransportError) -> Int {
        guard header.count == Self.headerLength else {
            throw .invalidFrameLength(part: "length prefix", expected: "\(Self.headerLength)", actual: header.count)
        }
        guard let length = try receiving.open(header) else { throw .badLengthTag }
        return Int(length[0]) << 8 | Int(length[1])
    }

    /// Opens a sealed body (the `l + 16` bytes after a length prefix).
    public mutating func decryptBody(_ body: [UInt8]) throws(TransportError) -> [UInt8] {
        guard body.count >= Self.tagLength, body.count <= Self.maximumMessageLength + Self.tagLength else {
            throw .invalidFrameLength(
                part: "message body",
                expected: "\(Self.tagLength) to \(Self.maximumMessageLength + Self.tagLength)", actual: body.count)
        }
        guard let message = try receiving.open(body) else { throw .badMessageTag }
        return message
    }
}

extension TransportCipher: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "TransportCipher(sendingNonce: \(sendingNonce), receivingNonce: \(receivingNonce), keys redacted)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
