import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Alice force-closes with her commitment (or cheats with a revoked one); each side claims
/// what is theirs. Every claim must satisfy the ledger's witness rules and conserve amounts.
@Suite struct ClaimTransactionsTests {
    let channel: TestChannel
    let commitment: CommitmentTransaction
    let signedCommitment: Transaction
    let feerate: UInt32 = 2500

    init() throws {
        channel = try TestChannel()
        commitment = try channel.aliceCommitment(commitmentNumber: 5)
        signedCommitment = try channel.signedAliceCommitment(commitment)
    }

    private func spendable(_ index: Int) -> SpendableOutput {
        SpendableOutput(outPoint: signedCommitment.outPoint(index), output: signedCommitment.outputs[index])
    }

    private func htlcOutput(_ direction: HTLCDirection) throws -> Int {
        try #require(commitment.htlcOutputs.first { $0.htlc.direction == direction }).outputIndex
    }

    private func fee(weight: UInt64) -> Satoshi { Satoshi(UInt64(feerate) * weight / 1000) }

    /// One input, one output: 4 * (4 + 1 + 1 + 1 + 4) + 2 + 4 * 41 + witness + 4 * 43.
    private func singleInputWeight(witness: UInt64) -> UInt64 { 42 + 164 + witness + 172 }

    private func expectConserved(_ claim: Transaction, spending outputs: [TxOutput], fee expectedFee: Satoshi) throws {
        #expect(try total(of: outputs.map(\.amount)) == claim.outputs[0].amount.adding(expectedFee))
        #expect(claim.outputs.count == 1)
        #expect(claim.outputs[0].condition == channel.wallet)
        #expect(claim.outputs[0].amount >= ClaimTransactions.dustLimit)
        #expect(WitnessRules.allSatisfied(claim, spending: outputs))
    }

    @Test func aliceSweepsHerToLocalAfterTheDelay() throws {
        let toLocal = spendable(try #require(commitment.toLocalOutput))
        let delayedKey = try channel.alice.delayedPaymentKey(perCommitmentPoint: commitment.keys.perCommitmentPoint)
        let sweep = try ClaimTransactions.sweepDelayed(outPoint: toLocal.outPoint, output: toLocal.output, delayedKey: delayedKey,
                                                       destination: channel.wallet, feeratePerKw: feerate)
        #expect(sweep.inputs.map(\.previousOutput) == [toLocal.outPoint])
        #expect(sweep.locktime == 0)
        guard case .delayed = sweep.inputs[0].witness else { Issue.record("expected the delayed path"); return }
        try expectConserved(sweep, spending: [toLocal.output], fee: fee(weight: singleInputWeight(witness: 160)))

        // Only the delayed key can: the revocation key is for the penalty, Bob's keys for nothing here.
        #expect(throws: CommitmentError.wrongKey(expected: commitment.keys.ownerDelayedKey, actual: channel.bob.delayedPaymentBasepointSecret.publicKey)) {
            try ClaimTransactions.sweepDelayed(outPoint: toLocal.outPoint, output: toLocal.output, delayedKey: channel.bob.delayedPaymentBasepointSecret,
                                               destination: channel.wallet, feeratePerKw: feerate)
        }
    }

    @Test func aliceSweepsTheOutputOfHerHTLCSuccessTransaction() throws {
        let point = commitment.keys.perCommitmentPoint
        let success = try #require(HTLCTransactions.build(for: commitment, feeratePerKw: feerate, toSelfDelay: channel.aliceToSelfDelay)
            .first { $0.kind == .success })
        let tx = CommitmentSigning.finalizeHTLCSuccess(
            success,
            ownerSignature: try CommitmentSigning.sign(success.transaction, inputIndex: 0, with: channel.alice.htlcKey(perCommitmentPoint: point)),
            counterpartySignature: try CommitmentSigning.sign(success.transaction, inputIndex: 0, with: channel.bob.htlcKey(perCommitmentPoint: point)),
            preimage: try testPreimage(3))
        let sweep = try ClaimTransactions.sweepDelayed(
            outPoint: tx.outPoint(0), output: tx.outputs[0], delayedKey: channel.alice.delayedPaymentKey(perCommitmentPoint: point),
            destination: channel.wallet, feeratePerKw: feerate)
        try expectConserved(sweep, spending: [tx.outputs[0]], fee: fee(weight: singleInputWeight(witness: 160)))
    }

    @Test func bobClaimsWhatAliceOfferedHimWithThePreimage() throws {
        let index = try htlcOutput(.offered)
        let output = signedCommitment.outputs[index]
        let htlc = try #require(commitment.htlcOutputs.first { $0.outputIndex == index }).htlc
        let preimage = try #require([try testPreimage(1), try testPreimage(2)].first { $0.hash == htlc.paymentHash })
        let bobKey = try channel.bob.htlcKey(perCommitmentPoint: commitment.keys.perCommitmentPoint)

        let claim = try ClaimTransactions.claimOfferedHTLCWithPreimage(
            outPoint: signedCommitment.outPoint(index), output: output, htlcKey: bobKey, preimage: preimage,
            destination: channel.wallet, feeratePerKw: feerate)
        #expect(claim.locktime == 0)
        try expectConserved(claim, spending: [output], fee: fee(weight: singleInputWeight(witness: 242)))

        #expect(throws: CommitmentError.wrongPreimage(htlc.paymentHash)) {
            try ClaimTransactions.claimOfferedHTLCWithPreimage(
                outPoint: signedCommitment.outPoint(index), output: output, htlcKey: bobKey, preimage: try testPreimage(9),
                destination: channel.wallet, feeratePerKw: feerate)
        }
        // Alice's own HTLC key is the condition's local key: it only signs the HTLC-timeout.
        let aliceKey = try channel.alice.htlcKey(perCommitmentPoint: commitment.keys.perCommitmentPoint)
        #expect(throws: CommitmentError.wrongKey(expected: bobKey.publicKey, actual: aliceKey.publicKey)) {
            try ClaimTransactions.claimOfferedHTLCWithPreimage(
                outPoint: signedCommitment.outPoint(index), output: output, htlcKey: aliceKey, preimage: preimage,
                destination: channel.wallet, feeratePerKw: feerate)
        }
    }

    @Test func bobTakesBackWhatHeOfferedAfterItsExpiry() throws {
        let index = try htlcOutput(.received)
        let output = signedCommitment.outputs[index]
        let htlc = try #require(commitment.htlcOutputs.first { $0.outputIndex == index }).htlc
        let claim = try ClaimTransactions.claimReceivedHTLCAfterTimeout(
            outPoint: signedCommitment.outPoint(index), output: output,
            htlcKey: channel.bob.htlcKey(perCommitmentPoint: commitment.keys.perCommitmentPoint),
            destination: channel.wallet, feeratePerKw: feerate)
        #expect(claim.locktime == htlc.cltvExpiry)
        guard case .receivedTimeout = claim.inputs[0].witness else { Issue.record("expected the timeout path"); return }
        try expectConserved(claim, spending: [output], fee: fee(weight: singleInputWeight(witness: 216)))
    }

    @Test func bobSweepsHisToRemote() throws {
        let toRemote = spendable(try #require(commitment.toRemoteOutput))
        let sweep = try ClaimTransactions.sweepKey(outPoint: toRemote.outPoint, output: toRemote.output, key: channel.bob.paymentBasepointSecret,
                                                   destination: channel.wallet, feeratePerKw: feerate)
        try expectConserved(sweep, spending: [toRemote.output], fee: fee(weight: singleInputWeight(witness: 109)))
    }

    @Test func claimsCheckTheCondition() throws {
        let toRemote = spendable(try #require(commitment.toRemoteOutput))
        let toLocal = spendable(try #require(commitment.toLocalOutput))
        let key = channel.bob.paymentBasepointSecret
        #expect(throws: CommitmentError.unexpectedCondition(expected: "to_local", actual: "key")) {
            try ClaimTransactions.sweepDelayed(outPoint: toRemote.outPoint, output: toRemote.output, delayedKey: key, destination: channel.wallet, feeratePerKw: feerate)
        }
        #expect(throws: CommitmentError.unexpectedCondition(expected: "key", actual: "to_local")) {
            try ClaimTransactions.sweepKey(outPoint: toLocal.outPoint, output: toLocal.output, key: key, destination: channel.wallet, feeratePerKw: feerate)
        }
        #expect(throws: CommitmentError.unexpectedCondition(expected: "offered_htlc", actual: "received_htlc")) {
            let index = try htlcOutput(.received)
            return try ClaimTransactions.claimOfferedHTLCWithPreimage(
                outPoint: signedCommitment.outPoint(index), output: signedCommitment.outputs[index], htlcKey: key,
                preimage: try testPreimage(3), destination: channel.wallet, feeratePerKw: feerate)
        }
        #expect(throws: CommitmentError.unexpectedCondition(expected: "received_htlc", actual: "offered_htlc")) {
            let index = try htlcOutput(.offered)
            return try ClaimTransactions.claimReceivedHTLCAfterTimeout(
                outPoint: signedCommitment.outPoint(index), output: signedCommitment.outputs[index], htlcKey: key,
                destination: channel.wallet, feeratePerKw: feerate)
        }
    }

    /// A claim must leave at least the 354 sat dust limit after its fee.
    @Test func claimsRefuseToPayOutDust() throws {
        let key = try testKey(repeating: 0x42)
        let claimFee = fee(weight: singleInputWeight(witness: 109))
        let outPoint = signedCommitment.outPoint(0)
        let enough = try claimFee.adding(Satoshi(354))
        let sweep = try ClaimTransactions.sweepKey(outPoint: outPoint, output: TxOutput(amount: enough, condition: .key(key.publicKey)),
                                                   key: key, destination: channel.wallet, feeratePerKw: feerate)
        #expect(sweep.outputs[0].amount == Satoshi(354))
        let short = try enough.subtracting(Satoshi(1))
        #expect(throws: CommitmentError.claimBelowDust(amount: short, fee: claimFee, dustLimit: Satoshi(354))) {
            try ClaimTransactions.sweepKey(outPoint: outPoint, output: TxOutput(amount: short, condition: .key(key.publicKey)),
                                           key: key, destination: channel.wallet, feeratePerKw: feerate)
        }
    }

    @Test func penaltyTotalsAreChecked() throws {
        let revocationKey = try testKey(repeating: 0x43)
        let condition = OutputCondition.toLocal(revocationKey: revocationKey.publicKey, delayedKey: revocationKey.publicKey, toSelfDelay: 1)
        let half = Satoshi(UInt64.max / 2 + 1)
        let huge = Transaction(inputs: [], outputs: [TxOutput(amount: half, condition: condition), TxOutput(amount: half, condition: condition)])
        #expect(throws: CommitmentError.amount(.overflow)) {
            try ClaimTransactions.penalty(spending: huge, revocationKey: revocationKey, destination: channel.wallet, feeratePerKw: feerate)
        }
    }

    // MARK: penalties

    /// Alice revoked commitment 5 (revealing its secret) and then broadcast it: Bob derives the
    /// revocation key and takes to_local and every HTLC output in one transaction.
    @Test func penaltyTakesEveryRevocableOutput() throws {
        let secret = channel.alice.perCommitmentSecret(commitmentNumber: 5)
        let revocationKey = try channel.bob.revocationKey(perCommitmentSecret: secret)
        #expect(revocationKey.publicKey == commitment.keys.revocationKey)
        // The same key, derived as BOLT 3 writes it.
        #expect(revocationKey == (try KeyDerivation.revocationPrivateKey(
            revocationBasepointSecret: channel.bob.revocationBasepointSecret, perCommitmentSecret: PrivateKey(secretBytes: secret))))

        let penalty = try #require(try ClaimTransactions.penalty(spending: signedCommitment, revocationKey: revocationKey,
                                                                 destination: channel.wallet, feeratePerKw: feerate))
        let revocable = signedCommitment.outputs.indices.filter { $0 != commitment.toRemoteOutput }
        #expect(revocable.count == 1 + commitment.htlcOutputs.count)
        #expect(penalty.inputs.map(\.previousOutput) == revocable.map { signedCommitment.outPoint($0) })
        #expect(penalty.inputs.allSatisfy { if case .revocation = $0.witness { true } else { false } })
        // to_local 160, two offered HTLCs 243 each, one received 249; one-byte input count.
        let weight: UInt64 = 38 + 4 + 4 * 164 + 160 + 243 + 243 + 249 + 172
        #expect(ClaimWeights.transaction(witnessWeights: [160, 243, 243, 249]) == weight)
        try expectConserved(penalty, spending: revocable.map { signedCommitment.outputs[$0] }, fee: fee(weight: weight))
    }

    @Test func penaltyNeedsTheRightRevocationKey() throws {
        // The secret of another commitment, and Alice's own revocation basepoint, take nothing.
        let otherSecret = channel.alice.perCommitmentSecret(commitmentNumber: 4)
        let wrongKeys = [
            try channel.bob.revocationKey(perCommitmentSecret: otherSecret),
            try channel.alice.revocationKey(perCommitmentSecret: channel.alice.perCommitmentSecret(commitmentNumber: 5)),
        ]
        for key in wrongKeys {
            #expect(try ClaimTransactions.penalty(spending: signedCommitment, revocationKey: key, destination: channel.wallet, feeratePerKw: feerate) == nil)
        }
        // Nothing left once the fee takes it all.
        let revocationKey = try channel.bob.revocationKey(perCommitmentSecret: channel.alice.perCommitmentSecret(commitmentNumber: 5))
        #expect(try ClaimTransactions.penalty(spending: signedCommitment, revocationKey: revocationKey, destination: channel.wallet,
                                              feeratePerKw: 1_000_000) == nil)
    }

    /// Alice broadcast the revoked commitment and her HTLC-timeout on it: Bob takes the
    /// second-stage output with the same revocation key, alone or with what is left of the
    /// commitment.
    @Test func penaltyOnSecondStageOutputs() throws {
        let point = commitment.keys.perCommitmentPoint
        let timeout = try #require(HTLCTransactions.build(for: commitment, feeratePerKw: feerate, toSelfDelay: channel.aliceToSelfDelay)
            .first { $0.kind == .timeout })
        let published = CommitmentSigning.finalizeHTLCTimeout(
            timeout,
            ownerSignature: try CommitmentSigning.sign(timeout.transaction, inputIndex: 0, with: channel.alice.htlcKey(perCommitmentPoint: point)),
            counterpartySignature: try CommitmentSigning.sign(timeout.transaction, inputIndex: 0, with: channel.bob.htlcKey(perCommitmentPoint: point)))
        let revocationKey = try channel.bob.revocationKey(perCommitmentSecret: channel.alice.perCommitmentSecret(commitmentNumber: 5))

        let alone = try #require(try ClaimTransactions.penalty(spending: published, revocationKey: revocationKey,
                                                               destination: channel.wallet, feeratePerKw: feerate))
        #expect(alone.inputs.map(\.previousOutput) == [published.outPoint(0)])
        try expectConserved(alone, spending: published.outputs, fee: fee(weight: 38 + 4 + 164 + 160 + 172))

        // The commitment's outputs except the one the HTLC-timeout spent, plus its output.
        let remaining = SpendableOutput.all(of: signedCommitment).filter { $0.outPoint != published.inputs[0].previousOutput }
        let candidates = remaining + SpendableOutput.all(of: published)
        let combined = try #require(try ClaimTransactions.penalty(spending: candidates, revocationKey: revocationKey,
                                                                  destination: channel.wallet, feeratePerKw: feerate))
        let taken = candidates.filter { $0.output.condition != commitment.keys.toRemoteCondition }
        #expect(combined.inputs.map(\.previousOutput) == taken.map(\.outPoint))
        #expect(combined.inputs.count == commitment.htlcOutputs.count + 1)
        let weight = ClaimWeights.transaction(witnessWeights: taken.map { spendable -> UInt64 in
            switch spendable.output.condition {
            case .toLocal: 160
            case .offeredHTLC: 243
            case .receivedHTLC: 249
            case .key, .multisig2: 0
            }
        })
        try expectConserved(combined, spending: taken.map(\.output), fee: fee(weight: weight))
    }

    @Test func claimWeightsCountTheInputs() {
        #expect(ClaimWeights.transaction(witnessWeights: [160]) == 538)
        #expect(ClaimWeights.transaction(witnessWeights: Array(repeating: 160, count: 252)) == 38 + 4 + 252 * 324 + 172)
        #expect(ClaimWeights.transaction(witnessWeights: Array(repeating: 160, count: 253)) == 38 + 12 + 253 * 324 + 172)
    }
}
