import ChanCrypto
import ChanLedger
import Testing

/// Every spending path of every condition, valid and invalid (DESIGN.md section 3).
@Suite struct SpendingPathTests {
    let revocation = key(1), delayed = key(2), local = key(3), remote = key(4), other = key(5)
    let hash = preimage(7).hash

    // MARK: key

    @Test func keyPathAcceptsTheKeysSignature() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(local.publicKey))
        let fee = try f.ledger.submit(keySpend(utxo, signer: local))
        #expect(fee == Satoshi(1_000))
    }

    @Test func keyPathRejectsAnotherKey() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(local.publicKey))
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(keySpend(utxo, signer: other)) }
    }

    @Test func keyPathRejectsASignatureOverAnotherTransaction() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(local.publicKey))
        var transaction = keySpend(utxo, signer: local)
        transaction.outputs[0].amount = Satoshi(transaction.outputs[0].amount.value - 1)  // signed amount changed
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(transaction) }
    }

    @Test func unsignedInputIsRefused() throws {
        var f = try Fixture()
        let utxo = try f.fund(.key(local.publicKey))
        let transaction = Transaction(
            inputs: [TxInput(previousOutput: utxo.outPoint)], outputs: [TxOutput(amount: Satoshi(90_000), condition: sinkCondition)])
        #expect(throws: LedgerError.missingWitness(input: 0)) { try f.ledger.check(transaction) }
    }

    // MARK: multisig2

    @Test func multisigNeedsBothKeysInConditionOrder() throws {
        var f = try Fixture()
        let condition = OutputCondition.funding(local.publicKey, remote.publicKey)
        guard case .multisig2(let first, _) = condition else { Issue.record("not multisig"); return }
        let (firstKey, secondKey) = first == local.publicKey ? (local, remote) : (remote, local)
        let utxo = try f.fund(condition)

        let swapped = spend(utxo) { .multisig(sign(secondKey, $0), sign(firstKey, $0)) }
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(swapped) }
        let oneWrong = spend(utxo) { .multisig(sign(firstKey, $0), sign(other, $0)) }
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(oneWrong) }
        let sameTwice = spend(utxo) { .multisig(sign(firstKey, $0), sign(firstKey, $0)) }
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(sameTwice) }

        try f.ledger.submit(spend(utxo) { .multisig(sign(firstKey, $0), sign(secondKey, $0)) })
    }

    @Test func fundingSortsKeys() {
        let a = OutputCondition.funding(local.publicKey, remote.publicKey)
        let b = OutputCondition.funding(remote.publicKey, local.publicKey)
        #expect(a == b)
    }

    // MARK: to_local

    @Test func toLocalRevocationWorksAtOnce() throws {
        var f = try Fixture()
        let utxo = try f.fund(.toLocal(revocationKey: revocation.publicKey, delayedKey: delayed.publicKey, toSelfDelay: 144))
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .revocation(sign(delayed, $0)) })
        }
        try f.ledger.submit(spend(utxo) { .revocation(sign(revocation, $0)) })
    }

    @Test func toLocalDelayedWaitsExactlyToSelfDelay() throws {
        var f = try Fixture()
        let delay: UInt16 = 6
        let utxo = try f.fund(.toLocal(revocationKey: revocation.publicKey, delayedKey: delayed.publicKey, toSelfDelay: delay))
        let spendableAt = utxo.height + UInt32(delay)
        let transaction = spend(utxo) { .delayed(sign(delayed, $0)) }

        // Too early by one block: the next block is spendableAt - 1.
        try f.mine(Int(spendableAt - 1) - Int(try f.nextHeight))
        #expect(try f.nextHeight == spendableAt - 1)
        #expect(throws: LedgerError.csvNotReached(input: 0, spendableAt: spendableAt, nextHeight: spendableAt - 1)) {
            try f.ledger.check(transaction)
        }
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .delayed(sign(revocation, $0)) })
        }

        // Exactly on time.
        try f.mine(1)
        #expect(try f.nextHeight == spendableAt)
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .delayed(sign(revocation, $0)) })
        }
        try f.ledger.submit(transaction)
        try f.mine(1)
        #expect(try f.ledger.lookup(transaction.txid).status == .confirmed(height: spendableAt))
    }

    @Test func toLocalZeroDelaySpendsInTheNextBlock() throws {
        var f = try Fixture()
        let utxo = try f.fund(.toLocal(revocationKey: revocation.publicKey, delayedKey: delayed.publicKey, toSelfDelay: 0))
        try f.ledger.submit(spend(utxo) { .delayed(sign(delayed, $0)) })
    }

    // MARK: offered HTLC

    private var offered: OutputCondition {
        .offeredHTLC(revocationKey: revocation.publicKey, localHTLCKey: local.publicKey, remoteHTLCKey: remote.publicKey, paymentHash: hash)
    }

    @Test func offeredRevocation() throws {
        var f = try Fixture()
        let utxo = try f.fund(offered)
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(spend(utxo) { .revocation(sign(remote, $0)) }) }
        try f.ledger.submit(spend(utxo) { .revocation(sign(revocation, $0)) })
    }

    @Test func offeredPreimagePathNeedsTheRemoteKeyAndTheRightPreimage() throws {
        var f = try Fixture()
        let utxo = try f.fund(offered)
        #expect(throws: LedgerError.wrongPreimage(input: 0)) {
            try f.ledger.check(spend(utxo) { .offeredPreimage(remoteSignature: sign(remote, $0), preimage: preimage(8)) })
        }
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .offeredPreimage(remoteSignature: sign(local, $0), preimage: preimage(7)) })
        }
        try f.ledger.submit(spend(utxo) { .offeredPreimage(remoteSignature: sign(remote, $0), preimage: preimage(7)) })
    }

    @Test func offeredTimeoutNeedsBothKeysAndTheLocktime() throws {
        var f = try Fixture()
        let utxo = try f.fund(offered)
        let expiry = try f.nextHeight + 5
        let timeout = spend(utxo, locktime: expiry) { .offeredTimeout(localSignature: sign(local, $0), remoteSignature: sign(remote, $0)) }

        try f.mine(Int(expiry - 1) - Int(try f.nextHeight))  // next block = expiry - 1: one too early
        #expect(throws: LedgerError.locktimeNotReached(locktime: expiry, nextHeight: expiry - 1)) { try f.ledger.check(timeout) }

        try f.mine(1)  // next block = expiry: exactly on time
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo, locktime: expiry) { .offeredTimeout(localSignature: sign(local, $0), remoteSignature: sign(other, $0)) })
        }
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo, locktime: expiry) { .offeredTimeout(localSignature: sign(remote, $0), remoteSignature: sign(local, $0)) })
        }
        try f.ledger.submit(timeout)
    }

    // MARK: received HTLC

    private func received(expiry: UInt32) -> OutputCondition {
        .receivedHTLC(revocationKey: revocation.publicKey, localHTLCKey: local.publicKey, remoteHTLCKey: remote.publicKey,
                      paymentHash: hash, cltvExpiry: expiry)
    }

    @Test func receivedRevocation() throws {
        var f = try Fixture()
        let utxo = try f.fund(received(expiry: 500))
        #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(spend(utxo) { .revocation(sign(local, $0)) }) }
        try f.ledger.submit(spend(utxo) { .revocation(sign(revocation, $0)) })
    }

    @Test func receivedPreimagePathNeedsBothKeysAndThePreimage() throws {
        var f = try Fixture()
        let utxo = try f.fund(received(expiry: 500))
        #expect(throws: LedgerError.wrongPreimage(input: 0)) {
            try f.ledger.check(spend(utxo) { .receivedPreimage(localSignature: sign(local, $0), remoteSignature: sign(remote, $0), preimage: preimage(9)) })
        }
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .receivedPreimage(localSignature: sign(other, $0), remoteSignature: sign(remote, $0), preimage: preimage(7)) })
        }
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .receivedPreimage(localSignature: sign(local, $0), remoteSignature: sign(other, $0), preimage: preimage(7)) })
        }
        try f.ledger.submit(spend(utxo) { .receivedPreimage(localSignature: sign(local, $0), remoteSignature: sign(remote, $0), preimage: preimage(7)) })
    }

    @Test func receivedTimeoutWaitsForTheExpiry() throws {
        var f = try Fixture()
        let expiry: UInt32 = 8
        let utxo = try f.fund(received(expiry: expiry))
        let refund = spend(utxo) { .receivedTimeout(remoteSignature: sign(remote, $0)) }

        try f.mine(Int(expiry - 1) - Int(try f.nextHeight))
        #expect(try f.nextHeight == expiry - 1)
        #expect(throws: LedgerError.cltvNotReached(input: 0, expiry: expiry, nextHeight: expiry - 1)) { try f.ledger.check(refund) }

        try f.mine(1)
        #expect(throws: LedgerError.invalidSignature(input: 0)) {
            try f.ledger.check(spend(utxo) { .receivedTimeout(remoteSignature: sign(local, $0)) })
        }
        try f.ledger.submit(refund)
    }

    // MARK: every wrong path

    @Test func everyWitnessThatIsNotAPathOfTheConditionIsAMismatch() throws {
        var f = try Fixture()
        let conditions: [OutputCondition] = [
            .key(local.publicKey),
            .funding(local.publicKey, remote.publicKey),
            .toLocal(revocationKey: revocation.publicKey, delayedKey: delayed.publicKey, toSelfDelay: 1),
            offered,
            received(expiry: 1),
        ]
        let signature = try Signature(compact: [UInt8](repeating: 1, count: 64))
        let witnesses: [Witness] = [
            .keySignature(signature), .multisig(signature, signature), .revocation(signature), .delayed(signature),
            .offeredPreimage(remoteSignature: signature, preimage: preimage(7)),
            .offeredTimeout(localSignature: signature, remoteSignature: signature),
            .receivedPreimage(localSignature: signature, remoteSignature: signature, preimage: preimage(7)),
            .receivedTimeout(remoteSignature: signature),
        ]
        let paths: [String: Set<String>] = [
            "key": ["key_signature"],
            "multisig2": ["multisig"],
            "to_local": ["revocation", "delayed"],
            "offered_htlc": ["revocation", "offered_preimage", "offered_timeout"],
            "received_htlc": ["revocation", "received_preimage", "received_timeout"],
        ]
        var mismatches = 0
        for condition in conditions {
            let utxo = try f.fund(condition)
            for witness in witnesses {
                let transaction = spend(utxo) { _ in witness }
                if paths[condition.kind]!.contains(witness.kind) {
                    // The right path with a junk signature: refused for the signature, not the path.
                    #expect(throws: LedgerError.invalidSignature(input: 0)) { try f.ledger.check(transaction) }
                } else {
                    mismatches += 1
                    #expect(throws: LedgerError.witnessMismatch(input: 0, condition: condition.kind, witness: witness.kind)) {
                        try f.ledger.check(transaction)
                    }
                }
            }
        }
        #expect(mismatches == 5 * 8 - 10)
    }

    @Test func eachInputIsCheckedWithItsOwnSighash() throws {
        var f = try Fixture()
        let a = try f.fund(.key(local.publicKey))
        let b = try f.fund(.key(remote.publicKey))
        var transaction = Transaction(
            inputs: [TxInput(previousOutput: a.outPoint), TxInput(previousOutput: b.outPoint)],
            outputs: [TxOutput(amount: Satoshi(199_000), condition: sinkCondition)])
        // Input 1 signed over input 0's digest: refused, so a signature cannot move between inputs.
        let digest0 = transaction.sighash(inputIndex: 0)
        transaction.inputs[0].witness = .keySignature(sign(local, digest0))
        transaction.inputs[1].witness = .keySignature(sign(remote, digest0))
        #expect(throws: LedgerError.invalidSignature(input: 1)) { try f.ledger.check(transaction) }
        transaction.inputs[1].witness = .keySignature(sign(remote, transaction.sighash(inputIndex: 1)))
        #expect(try f.ledger.submit(transaction) == Satoshi(1_000))
    }
}
