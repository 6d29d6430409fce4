/// A gossip message as stored: the typed message and its bytes on the wire (type included),
/// which are what is relayed and persisted, byte for byte as received.
public struct GossipRecord<Message: WireMessageBody>: Hashable, Sendable {
    public let message: Message
    public let raw: [UInt8]

    /// Encodes `message`; throws when it does not fit the wire format.
    public init(_ message: Message) throws(WireError) {
        self.message = message
        raw = try message.encode()
    }
}
