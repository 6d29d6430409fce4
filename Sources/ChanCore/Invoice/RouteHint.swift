import ChanCrypto
import ChanLedger

/// One `r` field: a private route into the payee, each hop naming the channel that leaves
/// its node and what that channel charges (as a `channel_update` would).
public struct RouteHint: Hashable, Sendable {
    public var hops: [RouteHintHop]

    public init(hops: [RouteHintHop]) { self.hops = hops }

    /// Bytes of one hop: pubkey 33, short_channel_id 8, fee base 4, proportional 4, cltv 2.
    static let hopByteCount = 51
}

public struct RouteHintHop: Hashable, Sendable {
    /// The node at the start of the channel.
    public var nodeID: PublicKey
    public var shortChannelID: ShortChannelID
    /// 32 bits on the wire.
    public var feeBase: MilliSatoshi
    public var feeProportionalMillionths: UInt32
    public var cltvExpiryDelta: UInt16

    public init(
        nodeID: PublicKey, shortChannelID: ShortChannelID, feeBase: MilliSatoshi,
        feeProportionalMillionths: UInt32, cltvExpiryDelta: UInt16
    ) {
        self.nodeID = nodeID
        self.shortChannelID = shortChannelID
        self.feeBase = feeBase
        self.feeProportionalMillionths = feeProportionalMillionths
        self.cltvExpiryDelta = cltvExpiryDelta
    }

    /// The hop's forwarding terms in the pathfinder's form.
    public var policy: ChannelPolicy {
        ChannelPolicy(feeBase: feeBase, feeProportionalMillionths: feeProportionalMillionths, cltvExpiryDelta: cltvExpiryDelta)
    }

    func append(to bytes: inout [UInt8]) throws(InvoiceError) {
        guard feeBase.value <= UInt64(UInt32.max) else {
            throw .invalidField(tag: "r", reason: "fee_base_msat \(feeBase.value) does not fit 32 bits")
        }
        bytes += nodeID.compressed
        bytes += bigEndian(shortChannelID.rawValue, count: 8)
        bytes += bigEndian(feeBase.value, count: 4)
        bytes += bigEndian(UInt64(feeProportionalMillionths), count: 4)
        bytes += bigEndian(UInt64(cltvExpiryDelta), count: 2)
    }

    /// Reads one hop from exactly `hopByteCount` bytes.
    init(bytes: ArraySlice<UInt8>) throws(InvoiceError) {
        guard bytes.count == RouteHint.hopByteCount else {
            throw .invalidField(tag: "r", reason: "a hop has \(RouteHint.hopByteCount) bytes")
        }
        let start = bytes.startIndex
        do {
            nodeID = try PublicKey(compressed: Array(bytes[start..<start + 33]))
        } catch {
            throw .invalidField(tag: "r", reason: "a hop's pubkey is not a valid public key")
        }
        shortChannelID = ShortChannelID(rawValue: integer(bytes[start + 33..<start + 41]))
        feeBase = MilliSatoshi(integer(bytes[start + 41..<start + 45]))
        feeProportionalMillionths = UInt32(truncatingIfNeeded: integer(bytes[start + 45..<start + 49]))
        cltvExpiryDelta = UInt16(truncatingIfNeeded: integer(bytes[start + 49..<start + 51]))
    }
}

private func bigEndian(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
}

private func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
}
