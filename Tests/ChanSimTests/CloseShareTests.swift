@testable import ChanSim // the harness's ledger, to move a sat between wallets
import ChanCore
import ChanLedger
import Testing

/// After every kind of close, each side's wallet gain is its final balance less the fees it
/// paid (`CloseShare`), and a sat moved from one wallet to the other, which leaves every sum
/// intact, is reported for both sides.
@Suite struct CloseShareTests {
    enum Ending: CaseIterable, Sendable {
        case mutualClose, forceCloseByAlice, forceCloseByBob, breachByAlice, breachByBob
    }

    /// The standard pair with HTLCs pending both ways (a trimmed one among them), closed as
    /// `ending` says; in force closes, one HTLC each way is claimed with its preimage.
    static func closed(_ ending: Ending, opener: PairSide = .alice) throws -> ChannelPairHarness {
        let cheater: PairSide? = switch ending {
        case .breachByAlice: .alice
        case .breachByBob: .bob
        default: nil
        }
        var configuration = PairConfiguration.standard(keySeed: 4, cheater: cheater)
        configuration.opener = opener
        var harness = try ChannelPairHarness(configuration: configuration)
        harness.mustAdd(from: .alice, sat: 60_000)
        harness.mustAdd(from: .bob, sat: 30_000)
        harness.mustSettle()
        harness.fulfilEverything() // a revoked commitment with HTLCs for the breaches
        harness.mustAdd(from: .alice, sat: 40_000, expiryDelta: 60)
        harness.mustAdd(from: .alice, sat: 900, expiryDelta: 60)
        harness.mustAdd(from: .bob, sat: 25_000, expiryDelta: 70)
        harness.mustAdd(from: .bob, sat: 15_000, expiryDelta: 70)
        harness.mustSettle()
        switch ending {
        case .mutualClose:
            harness.must(.bob, .close)
            harness.fulfilEverything()
            harness.deliverAll()
            harness.mineUntilClosed(maxBlocks: 10)
        case .forceCloseByAlice, .forceCloseByBob:
            harness.forceClose(ending == .forceCloseByAlice ? .alice : .bob)
            harness.disconnect()
            let claimed = Set(harness.payments.pending.values.filter { [40_000_000, 25_000_000].contains($0.amount.value) }.map(\.paymentHash))
            harness.mineUntilClosed(maxBlocks: 300) { claimed.contains($0.paymentHash) }
        case .breachByAlice, .breachByBob:
            let number = try #require(harness.breachableCommitmentNumbers.last)
            harness.breach(with: number)
            harness.mineUntilClosed(maxBlocks: 100)
        }
        harness.checkFundsAfterClose()
        expectNoViolations(harness, "\(ending)")
        return harness
    }

    @Test(arguments: Ending.allCases, [PairSide.alice, .bob])
    func eachWalletGetsItsBalanceLessItsFees(ending: Ending, opener: PairSide) throws {
        let harness = try Self.closed(ending, opener: opener)
        let shares = try harness.closeShares.get()
        for share in shares {
            #expect(share.problems.isEmpty, "\(share)")
            #expect(1000 * Int64(share.gain) == share.expectedGainMsat, "\(share)")
        }
        let alice = shares[0], bob = shares[1]
        let payer = shares[opener.rawValue], other = shares[opener.other.rawValue]
        switch ending {
        case .mutualClose:
            // Only the opener pays the closing fee; the other loses at most the msat of its balance.
            #expect(payer.closeFeeMsat >= 1000 && other.closeFeeMsat < 1000, "\(shares)")
            #expect(alice.claimFees == 0 && bob.claimFees == 0)
        case .forceCloseByAlice, .forceCloseByBob:
            // Both sides swept or claimed something on chain, each paying for its own claims.
            #expect(alice.claimFees > 0 && bob.claimFees > 0, "\(shares)")
            // The opener pays the base fee (over 1,800 sat at 2,500 per kw); the other side
            // loses only alice's trimmed 900-sat HTLC if it is bob's, and msat.
            #expect(payer.closeFeeMsat > 1000 * 1800, "\(shares)")
            #expect(other.closeFeeMsat < 1000 * 1000, "\(shares)")
        case .breachByAlice, .breachByBob:
            let cheater = ending == .breachByAlice ? alice : bob, honest = ending == .breachByAlice ? bob : alice
            #expect(cheater.gain == 0 && cheater.finalBalanceMsat == 0)
            #expect(honest.finalBalanceMsat == 1_000_000_000 && honest.claimFees > 0, "\(shares)")
        }
    }

    /// 1 sat moved from bob's wallet to alice's on the ledger: the capacity still adds up, so
    /// only the per-side check sees it, for both sides.
    @Test(arguments: Ending.allCases, [PairSide.alice, .bob])
    func aSatMovedBetweenWalletsIsReportedForBothSides(ending: Ending, opener: PairSide) throws {
        var harness = try Self.closed(ending, opener: opener)
        let from: PairSide = harness.closedChannelFunds.bobGain > 0 ? .bob : .alice
        try harness.moveOneSat(from: from)
        harness.checkFundsAfterClose()
        let messages = harness.violations.messages
        #expect(!messages.contains { $0.hasPrefix("funds: wallets") }, "the sums still hold: \(messages)")
        #expect(messages.contains { $0.hasPrefix("shares: \(from)'s wallet gained") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("shares: \(from.other)'s wallet gained") }, "\(messages)")
    }

    @Test func aGainShortBy1SatIsReported() {
        let share = CloseShare(side: .bob, finalBalanceMsat: 100_000_500, closeFeeMsat: 500, claimFees: 300, gain: 99_699)
        #expect(share.problems == ["bob's wallet gained 99699 sat; its final balance of 100000500 msat, less 500 msat of closing fee and 300 sat of claim fees, is 99700000 msat"])
        let exact = CloseShare(side: .bob, finalBalanceMsat: 100_000_500, closeFeeMsat: 500, claimFees: 300, gain: 99_700)
        #expect(exact.problems.isEmpty)
    }

    /// The funding output still unspent: no share can be worked out, and the close check says why.
    @Test func noCloseNoShares() throws {
        let harness = try ChannelPairHarness.standard()
        #expect(throws: CloseShareError.self) { try harness.closeShares.get() }
    }
}

extension ChannelPairHarness {
    /// Takes 1 sat from one of `side`'s wallet outputs and gives it to one of the other's (a
    /// new output if it has none): the UTXO set's total stays the same.
    mutating func moveOneSat(from side: PairSide) throws {
        let source = try #require(ledger.store.unspentOutputs(paying: [wallets.condition(of: side)]).first { $0.amount.value > 1 })
        try ledger.store.removeUnspentOutput(source.outPoint)
        try ledger.store.insertUnspentOutput(UnspentOutput(
            outPoint: source.outPoint, output: TxOutput(amount: Satoshi(source.amount.value - 1), condition: source.condition),
            height: source.height))
        let target = wallets.condition(of: side.other)
        if let existing = ledger.store.unspentOutputs(paying: [target]).first {
            try ledger.store.removeUnspentOutput(existing.outPoint)
            try ledger.store.insertUnspentOutput(UnspentOutput(
                outPoint: existing.outPoint, output: TxOutput(amount: Satoshi(existing.amount.value + 1), condition: target),
                height: existing.height))
        } else {
            try ledger.store.insertUnspentOutput(UnspentOutput(
                outPoint: OutPoint(txid: source.outPoint.txid, index: 99), output: TxOutput(amount: Satoshi(1), condition: target),
                height: source.height))
        }
    }
}
