import ChanCrypto
import ChanLedger
import Testing

@Suite struct SerializationTests {
    /// A transaction with every condition and every witness kind.
    static func everything() throws -> Transaction {
        let k = (1...5).map { key(UInt8($0)).publicKey }
        let hash = preimage(3).hash
        let signature = try Signature(compact: [UInt8](repeating: 2, count: 64))
        let conditions: [OutputCondition] = [
            .key(k[0]), .funding(k[0], k[1]),
            .toLocal(revocationKey: k[0], delayedKey: k[1], toSelfDelay: 144),
            .offeredHTLC(revocationKey: k[0], localHTLCKey: k[1], remoteHTLCKey: k[2], paymentHash: hash),
            .receivedHTLC(revocationKey: k[2], localHTLCKey: k[3], remoteHTLCKey: k[4], paymentHash: hash, cltvExpiry: 700_000),
        ]
        let witnesses: [Witness?] = [
            nil, .keySignature(signature), .multisig(signature, signature), .revocation(signature), .delayed(signature),
            .offeredPreimage(remoteSignature: signature, preimage: preimage(3)),
            .offeredTimeout(localSignature: signature, remoteSignature: signature),
            .receivedPreimage(localSignature: signature, remoteSignature: signature, preimage: preimage(3)),
            .receivedTimeout(remoteSignature: signature),
        ]
        let txid = try TxID(bytes: [UInt8](repeating: 0x5a, count: 32))
        return Transaction(
            version: 2, kind: .regular,
            inputs: witnesses.enumerated().map { TxInput(previousOutput: OutPoint(txid: txid, index: UInt32($0.offset)), witness: $0.element) },
            outputs: conditions.enumerated().map { TxOutput(amount: Satoshi(UInt64(1_000 * ($0.offset + 1))), condition: $0.element) },
            locktime: 123_456)
    }

    @Test func roundTripsEveryConditionAndWitness() throws {
        let transaction = try Self.everything()
        let bytes = transaction.serialized()
        #expect(try Transaction(serialized: bytes) == transaction)
        for kind in [Transaction.Kind.mint(serial: 9), .coinbase(height: 77)] {
            let special = Transaction(kind: kind, inputs: [], outputs: transaction.outputs)
            #expect(try Transaction(serialized: special.serialized()) == special)
        }
        for output in transaction.outputs {
            #expect(try OutputCondition(serialized: output.condition.serialized) == output.condition)
        }
    }

    @Test func txidIgnoresWitnesses() throws {
        var transaction = try Self.everything()
        let txid = transaction.txid
        transaction.inputs[0].witness = .revocation(try Signature(compact: [UInt8](repeating: 3, count: 64)))
        #expect(transaction.txid == txid)
        transaction.locktime += 1
        #expect(transaction.txid != txid)
    }

    @Test func truncationAtEveryOffsetThrows() throws {
        let bytes = try Self.everything().serialized()
        for length in 0..<bytes.count {
            #expect(throws: LedgerError.self) { try Transaction(serialized: Array(bytes.prefix(length))) }
        }
        #expect(throws: LedgerError.malformedTransaction("trailing bytes")) { try Transaction(serialized: bytes + [0]) }
    }

    @Test func unknownTagsAndBadKeysThrow() throws {
        let transaction = try Self.everything()
        var bytes = transaction.serialized()
        bytes[4] = 9  // kind
        #expect(throws: LedgerError.malformedTransaction("unknown transaction kind")) { try Transaction(serialized: bytes) }

        #expect(throws: LedgerError.malformedCondition("the transaction bytes are malformed: unknown output condition")) {
            try OutputCondition(serialized: [7] + [UInt8](repeating: 2, count: 33))
        }
        #expect(throws: LedgerError.malformedCondition("the transaction bytes are malformed: invalid public key")) {
            try OutputCondition(serialized: [0, 5] + [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: LedgerError.malformedCondition("trailing bytes")) {
            try OutputCondition(serialized: OutputCondition.key(key(1).publicKey).serialized + [0])
        }
    }

    @Test func randomBytesNeverTrap() {
        // A cheap deterministic fuzz: every result is a transaction or a LedgerError.
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 58)
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            _ = try? Transaction(serialized: bytes)
        }
    }

    @Test func blockHashCoversHeightParentAndTransactions() throws {
        let a = Block(height: 1, previousHash: Block.chainHash, transactions: [])
        let b = Block(height: 2, previousHash: Block.chainHash, transactions: [])
        let c = Block(height: 1, previousHash: a.hash, transactions: [])
        let d = Block(height: 1, previousHash: Block.chainHash, transactions: [try Self.everything()])
        #expect(Set([a.hash, b.hash, c.hash, d.hash]).count == 4)
    }
}
