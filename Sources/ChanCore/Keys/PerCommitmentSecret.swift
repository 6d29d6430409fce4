import ChanCrypto

/// BOLT 3 per-commitment secrets: `generate_from_seed(seed, I)` for 48-bit indices that count
/// down from 2^48 - 1, so each secret can derive every later one but no earlier one.
public enum PerCommitmentSecret {
    /// The first index a channel uses; commitment number n uses `firstIndex - n`.
    public static let firstIndex: UInt64 = (1 << 48) - 1

    public static func generate(seed: [UInt8], index: UInt64) -> [UInt8] {
        derive(from: seed, bits: 48, index: index)
    }

    /// Flips, from bit `bits - 1` down to 0, each bit set in `index` and hashes: the BOLT 3
    /// algorithm, also used to derive a secret from a stored partial one with `bits` = its
    /// number of trailing free bits.
    static func derive(from base: [UInt8], bits: Int, index: UInt64) -> [UInt8] {
        var value = base
        for bit in stride(from: bits - 1, through: 0, by: -1) where index & (1 << UInt64(bit)) != 0 {
            value[bit / 8] ^= 1 << UInt8(bit % 8)
            value = SHA256.hash(value)
        }
        return value
    }

    /// The commitment point of a secret: `secret·G`.
    public static func point(for secret: [UInt8]) throws(CryptoError) -> PublicKey {
        try PrivateKey(secretBytes: secret).publicKey
    }
}
