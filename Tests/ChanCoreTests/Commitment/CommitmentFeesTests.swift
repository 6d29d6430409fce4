import ChanCore
import ChanCrypto
import ChanLedger
import Testing

@Suite struct CommitmentFeesTests {
    @Test func weightsAreBOLT3s() {
        #expect(CommitmentFees.commitmentBaseWeight == 724)
        #expect(CommitmentFees.htlcOutputWeight == 172)
        #expect(CommitmentFees.htlcTimeoutWeight == 663)
        #expect(CommitmentFees.htlcSuccessWeight == 703)
    }

    @Test func feesRoundDown() {
        #expect(CommitmentFees.commitmentFee(feeratePerKw: 15000, untrimmedHTLCCount: 0) == Satoshi(10860))
        #expect(CommitmentFees.commitmentFee(feeratePerKw: 253, untrimmedHTLCCount: 3) == Satoshi(313)) // 313.72
        #expect(CommitmentFees.htlcTimeoutFee(feeratePerKw: 647) == Satoshi(428)) // 428.961
        #expect(CommitmentFees.htlcSuccessFee(feeratePerKw: 647) == Satoshi(454)) // 454.841
        #expect(CommitmentFees.htlcTimeoutFee(feeratePerKw: 0) == .zero)
    }

    @Test func extremeInputsNeitherWrapNorTrap() {
        let maxFeerate = UInt32.max
        #expect(CommitmentFees.htlcSuccessFee(feeratePerKw: maxFeerate) == Satoshi(UInt64(maxFeerate) * 703 / 1000))
        #expect(CommitmentFees.commitmentFee(feeratePerKw: maxFeerate, untrimmedHTLCCount: Int.max) == Satoshi(UInt64.max))
        #expect(CommitmentFees.commitmentFee(feeratePerKw: 1000, untrimmedHTLCCount: -5) == Satoshi(724))
    }

    /// BOLT 3 "Fee Calculation", the worked example: feerate 5000, dust limit 546, offered HTLCs
    /// of 5000 and 1000 sat, received HTLCs of 7000 and 800 sat.
    @Test func bolt3FeeExample() throws {
        let htlcs = [
            CommitmentHTLC(id: 0, direction: .offered, amount: MilliSatoshi(5_000_000), paymentHash: try testPreimage(1).hash, cltvExpiry: 100),
            CommitmentHTLC(id: 1, direction: .offered, amount: MilliSatoshi(1_000_000), paymentHash: try testPreimage(2).hash, cltvExpiry: 100),
            CommitmentHTLC(id: 0, direction: .received, amount: MilliSatoshi(7_000_000), paymentHash: try testPreimage(3).hash, cltvExpiry: 100),
            CommitmentHTLC(id: 1, direction: .received, amount: MilliSatoshi(800_000), paymentHash: try testPreimage(4).hash, cltvExpiry: 100),
        ]
        #expect(CommitmentFees.htlcTimeoutFee(feeratePerKw: 5000) == Satoshi(3315))
        #expect(CommitmentFees.htlcSuccessFee(feeratePerKw: 5000) == Satoshi(3515))
        let spec = CommitmentSpec(htlcs: htlcs, toLocal: MilliSatoshi(500_000_000), toRemote: MilliSatoshi(486_200_000), feeratePerKw: 5000)
        let untrimmed = CommitmentFees.untrimmedHTLCs(spec, dustLimit: Satoshi(546))
        #expect(untrimmed == [htlcs[0], htlcs[2]])
        #expect(CommitmentFees.commitmentFee(feeratePerKw: 5000, untrimmedHTLCCount: untrimmed.count) == Satoshi(5340))

        let channel = try TestChannel()
        let commitment = try CommitmentBuilder.build(
            commitmentNumber: 1, fundingOutPoint: channel.fundingOutPoint, fundingAmount: channel.fundingAmount,
            ownerIsOpener: true, spec: spec, keys: channel.aliceKeys(commitmentNumber: 1),
            ownerDustLimit: Satoshi(546), toSelfDelay: 144)
        #expect(commitment.baseFee == Satoshi(5340))
        #expect(commitment.fee == Satoshi(7140))
    }

    /// An offered HTLC is trimmed below dust + HTLC-timeout fee, a received one below dust +
    /// HTLC-success fee, both in whole satoshis: exactly at the boundary it stays, one msat
    /// below it goes, on the commitment too.
    @Test(arguments: [HTLCDirection.offered, .received])
    func trimmingBoundary(direction: HTLCDirection) throws {
        let dustLimit = Satoshi(546)
        let feerate: UInt32 = 2500
        let secondStageFee: Satoshi
        switch direction {
        case .offered: secondStageFee = CommitmentFees.htlcTimeoutFee(feeratePerKw: feerate)
        case .received: secondStageFee = CommitmentFees.htlcSuccessFee(feeratePerKw: feerate)
        }
        #expect(secondStageFee == Satoshi(direction == .offered ? 1657 : 1757))
        let boundary = try dustLimit.adding(secondStageFee).msat
        let oneBelow = try boundary.subtracting(MilliSatoshi(1))

        func htlc(_ amount: MilliSatoshi) throws -> CommitmentHTLC {
            CommitmentHTLC(id: 9, direction: direction, amount: amount, paymentHash: try testPreimage(9).hash, cltvExpiry: 700)
        }
        #expect(!CommitmentFees.isTrimmed(try htlc(boundary), dustLimit: dustLimit, feeratePerKw: feerate))
        #expect(CommitmentFees.isTrimmed(try htlc(oneBelow), dustLimit: dustLimit, feeratePerKw: feerate))
        // The other direction's fee decides nothing: a received HTLC at the timeout boundary is trimmed.
        #expect(CommitmentFees.isTrimmed(try htlc(boundary).flipped, dustLimit: dustLimit, feeratePerKw: feerate) == (direction == .offered))

        let channel = try TestChannel()
        for (amount, expectTrimmed) in [(boundary, false), (oneBelow, true)] {
            let capacity = try channel.fundingAmount.msat
            let toRemote = MilliSatoshi(300_000_000)
            let toLocal = try capacity.subtracting(toRemote).subtracting(amount)
            let spec = CommitmentSpec(htlcs: [try htlc(amount)], toLocal: toLocal, toRemote: toRemote, feeratePerKw: feerate)
            let commitment = try CommitmentBuilder.build(
                commitmentNumber: 3, fundingOutPoint: channel.fundingOutPoint, fundingAmount: channel.fundingAmount,
                ownerIsOpener: true, spec: spec, keys: channel.aliceKeys(commitmentNumber: 3),
                ownerDustLimit: dustLimit, toSelfDelay: 144)
            #expect(commitment.trimmedHTLCs.count == (expectTrimmed ? 1 : 0))
            #expect(commitment.htlcOutputs.count == (expectTrimmed ? 0 : 1))
            #expect(commitment.transaction.outputs.count == (expectTrimmed ? 2 : 3))
            #expect(commitment.baseFee == CommitmentFees.commitmentFee(feeratePerKw: feerate, untrimmedHTLCCount: expectTrimmed ? 0 : 1))
            if let output = commitment.htlcOutputs.first {
                // At the boundary the second-stage output is exactly the dust limit.
                let htlcTransaction = try #require(HTLCTransactions.build(for: commitment, feeratePerKw: feerate, toSelfDelay: 144).first)
                #expect(commitment.transaction.outputs[output.outputIndex].amount == amount.flooredSatoshi)
                #expect(htlcTransaction.transaction.outputs[0].amount == dustLimit)
            }
        }
    }

    /// With a zero dust limit and feerate, BOLT 3 would keep any HTLC; the ledger has no empty
    /// outputs, so an HTLC worth less than one satoshi is trimmed, and so is an empty balance.
    @Test func nothingBelowOneSatoshiGetsAnOutput() throws {
        func htlc(_ msat: UInt64) throws -> CommitmentHTLC {
            CommitmentHTLC(id: 1, direction: .received, amount: MilliSatoshi(msat), paymentHash: try testPreimage(1).hash, cltvExpiry: 10)
        }
        #expect(CommitmentFees.isTrimmed(try htlc(999), dustLimit: .zero, feeratePerKw: 0))
        #expect(!CommitmentFees.isTrimmed(try htlc(1000), dustLimit: .zero, feeratePerKw: 0))

        let channel = try TestChannel()
        let spec = CommitmentSpec(htlcs: [try htlc(999)], toLocal: .zero, toRemote: MilliSatoshi(999_999_999_001), feeratePerKw: 0)
        let commitment = try CommitmentBuilder.build(
            commitmentNumber: 0, fundingOutPoint: channel.fundingOutPoint, fundingAmount: Satoshi(1_000_000_000),
            ownerIsOpener: false, spec: spec, keys: channel.bobKeys(commitmentNumber: 0), ownerDustLimit: .zero, toSelfDelay: 6)
        #expect(commitment.transaction.outputs.map(\.amount) == [Satoshi(999_999_999)])
        #expect(commitment.toLocalOutput == nil)
        #expect(commitment.trimmedHTLCs.count == 1)
        #expect(commitment.fee == Satoshi(1))
    }

    @Test func toLocalAndToRemoteAtTheDustLimit() throws {
        let channel = try TestChannel()
        let dustLimit = Satoshi(546)
        let capacity = try channel.fundingAmount.msat
        // Not the opener: the owner's to_local is its balance floored, kept at exactly the dust limit.
        for (toLocalMsat, kept) in [(UInt64(546_000), true), (UInt64(545_999), false)] {
            let spec = CommitmentSpec(htlcs: [], toLocal: MilliSatoshi(toLocalMsat),
                                      toRemote: try capacity.subtracting(MilliSatoshi(toLocalMsat)), feeratePerKw: 1000)
            let commitment = try CommitmentBuilder.build(
                commitmentNumber: 0, fundingOutPoint: channel.fundingOutPoint, fundingAmount: channel.fundingAmount,
                ownerIsOpener: false, spec: spec, keys: channel.bobKeys(commitmentNumber: 0),
                ownerDustLimit: dustLimit, toSelfDelay: 144)
            #expect((commitment.toLocalOutput != nil) == kept)
            #expect(commitment.toRemoteOutput != nil)
            #expect(try total(of: commitment.transaction.outputs.map(\.amount)).adding(commitment.fee) == channel.fundingAmount)
        }
    }
}
