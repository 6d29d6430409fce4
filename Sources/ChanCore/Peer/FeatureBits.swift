/// A BOLT 9 feature bitmap as `init` carries it: big-endian bytes, bit 0 the last byte's lowest.
/// Even bits are "required" (a peer that does not know one must disconnect), odd "optional".
public struct FeatureBits: Hashable, Sendable {
    public private(set) var bits: Set<Int>

    public init(_ bits: Set<Int> = []) { self.bits = bits }

    public init(bytes: [UInt8]) {
        var bits: Set<Int> = []
        for (offset, byte) in bytes.reversed().enumerated() {
            for bit in 0..<8 where byte & (1 << bit) != 0 { bits.insert(offset * 8 + bit) }
        }
        self.bits = bits
    }

    public var bytes: [UInt8] {
        guard let highest = bits.max() else { return [] }
        var bytes = [UInt8](repeating: 0, count: highest / 8 + 1)
        for bit in bits { bytes[bytes.count - 1 - bit / 8] |= 1 << (bit % 8) }
        return bytes
    }

    /// The peer supports feature `pair` (its even bit, required, or its odd bit, optional).
    public func supports(_ pair: Int) -> Bool { bits.contains(pair & ~1) || bits.contains(pair | 1) }

    /// Required (even) bits of `other` that we do not know.
    public func unknownRequired(in other: FeatureBits) -> [Int] {
        other.bits.filter { $0 & 1 == 0 && !known.contains($0) && !known.contains($0 + 1) }.sorted()
    }

    /// What we understand, required or not.
    private var known: Set<Int> { bits }

    /// What a chan node announces: `option_data_loss_protect` (1), `var_onion_optin` (8),
    /// `option_static_remotekey` (12, chan's commitments pay `to_remote` to the static basepoint),
    /// `payment_secret` (14), `basic_mpp` (17: we take multi-part payments).
    public static let node = FeatureBits([1, 8, 12, 14, 17])

    /// Features a peer must have for us to open or accept a channel with it.
    public static let requiredOfChannelPeers = [12, 14]
}
