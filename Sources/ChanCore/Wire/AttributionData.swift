/// The `attribution_data` TLV of `update_fulfill_htlc` and `update_fail_htlc` (BOLT 4):
/// 20 `u32` HTLC hold times followed by 210 HMACs truncated to 4 bytes, 920 bytes in all.
/// Kept raw; the onion layer computes and checks it.
public struct AttributionData: FixedSizeBytes {
    public static let byteCount = holdTimeCount * 4 + truncatedHMACCount * 4
    public static let fieldName = "attribution_data"
    public static let holdTimeCount = 20
    public static let truncatedHMACCount = 210
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(WireError) {
        self.bytes = try Self.checkedLength(bytes)
    }

    /// The 20 `htlc_hold_times`, as reported by each hop.
    public var htlcHoldTimes: [UInt32] {
        (0..<Self.holdTimeCount).map { index in
            bytes[index * 4..<index * 4 + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    /// The 210 `truncated_hmacs`, 4 bytes each.
    public var truncatedHMACs: [[UInt8]] {
        let start = Self.holdTimeCount * 4
        return (0..<Self.truncatedHMACCount).map { index in
            Array(bytes[start + index * 4..<start + index * 4 + 4])
        }
    }
}
