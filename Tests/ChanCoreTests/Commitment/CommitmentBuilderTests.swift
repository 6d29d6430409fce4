import ChanCore
import ChanCrypto
import ChanLedger
import Testing

@Suite struct CommitmentKeysTests {
    @Test func deriveMatchesKeyDerivation() throws {
        let channel = try TestChannel()
        let point = try channel.alice.perCommitmentPoint(commitmentNumber: 12)
        let keys = try CommitmentKeys.derive(owner: channel.alice.basepoints, counterparty: channel.bob.basepoints, perCommitmentPoint: point)
        #expect(keys.perCommitmentPoint == point)
        #expect(keys.revocationKey == (try KeyDerivation.revocationPublicKey(revocationBasepoint: channel.bob.basepoints.revocation, perCommitmentPoint: point)))
        #expect(keys.ownerDelayedKey == (try KeyDerivation.publicKey(basepoint: channel.alice.basepoints.delayedPayment, perCommitmentPoint: point)))
        #expect(keys.ownerHTLCKey == (try KeyDerivation.publicKey(basepoint: channel.alice.basepoints.htlc, perCommitmentPoint: point)))
        #expect(keys.counterpartyHTLCKey == (try KeyDerivation.publicKey(basepoint: channel.bob.basepoints.htlc, perCommitmentPoint: point)))
        #expect(keys.counterpartyPaymentKey == channel.bob.basepoints.payment)

        // The private keys each side signs with match.
        #expect(try channel.alice.htlcKey(perCommitmentPoint: point).publicKey == keys.ownerHTLCKey)
        #expect(try channel.bob.htlcKey(perCommitmentPoint: point).publicKey == keys.counterpartyHTLCKey)
        #expect(try channel.alice.delayedPaymentKey(perCommitmentPoint: point).publicKey == keys.ownerDelayedKey)
        #expect(try channel.bob.revocationKey(perCommitmentSecret: channel.alice.perCommitmentSecret(commitmentNumber: 12)).publicKey == keys.revocationKey)
        #expect(channel.bob.paymentBasepointSecret.publicKey == keys.counterpartyPaymentKey)
    }

    @Test func keysChangeWithEveryCommitment() throws {
        let channel = try TestChannel()
        let first = try channel.aliceKeys(commitmentNumber: 0)
        let second = try channel.aliceKeys(commitmentNumber: 1)
        #expect(first.revocationKey != second.revocationKey)
        #expect(first.ownerDelayedKey != second.ownerDelayedKey)
        #expect(first.ownerHTLCKey != second.ownerHTLCKey)
        #expect(first.counterpartyPaymentKey == second.counterpartyPaymentKey) // option_static_remotekey
    }
}

@Suite struct CommitmentBuilderTests {
    /// Alice builds her own commitment from her spec; Bob builds Alice's commitment from his own
    /// view (flipped back) with the point Alice sent: the same transaction, to the txid.
    @Test func bothPartiesBuildTheSameCommitment() throws {
        let channel = try TestChannel()
        let bobView = try channel.aliceSpec().flipped
        for commitmentNumber: UInt64 in [0, 1, 41] {
            let byAlice = try channel.aliceCommitment(commitmentNumber: commitmentNumber)
            let alicePoint = try channel.alice.perCommitmentPoint(commitmentNumber: commitmentNumber)
            let byBob = try CommitmentBuilder.build(
                commitmentNumber: commitmentNumber, fundingOutPoint: channel.fundingOutPoint, fundingAmount: channel.fundingAmount,
                ownerIsOpener: true, spec: bobView.flipped,
                keys: CommitmentKeys.derive(owner: channel.alice.basepoints, counterparty: channel.bob.basepoints,
                                            perCommitmentPoint: alicePoint),
                ownerDustLimit: channel.aliceDustLimit, toSelfDelay: channel.aliceToSelfDelay)
            #expect(byAlice.txid == byBob.txid)
            #expect(byAlice == byBob)
            #expect(HTLCTransactions.build(for: byAlice, feeratePerKw: 2500, toSelfDelay: channel.aliceToSelfDelay)
                    == HTLCTransactions.build(for: byBob, feeratePerKw: 2500, toSelfDelay: channel.aliceToSelfDelay))
        }
    }

    @Test func aliceCommitmentLayout() throws {
        let channel = try TestChannel()
        let spec = try channel.aliceSpec()
        let commitment = try channel.aliceCommitment(spec: spec)
        let outputs = commitment.transaction.outputs

        // The 400 sat HTLC is below 546 + success fee; the three others stay.
        #expect(commitment.trimmedHTLCs == [spec.htlcs[3]])
        #expect(Set(commitment.htlcOutputs.map(\.htlc)) == Set(spec.htlcs[0...2]))
        #expect(outputs.count == 5)
        #expect(commitment.baseFee == CommitmentFees.commitmentFee(feeratePerKw: 2500, untrimmedHTLCCount: 3))
        // Alice opened: the fee comes out of her floored balance; Bob's is only floored.
        let toLocal = try #require(commitment.toLocalOutput)
        let toRemote = try #require(commitment.toRemoteOutput)
        #expect(outputs[toLocal].amount == (try Satoshi(599_599).subtracting(commitment.baseFee)))
        #expect(outputs[toRemote].amount == Satoshi(300_000))
        #expect(outputs[toLocal].condition == commitment.keys.toLocalCondition(toSelfDelay: channel.aliceToSelfDelay))
        #expect(outputs[toRemote].condition == .key(channel.bob.basepoints.payment))
        // HTLC amounts are floored: 20_000_123 msat -> 20_000 sat.
        for htlcOutput in commitment.htlcOutputs {
            #expect(outputs[htlcOutput.outputIndex].amount == htlcOutput.htlc.amount.flooredSatoshi)
            #expect(outputs[htlcOutput.outputIndex].condition == commitment.keys.condition(for: htlcOutput.htlc))
            #expect(commitment.output(of: htlcOutput.htlc) == htlcOutput)
        }
        #expect(commitment.output(of: spec.htlcs[3]) == nil)
        // Amounts conserve: what is not an output is fee (base fee + 400 sat HTLC + 877 + 123 msat).
        #expect(try total(of: outputs.map(\.amount)).adding(commitment.fee) == channel.fundingAmount)
        #expect(commitment.fee == (try commitment.baseFee.adding(Satoshi(401))))
        // Outputs ascend by amount.
        #expect(outputs.map(\.amount) == outputs.map(\.amount).sorted())
        #expect(commitment.transaction.locktime == 0)
    }

    @Test func theNonOpenerOwnerPaysNoFee() throws {
        let channel = try TestChannel()
        let commitment = try channel.bobCommitment()
        let outputs = commitment.transaction.outputs
        // Bob's balance is whole; Alice's (to_remote for Bob) pays the fee.
        #expect(outputs[try #require(commitment.toLocalOutput)].amount == Satoshi(300_000))
        #expect(outputs[try #require(commitment.toRemoteOutput)].amount == (try Satoshi(599_599).subtracting(commitment.baseFee)))
        #expect(outputs[try #require(commitment.toRemoteOutput)].condition == .key(channel.alice.basepoints.payment))
        // Bob's dust limit is 354: the 400 sat HTLC is still trimmed (400 < 354 + timeout fee).
        #expect(commitment.trimmedHTLCs.map(\.amount) == [MilliSatoshi(400_000)])
        #expect(try total(of: outputs.map(\.amount)).adding(commitment.fee) == channel.fundingAmount)
    }

    @Test func sameOutputsDifferOnlyInCLTVAreOrderedByIt() throws {
        let channel = try TestChannel()
        let hash = try testPreimage(5).hash
        let htlcs = [
            CommitmentHTLC(id: 4, direction: .offered, amount: MilliSatoshi(5_000_000), paymentHash: hash, cltvExpiry: 506),
            CommitmentHTLC(id: 7, direction: .offered, amount: MilliSatoshi(5_000_000), paymentHash: hash, cltvExpiry: 505),
            CommitmentHTLC(id: 2, direction: .offered, amount: MilliSatoshi(5_000_000), paymentHash: hash, cltvExpiry: 505),
        ]
        let toLocal = try channel.fundingAmount.msat.subtracting(MilliSatoshi(15_000_000 + 300_000_000))
        let spec = CommitmentSpec(htlcs: htlcs, toLocal: toLocal, toRemote: MilliSatoshi(300_000_000), feeratePerKw: 253)
        let commitment = try channel.aliceCommitment(spec: spec)
        // Identical conditions: CLTV first, then the HTLC id.
        #expect(commitment.htlcOutputs.map(\.htlc.id) == [2, 7, 4])
        #expect(commitment.htlcOutputs.map(\.outputIndex) == [0, 1, 2])
        // The spec's order does not matter.
        let reversed = try channel.aliceCommitment(spec: CommitmentSpec(htlcs: htlcs.reversed(), toLocal: toLocal, toRemote: spec.toRemote, feeratePerKw: 253))
        #expect(reversed.txid == commitment.txid)
        #expect(reversed.htlcOutputs == commitment.htlcOutputs)
    }

    // MARK: bad input

    @Test func specTotalMustEqualFundingAmount() throws {
        let channel = try TestChannel()
        var spec = try channel.aliceSpec()
        spec.toRemote = try spec.toRemote.adding(MilliSatoshi(1))
        #expect(throws: CommitmentError.fundingMismatch(specTotal: MilliSatoshi(1_000_000_001), funding: channel.fundingAmount)) {
            try channel.aliceCommitment(spec: spec)
        }
        spec.toRemote = try spec.toRemote.subtracting(MilliSatoshi(2))
        #expect(throws: CommitmentError.fundingMismatch(specTotal: MilliSatoshi(999_999_999), funding: channel.fundingAmount)) {
            try channel.aliceCommitment(spec: spec)
        }
        spec.toRemote = MilliSatoshi(UInt64.max)
        #expect(throws: CommitmentError.amount(.overflow)) { try channel.aliceCommitment(spec: spec) }
    }

    /// The fee is taken from the opener, whoever owns the commitment; an opener whose balance
    /// cannot pay it is refused by default (BOLT 3's alternative, spending the whole balance,
    /// is the `spendWholeOpenerBalance` policy and is checked with Appendix C).
    @Test func openerWhoCannotPayTheFeeIsRefused() throws {
        let channel = try TestChannel()
        // Alice (the opener) keeps 1000 sat; at 10_000 sat/kw the base fee is 7240 sat.
        let spec = CommitmentSpec(htlcs: [], toLocal: MilliSatoshi(1_000_000), toRemote: MilliSatoshi(999_000_000), feeratePerKw: 10_000)
        let fee = CommitmentFees.commitmentFee(feeratePerKw: 10_000, untrimmedHTLCCount: 0)
        #expect(fee == Satoshi(7240))
        let expected = CommitmentError.openerCannotPayFee(fee: fee, openerBalance: Satoshi(1000))
        #expect(throws: expected) { try channel.aliceCommitment(spec: spec) }
        #expect(throws: expected) { try channel.bobCommitment(spec: spec.flipped) }
        #expect(expected.code == "commitment_fee_unaffordable")

        // With BOLT 3's policy the opener's output is gone and nothing is created.
        let lenient = try CommitmentBuilder.build(
            commitmentNumber: 5, fundingOutPoint: channel.fundingOutPoint, fundingAmount: channel.fundingAmount,
            ownerIsOpener: false, spec: spec.flipped, keys: channel.bobKeys(commitmentNumber: 5),
            ownerDustLimit: channel.bobDustLimit, toSelfDelay: channel.bobToSelfDelay, feeShortfall: .spendWholeOpenerBalance)
        #expect(lenient.toRemoteOutput == nil)
        #expect(lenient.transaction.outputs.map(\.amount) == [Satoshi(999_000)])
        #expect(lenient.fee == Satoshi(1000))

        // Paying the fee exactly is fine; the opener's output is then empty and omitted.
        let exact = CommitmentSpec(htlcs: [], toLocal: MilliSatoshi(7_240_000), toRemote: MilliSatoshi(992_760_000), feeratePerKw: 10_000)
        let commitment = try channel.aliceCommitment(spec: exact)
        #expect(commitment.toLocalOutput == nil)
        #expect(commitment.fee == fee)
    }

    @Test func atMost483HTLCsInEachDirection() throws {
        let channel = try TestChannel()
        let hash = try testPreimage(8).hash
        func spec(offered: Int, received: Int) throws -> CommitmentSpec {
            let each = MilliSatoshi(800_000) // above 546 + either second-stage fee at 253 sat/kw
            let htlcs = (0..<offered).map { CommitmentHTLC(id: UInt64($0), direction: .offered, amount: each, paymentHash: hash, cltvExpiry: 900) }
                + (0..<received).map { CommitmentHTLC(id: UInt64($0), direction: .received, amount: each, paymentHash: hash, cltvExpiry: 900) }
            let toLocal = try MilliSatoshi(500_000_000).subtracting(each.multiplied(by: UInt64(offered)))
            let toRemote = try MilliSatoshi(500_000_000).subtracting(each.multiplied(by: UInt64(received)))
            return CommitmentSpec(htlcs: htlcs, toLocal: toLocal, toRemote: toRemote, feeratePerKw: 253)
        }
        let full = try channel.aliceCommitment(spec: spec(offered: 483, received: 483))
        #expect(full.htlcOutputs.count == 966)
        #expect(throws: CommitmentError.tooManyHTLCs(direction: .offered, count: 484)) {
            try channel.aliceCommitment(spec: spec(offered: 484, received: 0))
        }
        #expect(throws: CommitmentError.tooManyHTLCs(direction: .received, count: 484)) {
            try channel.aliceCommitment(spec: spec(offered: 1, received: 484))
        }
    }

    @Test func errorCodesAreStable() throws {
        let key = try testKey(repeating: 0x01).publicKey
        let errors: [(CommitmentError, String)] = [
            (.fundingMismatch(specTotal: .zero, funding: .zero), "commitment_amount_mismatch"),
            (.openerCannotPayFee(fee: .zero, openerBalance: .zero), "commitment_fee_unaffordable"),
            (.tooManyHTLCs(direction: .offered, count: 484), "too_many_htlcs"),
            (.amount(.overflow), "commitment_amount"),
            (.crypto(.invalidPrivateKey), "commitment_crypto"),
            (.notACommitment(inputCount: 2), "not_a_commitment"),
            (.signatureCount(1), "commitment_signature_count"),
            (.htlcSignatureCount(expected: 2, actual: 1), "htlc_signature_count"),
            (.invalidSignature(key), "invalid_commitment_signature"),
            (.unexpectedCondition(expected: "key", actual: "to_local"), "claim_unexpected_condition"),
            (.wrongKey(expected: key, actual: key), "claim_wrong_key"),
            (.wrongPreimage(try testPreimage(1).hash), "claim_wrong_preimage"),
            (.claimBelowDust(amount: .zero, fee: .zero, dustLimit: Satoshi(354)), "claim_below_dust"),
        ]
        for (error, code) in errors {
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
        }
    }
}
