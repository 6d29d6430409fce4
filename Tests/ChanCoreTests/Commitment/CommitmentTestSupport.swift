import ChanCore
import ChanCrypto
import ChanLedger

func hexBytes(_ hexText: String) -> [UInt8] { Hex.decode(hexText)! }

func testKey(hex hexText: String) throws -> PrivateKey { try PrivateKey(secretBytes: hexBytes(hexText)) }

func testKey(repeating byte: UInt8) throws -> PrivateKey { try PrivateKey(secretBytes: Array(repeating: byte, count: 32)) }

func testPreimage(_ byte: UInt8) throws -> Preimage { try Preimage(bytes: Array(repeating: byte, count: 32)) }

func total(of amounts: [Satoshi]) throws -> Satoshi {
    try amounts.reduce(Satoshi.zero) { try $0.adding($1) }
}

/// The ledger's witness rules, restated independently of the code under test (Witness and
/// OutputCondition doc comments): each signature must verify against
/// `tx.sighash(inputIndex:)` with the key the spending path names; preimages must hash to the
/// payment hash; a received-HTLC timeout claim must not be valid before `cltvExpiry`.
enum WitnessRules {
    static func isSatisfied(_ transaction: Transaction, inputIndex: Int, spending condition: OutputCondition) -> Bool {
        guard let witness = transaction.inputs[inputIndex].witness else { return false }
        let digest = transaction.sighash(inputIndex: inputIndex)
        func signs(_ signature: Signature, _ key: PublicKey) -> Bool { key.verify(signature, digest: digest) }

        switch witness {
        case .keySignature(let signature):
            guard case .key(let key) = condition else { return false }
            return signs(signature, key)
        case .multisig(let first, let second):
            guard case .multisig2(let firstKey, let secondKey) = condition else { return false }
            return signs(first, firstKey) && signs(second, secondKey)
        case .revocation(let signature):
            switch condition {
            case .toLocal(let key, _, _), .offeredHTLC(let key, _, _, _), .receivedHTLC(let key, _, _, _, _):
                return signs(signature, key)
            case .key, .multisig2:
                return false
            }
        case .delayed(let signature):
            guard case .toLocal(_, let delayedKey, _) = condition else { return false }
            return signs(signature, delayedKey)
        case .offeredPreimage(let remoteSignature, let preimage):
            guard case .offeredHTLC(_, _, let remoteKey, let hash) = condition else { return false }
            return signs(remoteSignature, remoteKey) && preimage.hash == hash
        case .offeredTimeout(let localSignature, let remoteSignature):
            guard case .offeredHTLC(_, let localKey, let remoteKey, _) = condition else { return false }
            return signs(localSignature, localKey) && signs(remoteSignature, remoteKey)
        case .receivedPreimage(let localSignature, let remoteSignature, let preimage):
            guard case .receivedHTLC(_, let localKey, let remoteKey, let hash, _) = condition else { return false }
            return signs(localSignature, localKey) && signs(remoteSignature, remoteKey) && preimage.hash == hash
        case .receivedTimeout(let remoteSignature):
            guard case .receivedHTLC(_, _, let remoteKey, _, let expiry) = condition else { return false }
            return signs(remoteSignature, remoteKey) && transaction.locktime >= expiry
        }
    }

    /// Every input satisfied, given the outputs it spends in input order.
    static func allSatisfied(_ transaction: Transaction, spending outputs: [TxOutput]) -> Bool {
        guard outputs.count == transaction.inputs.count else { return false }
        return outputs.indices.allSatisfy { isSatisfied(transaction, inputIndex: $0, spending: outputs[$0].condition) }
    }
}

/// A channel between Alice (the opener) and Bob, with keys derived from fixed seeds.
struct TestChannel {
    let alice: ChannelKeys
    let bob: ChannelKeys
    let fundingAmount = Satoshi(1_000_000)
    let fundingOutPoint: OutPoint
    let aliceDustLimit = Satoshi(546)
    let bobDustLimit = Satoshi(354)
    /// Bob asks Alice for this delay on her `to_local`, and Alice asks Bob for `bobToSelfDelay`.
    let aliceToSelfDelay: UInt16 = 144
    let bobToSelfDelay: UInt16 = 720
    let wallet: OutputCondition

    init() throws {
        alice = try ChannelKeys.derive(nodeSeed: Array(repeating: 0xA1, count: 32), channelIndex: 7)
        bob = try ChannelKeys.derive(nodeSeed: Array(repeating: 0xB0, count: 32), channelIndex: 3)
        fundingOutPoint = OutPoint(txid: try TxID(bytes: SHA256.hash(Array("funding".utf8))), index: 1)
        wallet = .key(try testKey(repeating: 0x77).publicKey)
    }

    var fundingOutput: TxOutput {
        TxOutput(amount: fundingAmount, condition: .funding(alice.funding.publicKey, bob.funding.publicKey))
    }

    /// Alice's view: two HTLCs she offered, two she received (one of them dust), at `feeratePerKw`.
    func aliceSpec(feeratePerKw: UInt32 = 2500) throws -> CommitmentSpec {
        let htlcs = [
            CommitmentHTLC(id: 0, direction: .offered, amount: MilliSatoshi(50_000_000), paymentHash: try testPreimage(1).hash, cltvExpiry: 600),
            CommitmentHTLC(id: 1, direction: .offered, amount: MilliSatoshi(20_000_123), paymentHash: try testPreimage(2).hash, cltvExpiry: 610),
            CommitmentHTLC(id: 0, direction: .received, amount: MilliSatoshi(30_000_000), paymentHash: try testPreimage(3).hash, cltvExpiry: 620),
            CommitmentHTLC(id: 1, direction: .received, amount: MilliSatoshi(400_000), paymentHash: try testPreimage(4).hash, cltvExpiry: 630),
        ]
        return CommitmentSpec(htlcs: htlcs, toLocal: MilliSatoshi(599_599_877), toRemote: MilliSatoshi(300_000_000), feeratePerKw: feeratePerKw)
    }

    func aliceKeys(commitmentNumber: UInt64) throws -> CommitmentKeys {
        try CommitmentKeys.derive(owner: alice.basepoints, counterparty: bob.basepoints,
                                  perCommitmentPoint: alice.perCommitmentPoint(commitmentNumber: commitmentNumber))
    }

    func bobKeys(commitmentNumber: UInt64) throws -> CommitmentKeys {
        try CommitmentKeys.derive(owner: bob.basepoints, counterparty: alice.basepoints,
                                  perCommitmentPoint: bob.perCommitmentPoint(commitmentNumber: commitmentNumber))
    }

    /// Alice's commitment as Alice builds it.
    func aliceCommitment(commitmentNumber: UInt64 = 5, spec: CommitmentSpec? = nil) throws -> CommitmentTransaction {
        try CommitmentBuilder.build(
            commitmentNumber: commitmentNumber, fundingOutPoint: fundingOutPoint, fundingAmount: fundingAmount,
            ownerIsOpener: true, spec: spec ?? aliceSpec(), keys: aliceKeys(commitmentNumber: commitmentNumber),
            ownerDustLimit: aliceDustLimit, toSelfDelay: aliceToSelfDelay)
    }

    /// Bob's commitment as Bob builds it, from his own view of the same channel state.
    func bobCommitment(commitmentNumber: UInt64 = 5, spec: CommitmentSpec? = nil) throws -> CommitmentTransaction {
        try CommitmentBuilder.build(
            commitmentNumber: commitmentNumber, fundingOutPoint: fundingOutPoint, fundingAmount: fundingAmount,
            ownerIsOpener: false, spec: spec ?? aliceSpec().flipped, keys: bobKeys(commitmentNumber: commitmentNumber),
            ownerDustLimit: bobDustLimit, toSelfDelay: bobToSelfDelay)
    }

    /// Alice's commitment signed by both funding keys.
    func signedAliceCommitment(_ commitment: CommitmentTransaction) throws -> Transaction {
        let transaction = commitment.transaction
        return try CommitmentSigning.finalizeCommitment(transaction, signatures: [
            alice.funding.publicKey: try CommitmentSigning.sign(transaction, inputIndex: 0, with: alice.funding),
            bob.funding.publicKey: try CommitmentSigning.sign(transaction, inputIndex: 0, with: bob.funding),
        ])
    }
}
