import ChanCore
import ChanLedger

/// Where the capacity of a closed channel went, read from the ledger's UTXO set: each wallet's
/// gain (the opener's funding change excluded), fees (every coinbase output, less the funding
/// transaction's own fee) and outputs still locked in channel conditions.
public struct ClosedChannelFunds: Hashable, Sendable {
    public let capacity: Satoshi
    public let aliceGain: UInt64
    public let bobGain: UInt64
    public let fees: UInt64
    /// Unspent outputs neither a wallet's nor the miner's: channel money nobody claimed.
    public let unclaimed: [UnspentOutput]

    /// The figures as given: what `problems` judges, for a test that breaks one of them.
    public init(capacity: Satoshi, aliceGain: UInt64, bobGain: UInt64, fees: UInt64, unclaimed: [UnspentOutput]) {
        self.capacity = capacity
        self.aliceGain = aliceGain
        self.bobGain = bobGain
        self.fees = fees
        self.unclaimed = unclaimed
    }

    public init(ledger: Ledger<InMemoryLedgerStore>, wallets: PairWallets, capacity: Satoshi) {
        self.capacity = capacity
        var alice: UInt64 = 0, bob: UInt64 = 0, miner: UInt64 = 0
        var unclaimed: [UnspentOutput] = []
        for utxo in ledger.store.allUnspentOutputs() {
            if utxo.condition == wallets.alice {
                alice += utxo.amount.value
            } else if utxo.condition == wallets.bob {
                bob += utxo.amount.value
            } else if utxo.condition == LedgerRules.unspendableMinerCondition {
                miner += utxo.amount.value
            } else {
                unclaimed.append(utxo)
            }
        }
        // The funding change went back to the opener: not channel money.
        aliceGain = wallets.opener == .alice ? alice &- wallets.aliceChange.value : alice
        bobGain = wallets.opener == .bob ? bob &- wallets.aliceChange.value : bob
        fees = miner &- wallets.fundingFee.value
        self.unclaimed = unclaimed
    }

    public var unclaimedTotal: UInt64 { unclaimed.reduce(0) { $0 + $1.amount.value } }

    public func gain(of side: PairSide) -> UInt64 {
        switch side {
        case .alice: aliceGain
        case .bob: bobGain
        }
    }

    /// Every satoshi is in a wallet or paid as fees; a cheater gained nothing.
    public func problems(cheater: PairSide?) -> [String] {
        var problems: [String] = []
        if !unclaimed.isEmpty {
            let kinds = unclaimed.map { "\($0.amount.value) sat \($0.condition.kind)" }
            problems.append("\(unclaimedTotal) sat left unclaimed in channel outputs: \(kinds.joined(separator: ", "))")
        }
        let accounted = aliceGain &+ bobGain &+ fees &+ unclaimedTotal
        if accounted != capacity.value {
            problems.append("wallets \(aliceGain) + \(bobGain) sat, fees \(fees) sat, unclaimed \(unclaimedTotal) sat: \(accounted) sat for a capacity of \(capacity.value) sat")
        }
        if let cheater, gain(of: cheater) != 0 {
            problems.append("the cheater \(cheater) kept \(gain(of: cheater)) sat")
        }
        return problems
    }
}
