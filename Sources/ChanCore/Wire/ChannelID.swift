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

extension ChannelID {
    /// The v1 `channel_id` of an established channel: `funding_txid` (as it appears in
    /// `funding_created`) with `funding_output_index` XORed into its last two bytes.
    public init(fundingTxid: Hash32, outputIndex: UInt16) {
        var bytes = fundingTxid.bytes
        bytes[30] ^= UInt8(outputIndex >> 8)
        bytes[31] ^= UInt8(outputIndex & 0xff)
        self.bytes = bytes
    }
}
