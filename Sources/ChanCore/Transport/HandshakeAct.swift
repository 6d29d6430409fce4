/// The three fixed-size messages of the BOLT 8 handshake.
///
/// The handshake has no framing of its own: each side reads exactly `length` bytes, so the
/// daemon asks the state machine which act it expects and reads that many.
public enum HandshakeAct: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `-> e, es`: initiator to responder.
    case one = 1
    /// `<- e, ee`: responder to initiator.
    case two = 2
    /// `-> s, se`: initiator to responder.
    case three = 3

    /// Version byte, then a 33-byte key (encrypted in act three, with its own tag), then a tag.
    public var length: Int {
        switch self {
        case .one, .two: 1 + 33 + 16
        case .three: 1 + 33 + 16 + 16
        }
    }

    /// The only handshake version BOLT 8 defines; anything else must be refused.
    public static let version: UInt8 = 0

    public var description: String { "act \(rawValue)" }
}
