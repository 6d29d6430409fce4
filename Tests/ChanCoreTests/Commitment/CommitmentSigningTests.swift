import ChanCore
import ChanCrypto
import ChanLedger
import Testing

@Suite struct CommitmentSigningTests {
    @Test func commitmentCarriesBothFundingSignaturesInKeyOrder() throws {
        let channel = try TestChannel()
        let commitment = try channel.aliceCommitment()
        let signed = try channel.signedAliceCommitment(commitment)

        #expect(WitnessRules.allSatisfied(signed, spending: [channel.fundingOutput]))
        #expect(signed.txid == commitment.txid) // witnesses are not part of the txid
        #expect(signed.outputs == commitment.transaction.outputs)
        guard case .multisig2(let first, _) = channel.fundingOutput.condition,
              case .multisig(let firstSignature, _) = signed.inputs[0].witness else {
            Issue.record("expected a multisig witness")
            return
        }
        #expect(CommitmentSigning.verify(firstSignature, on: signed, inputIndex: 0, by: first))
    }

    @Test func finalizeRefusesWrongOrMissingSignatures() throws {
        let channel = try TestChannel()
        let aliceCommitment = try channel.aliceCommitment().transaction
        let bobCommitment = try channel.bobCommitment().transaction
        let aliceSignature = try CommitmentSigning.sign(aliceCommitment, inputIndex: 0, with: channel.alice.funding)

        #expect(throws: CommitmentError.signatureCount(1)) {
            try CommitmentSigning.finalizeCommitment(aliceCommitment, signatures: [channel.alice.funding.publicKey: aliceSignature])
        }
        // Bob's signature of his own commitment does not sign Alice's.
        let misplaced = try CommitmentSigning.sign(bobCommitment, inputIndex: 0, with: channel.bob.funding)
        #expect(throws: CommitmentError.invalidSignature(channel.bob.funding.publicKey)) {
            try CommitmentSigning.finalizeCommitment(aliceCommitment, signatures: [
                channel.alice.funding.publicKey: aliceSignature, channel.bob.funding.publicKey: misplaced,
            ])
        }
        // A signature by another key under Bob's name.
        let forged = try CommitmentSigning.sign(aliceCommitment, inputIndex: 0, with: channel.bob.htlcBasepointSecret)
        #expect(throws: CommitmentError.invalidSignature(channel.bob.funding.publicKey)) {
            try CommitmentSigning.finalizeCommitment(aliceCommitment, signatures: [
                channel.alice.funding.publicKey: aliceSignature, channel.bob.funding.publicKey: forged,
            ])
        }
        var twoInputs = aliceCommitment
        twoInputs.inputs.append(TxInput(previousOutput: OutPoint(txid: aliceCommitment.txid, index: 0)))
        #expect(throws: CommitmentError.notACommitment(inputCount: 2)) {
            try CommitmentSigning.finalizeCommitment(twoInputs, signatures: [:])
        }
    }

    @Test func signatureCoversEveryOutputAndTheInputIndex() throws {
        let channel = try TestChannel()
        let transaction = try channel.aliceCommitment().transaction
        let key = channel.alice.funding
        let signature = try CommitmentSigning.sign(transaction, inputIndex: 0, with: key)
        #expect(CommitmentSigning.verify(signature, on: transaction, inputIndex: 0, by: key.publicKey))
        #expect(!CommitmentSigning.verify(signature, on: transaction, inputIndex: 1, by: key.publicKey))
        var altered = transaction
        altered.outputs[0].amount = try altered.outputs[0].amount.adding(Satoshi(1))
        #expect(!CommitmentSigning.verify(signature, on: altered, inputIndex: 0, by: key.publicKey))
    }

    /// Bob signs Alice's HTLC transactions with his HTLC key for her commitment (as
    /// `commitment_signed` does); Alice adds hers (and the preimage for success): every
    /// witness satisfies the commitment output it spends, and amounts conserve.
    @Test func htlcTimeoutAndSuccessTransactions() throws {
        let channel = try TestChannel()
        let commitment = try channel.aliceCommitment()
        let signedCommitment = try channel.signedAliceCommitment(commitment)
        let point = commitment.keys.perCommitmentPoint
        let htlcTransactions = HTLCTransactions.build(for: commitment, feeratePerKw: commitment.feeratePerKw, toSelfDelay: channel.aliceToSelfDelay)
        #expect(htlcTransactions.count == 3)
        #expect(htlcTransactions.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.success, .timeout, .timeout])

        let bobKey = try channel.bob.htlcKey(perCommitmentPoint: point)
        let aliceKey = try channel.alice.htlcKey(perCommitmentPoint: point)
        let bobSignatures = try htlcTransactions.map { try CommitmentSigning.sign($0.transaction, inputIndex: 0, with: bobKey) }
        try CommitmentSigning.verifyHTLCSignatures(bobSignatures, for: htlcTransactions, keys: commitment.keys)

        let preimages = [try testPreimage(1), try testPreimage(2), try testPreimage(3)]
        for (htlcTransaction, bobSignature) in zip(htlcTransactions, bobSignatures) {
            let htlc = htlcTransaction.htlc.htlc
            let spent = signedCommitment.outputs[htlcTransaction.htlc.outputIndex]
            let transaction = htlcTransaction.transaction
            let aliceSignature = try CommitmentSigning.sign(transaction, inputIndex: 0, with: aliceKey)
            let final: Transaction
            let fee: Satoshi
            switch htlcTransaction.kind {
            case .timeout:
                final = CommitmentSigning.finalizeHTLCTimeout(htlcTransaction, ownerSignature: aliceSignature, counterpartySignature: bobSignature)
                fee = CommitmentFees.htlcTimeoutFee(feeratePerKw: commitment.feeratePerKw)
                #expect(final.locktime == htlc.cltvExpiry)
                #expect(htlc.direction == .offered)
            case .success:
                let preimage = try #require(preimages.first { $0.hash == htlc.paymentHash })
                final = CommitmentSigning.finalizeHTLCSuccess(
                    htlcTransaction, ownerSignature: aliceSignature, counterpartySignature: bobSignature, preimage: preimage)
                fee = CommitmentFees.htlcSuccessFee(feeratePerKw: commitment.feeratePerKw)
                #expect(final.locktime == 0)
                #expect(htlc.direction == .received)
                guard case .receivedPreimage(_, _, let used) = final.inputs[0].witness else {
                    Issue.record("expected a received-preimage witness")
                    continue
                }
                #expect(used.hash == htlc.paymentHash)
            }
            #expect(final.inputs[0].previousOutput == signedCommitment.outPoint(htlcTransaction.htlc.outputIndex))
            #expect(WitnessRules.allSatisfied(final, spending: [spent]))
            #expect(try final.outputs[0].amount.adding(fee) == spent.amount)
            #expect(final.outputs[0].condition == .toLocal(
                revocationKey: commitment.keys.revocationKey, delayedKey: commitment.keys.ownerDelayedKey, toSelfDelay: channel.aliceToSelfDelay))
            // Swapping the two signatures breaks the witness.
            let swapped: Transaction
            switch htlcTransaction.kind {
            case .timeout:
                swapped = CommitmentSigning.finalizeHTLCTimeout(htlcTransaction, ownerSignature: bobSignature, counterpartySignature: aliceSignature)
            case .success:
                swapped = CommitmentSigning.finalizeHTLCSuccess(
                    htlcTransaction, ownerSignature: bobSignature, counterpartySignature: aliceSignature, preimage: try testPreimage(3))
            }
            #expect(!WitnessRules.allSatisfied(swapped, spending: [spent]))
        }

        #expect(throws: CommitmentError.htlcSignatureCount(expected: 3, actual: 2)) {
            try CommitmentSigning.verifyHTLCSignatures(Array(bobSignatures.prefix(2)), for: htlcTransactions, keys: commitment.keys)
        }
        #expect(throws: CommitmentError.invalidSignature(commitment.keys.counterpartyHTLCKey)) {
            try CommitmentSigning.verifyHTLCSignatures(bobSignatures.reversed(), for: htlcTransactions, keys: commitment.keys)
        }
    }

    @Test func htlcTransactionsAtAHigherFeerateNeverGoNegative() throws {
        let channel = try TestChannel()
        let commitment = try channel.aliceCommitment()
        let transactions = HTLCTransactions.build(for: commitment, feeratePerKw: 1_000_000_000, toSelfDelay: 144)
        #expect(transactions.allSatisfy { $0.transaction.outputs[0].amount == .zero })
    }
}
