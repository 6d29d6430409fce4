import ChanCrypto

/// BOLT 4 Sphinx onion packets: the layout constants shared by construction (`build`) and
/// processing (`peel`). Pure code: the session key comes from the caller.
public enum Sphinx {
    /// The only packet version defined.
    public static let version: UInt8 = 0
    /// The size of `hop_payloads`, fixed so a hop cannot tell its position from it.
    public static let hopPayloadsLength = 1300
    public static let hmacLength = 32
    /// The most hops a packet may carry. BOLT 4 has the origin try 27 hops when it decrypts
    /// a failure (its "maximum route length of tlv payload type"), so a longer route could
    /// not have its failures attributed; 1300 bytes are the other limit.
    public static let maxHopCount = 27

    static let versionIndex = 0
    static let ephemeralKeyRange = 1..<34
    static let hopPayloadsRange = 34..<(34 + hopPayloadsLength)
    static let hmacRange = (34 + hopPayloadsLength)..<OnionRoutingPacket.byteCount
}

extension OnionRoutingPacket {
    /// `sha256_of_onion`, which `update_fail_malformed_htlc` and the BADONION failures carry
    /// so the previous hop can check the peer is complaining about the onion it sent.
    public var sha256: Hash32 { Hash32(digest: SHA256.hash(bytes)) }
}

extension Hash32 {
    /// Wraps a digest that is 32 bytes by construction.
    init(digest: [UInt8]) {
        precondition(digest.count == Self.byteCount)
        // Cannot throw: the length was just checked.
        self = try! Hash32(digest)
    }
}

extension OnionSharedSecret {
    /// Wraps an ECDH result, which is 32 bytes by construction.
    init(digest: [UInt8]) {
        precondition(digest.count == Self.byteCount)
        // Cannot throw: the length was just checked.
        self = try! OnionSharedSecret(digest)
    }
}
