/// The chance that a channel direction can forward an amount, assuming its liquidity is
/// uniformly distributed between what is known for sure and what is possible at most.
///
/// With no knowledge the liquidity lies anywhere in `0...capacity`, so
/// `P(liquidity >= a) = (capacity + 1 - a) / (capacity + 1)`. Knowing `lower <= liquidity <= upper`
/// (mission control, or parts of the same payment already using `lower`) it is
/// `(upper + 1 - a) / (upper + 1 - lower)`, 1 when `a <= lower` and 0 when `a > upper`.
public enum SuccessProbability {
    public static func uniform(amountMsat a: UInt64, lowerMsat lower: UInt64, upperMsat upper: UInt64) -> Double {
        if a <= lower { return 1 }
        if a > upper || lower > upper { return 0 }
        return Double(upper - a + 1) / Double(upper - lower + 1)
    }
}
