/// The ledger's named limits. Validation, mining and the wallet all read them from here.
public enum LedgerRules {
    /// Outputs below this are refused (coinbases excepted). 354 sat is the smallest
    /// `dust_limit_satoshis` BOLT 2 lets a channel peer choose, so a commitment that trims its
    /// dust HTLCs by the channel's limit never produces an output the ledger refuses.
    public static let dustLimit = Satoshi(354)
    /// The serialization counts inputs and outputs in 16 bits.
    public static let maxInputs = 65_535
    public static let maxOutputs = 65_535
    /// The wallet's fee rate when none is given. The ledger itself has no minimum fee: a
    /// transaction may pay zero, so pre-signed channel transactions never fall below a floor.
    public static let defaultFeeRate = FeeRate(satPerByte: 1)
    /// The most blocks one `mine` call creates (regtest's `generate` has no cap; a cap keeps a
    /// typo from holding the ledger's write lock for minutes).
    public static let maxBlocksPerMine = 10_000
}

/// Satoshis per serialized byte of a transaction, witnesses included.
public struct FeeRate: Hashable, Sendable, Codable, CustomStringConvertible {
    public let satPerByte: UInt64

    public init(satPerByte: UInt64) { self.satPerByte = satPerByte }

    /// The fee for a transaction of `size` bytes; overflow throws.
    public func fee(forSize size: Int) throws(AmountError) -> Satoshi {
        try Satoshi(satPerByte).multiplied(by: UInt64(max(size, 0)))
    }

    public var description: String { "\(satPerByte) sat/byte" }
}
