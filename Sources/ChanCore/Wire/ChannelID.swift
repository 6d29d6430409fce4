/// A BOLT 2 `channel_id` (or `temporary_channel_id`): 32 bytes, the funding txid XOR the
/// funding output index once the funding transaction exists.
public struct ChannelID: FixedSizeBytes {
    public static let byteCount = 32
    public static let fieldName = "channel_id"
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }
}
