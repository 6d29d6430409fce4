/// The 1366-byte `onion_routing_packet` of `update_add_htlc` (BOLT 4: version, ephemeral
/// key, 1300-byte hop payloads, HMAC), kept as raw bytes: the onion layer parses it.
public struct OnionRoutingPacket: FixedSizeBytes {
    public static let byteCount = 1366
    public static let fieldName = "onion_routing_packet"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }
}
