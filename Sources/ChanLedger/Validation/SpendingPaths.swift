import ChanCrypto

/// Whether an input's witness satisfies the condition of the output it spends: the right
/// spending path, signatures by the right keys over `sighash(inputIndex:)`, the preimage of
/// the payment hash, and the path's timelock at `nextHeight`. Each path is spelled out in the
/// doc comments of `OutputCondition` and `Witness`.
enum SpendingPaths {
    static func check(
        _ transaction: Transaction, inputIndex index: Int, spending utxo: UnspentOutput, nextHeight: UInt32
    ) throws(LedgerError) {
        guard let witness = transaction.inputs[index].witness else { throw .missingWitness(input: index) }
        let digest = transaction.sighash(inputIndex: index)
        func require(_ key: PublicKey, signed signature: Signature) throws(LedgerError) {
            guard key.verify(signature, digest: digest) else { throw .invalidSignature(input: index) }
        }
        func require(_ preimage: Preimage, hashesTo hash: PaymentHash) throws(LedgerError) {
            guard preimage.hash == hash else { throw .wrongPreimage(input: index) }
        }
        let mismatch = LedgerError.witnessMismatch(input: index, condition: utxo.condition.kind, witness: witness.kind)

        switch utxo.condition {
        case .key(let key):
            switch witness {
            case .keySignature(let signature):
                try require(key, signed: signature)
            case .multisig, .revocation, .delayed, .offeredPreimage, .offeredTimeout, .receivedPreimage, .receivedTimeout:
                throw mismatch
            }

        case .multisig2(let first, let second):
            switch witness {
            case .multisig(let firstSignature, let secondSignature):
                try require(first, signed: firstSignature)
                try require(second, signed: secondSignature)
            case .keySignature, .revocation, .delayed, .offeredPreimage, .offeredTimeout, .receivedPreimage, .receivedTimeout:
                throw mismatch
            }

        case .toLocal(let revocationKey, let delayedKey, let toSelfDelay):
            switch witness {
            case .revocation(let signature):
                try require(revocationKey, signed: signature)
            case .delayed(let signature):
                try require(delayedKey, signed: signature)
                // CSV: spendable in the block `toSelfDelay` after the one that confirmed it.
                let spendableAt = UInt64(utxo.height) + UInt64(toSelfDelay)
                guard UInt64(nextHeight) >= spendableAt else {
                    throw .csvNotReached(input: index, spendableAt: UInt32(clamping: spendableAt), nextHeight: nextHeight)
                }
            case .keySignature, .multisig, .offeredPreimage, .offeredTimeout, .receivedPreimage, .receivedTimeout:
                throw mismatch
            }

        case .offeredHTLC(let revocationKey, let localKey, let remoteKey, let paymentHash):
            switch witness {
            case .revocation(let signature):
                try require(revocationKey, signed: signature)
            case .offeredPreimage(let remoteSignature, let preimage):
                try require(preimage, hashesTo: paymentHash)
                try require(remoteKey, signed: remoteSignature)
            case .offeredTimeout(let localSignature, let remoteSignature):
                // The HTLC-timeout transaction: its locktime (checked for the whole
                // transaction) carries the CLTV expiry both sides agreed on.
                try require(localKey, signed: localSignature)
                try require(remoteKey, signed: remoteSignature)
            case .keySignature, .multisig, .delayed, .receivedPreimage, .receivedTimeout:
                throw mismatch
            }

        case .receivedHTLC(let revocationKey, let localKey, let remoteKey, let paymentHash, let cltvExpiry):
            switch witness {
            case .revocation(let signature):
                try require(revocationKey, signed: signature)
            case .receivedPreimage(let localSignature, let remoteSignature, let preimage):
                try require(preimage, hashesTo: paymentHash)
                try require(localKey, signed: localSignature)
                try require(remoteKey, signed: remoteSignature)
            case .receivedTimeout(let remoteSignature):
                try require(remoteKey, signed: remoteSignature)
                guard nextHeight >= cltvExpiry else {
                    throw .cltvNotReached(input: index, expiry: cltvExpiry, nextHeight: nextHeight)
                }
            case .keySignature, .multisig, .delayed, .offeredPreimage, .offeredTimeout:
                throw mismatch
            }
        }
    }
}
