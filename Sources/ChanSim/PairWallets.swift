import ChanCore
import ChanLedger

/// The two parties' wallets on the ledger and what the open took from alice's: enough to
/// tell, after a close, where every satoshi of the channel went.
public struct PairWallets: Hashable, Sendable {
    /// Each side's wallet key condition: the channel pays its final balance and claims there.
    public let alice: OutputCondition
    public let bob: OutputCondition
    public let fundingTxid: TxID
    /// What the funding transaction paid the miner (not channel money).
    public let fundingFee: Satoshi
    /// The change of the funding transaction, back in the opener's wallet (not channel
    /// money). Named for the default opener.
    public let aliceChange: Satoshi
    /// The side whose wallet funded the channel and got the change.
    public var opener: PairSide = .alice

    public func condition(of side: PairSide) -> OutputCondition {
        switch side {
        case .alice: alice
        case .bob: bob
        }
    }
}
