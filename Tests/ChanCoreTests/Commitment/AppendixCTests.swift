import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// BOLT 3 Appendix C, "Commitment and HTLC Transaction Test Vectors" (lightning/bolts,
/// 03-transactions.md as of commit a377265). Every case of Appendix C is reproduced; the
/// anchor cases (Appendix F, `option_anchors`) do not apply to this ledger:
///
///  1. simple commitment tx with no HTLCs
///  2. commitment tx with all five HTLCs untrimmed (minimum feerate)
///  3. commitment tx with seven outputs untrimmed (maximum feerate)
///  4. commitment tx with six outputs untrimmed (minimum feerate)
///  5. commitment tx with six outputs untrimmed (maximum feerate)
///  6. commitment tx with five outputs untrimmed (minimum feerate)
///  7. commitment tx with five outputs untrimmed (maximum feerate)
///  8. commitment tx with four outputs untrimmed (minimum feerate)
///  9. commitment tx with four outputs untrimmed (maximum feerate)
/// 10. commitment tx with three outputs untrimmed (minimum feerate)
/// 11. commitment tx with three outputs untrimmed (maximum feerate)
/// 12. commitment tx with two outputs untrimmed (minimum feerate)
/// 13. commitment tx with two outputs untrimmed (maximum feerate)
/// 14. commitment tx with one output untrimmed (minimum feerate)
/// 15. commitment tx with fee greater than funder amount
/// 16. commitment tx with 3 htlc outputs, 2 offered having the same amount and preimage
///
/// Our transactions are not Bitcoin's, so bytes and signatures are not compared. Compared are:
/// the outputs in order (decoded from each case's `output commit_tx`: which output is which,
/// and its amount), the base and actual fee (the case's comments), which HTLCs are trimmed, and
/// each HTLC transaction's amount (decoded from `htlc_success_tx`/`htlc_timeout_tx`), locktime
/// and spent output. The output conditions are checked against the keys Appendix C lists.
enum AppendixC {
    static let fundingAmount = Satoshi(10_000_000)
    static let fundingOutPoint = OutPoint(txid: try! TxID(hex: "8984484a580b825b9972d7adb15050b3ab624ccd731946b3eeddb92f4e7ef6be"), index: 0)
    static let commitmentNumber: UInt64 = 42
    static let localDelay: UInt16 = 144
    static let localDustLimit = Satoshi(546)

    // Secrets from the vectors' INTERNAL comment block; the HTLC basepoints equal the payment ones.
    static let localFundingSecret = "30ff4956bbdd3222d44cc5e8a1261dab1e07957bdac5ae88fe3261ef321f3749"
    static let remoteFundingSecret = "1552dfba4f6cf29a62a0af13c8d6981d36d0ef8d61ba10fb0fe90da7634d7e13"
    static let localPaymentBasepointSecret = String(repeating: "11", count: 32)
    static let remoteRevocationBasepointSecret = String(repeating: "22", count: 32)
    static let localDelayedPaymentBasepointSecret = String(repeating: "33", count: 32)
    static let remotePaymentBasepointSecret = String(repeating: "44", count: 32)
    static let localPerCommitmentSecret = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"

    static let localFundingPubkey = "023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb"
    static let remoteFundingPubkey = "030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c1"
    static let localPaymentBasepoint = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa"
    static let remotePaymentBasepoint = "032c0b7cf95324a07d05398b240174dc0c2be444d96b159aa6c7f7b1e668680991"
    static let remoteRevocationBasepoint = "02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27"
    static let localDelayedPaymentBasepoint = "023c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1"
    static let localPerCommitmentPoint = "025f7117a78150fe2ef97db7cfc83bd57b2e2c0d0dd25eaf467a4a1c2a45ce1486"
    static let localHTLCPubkey = "030d417a46946384f88d5f3337267c5e579765875dc4daca813e21734b140639e7"
    static let remoteHTLCPubkey = "0394854aa6eab5b2a8122cc726e9dded053a2184d88256816826d6231c068d4a5b"
    static let localDelayedPubkey = "03fd5960528dc152014952efdb702a88f71e3c1653b2314431701ec77e57fde83c"
    static let localRevocationPubkey = "0212a140cd0c6539d07cd08dfe09984dec3251ea808b892efeac3ede9402bf2b19"

    /// Local's basepoints; its revocation basepoint plays no part in local's commitment.
    static func localBasepoints() throws -> Basepoints {
        Basepoints(funding: try PublicKey(hex: localFundingPubkey), revocation: try testKey(repeating: 0x55).publicKey,
                   payment: try PublicKey(hex: localPaymentBasepoint), delayedPayment: try PublicKey(hex: localDelayedPaymentBasepoint),
                   htlc: try PublicKey(hex: localPaymentBasepoint))
    }

    /// Remote's basepoints; its delayed payment basepoint plays no part in local's commitment.
    static func remoteBasepoints() throws -> Basepoints {
        Basepoints(funding: try PublicKey(hex: remoteFundingPubkey), revocation: try PublicKey(hex: remoteRevocationBasepoint),
                   payment: try PublicKey(hex: remotePaymentBasepoint), delayedPayment: try testKey(repeating: 0x66).publicKey,
                   htlc: try PublicKey(hex: remotePaymentBasepoint))
    }

    static func keys() throws -> CommitmentKeys {
        try CommitmentKeys.derive(owner: localBasepoints(), counterparty: remoteBasepoints(),
                                  perCommitmentPoint: PublicKey(hex: localPerCommitmentPoint))
    }

    /// HTLCs 0 to 6 of Appendix C; "remote->local" is received by local, the owner.
    static func htlc(_ number: Int) throws -> CommitmentHTLC {
        let table: [(HTLCDirection, UInt64, UInt32, UInt8)] = [
            (.received, 1_000_000, 500, 0x00),
            (.received, 2_000_000, 501, 0x01),
            (.offered, 2_000_000, 502, 0x02),
            (.offered, 3_000_000, 503, 0x03),
            (.received, 4_000_000, 504, 0x04),
            (.offered, 5_000_000, 506, 0x05),
            (.offered, 5_000_001, 505, 0x05),
        ]
        let (direction, amount, expiry, preimageByte) = table[number]
        return CommitmentHTLC(id: UInt64(number), direction: direction, amount: MilliSatoshi(amount),
                              paymentHash: try testPreimage(preimageByte).hash, cltvExpiry: expiry)
    }

    static func preimage(ofHTLC number: Int) throws -> Preimage {
        try testPreimage(number == 6 ? 0x05 : UInt8(number))
    }

    static func spec(_ vector: AppendixCCase) throws -> CommitmentSpec {
        CommitmentSpec(htlcs: try vector.htlcNumbers.map(htlc), toLocal: MilliSatoshi(vector.toLocalMsat),
                       toRemote: MilliSatoshi(vector.toRemoteMsat), feeratePerKw: vector.feeratePerKw)
    }

    static func build(_ vector: AppendixCCase, feeShortfall: CommitmentBuilder.FeeShortfallPolicy = .reject) throws -> CommitmentTransaction {
        try CommitmentBuilder.build(
            commitmentNumber: commitmentNumber, fundingOutPoint: fundingOutPoint, fundingAmount: fundingAmount,
            ownerIsOpener: true, spec: spec(vector), keys: keys(), ownerDustLimit: localDustLimit,
            toSelfDelay: localDelay, feeShortfall: feeShortfall)
    }
}

/// One Appendix C case. Amounts in sat unless named msat.
struct AppendixCCase: Sendable, CustomTestStringConvertible {
    enum Output: Sendable, Equatable {
        case htlc(number: Int, amount: UInt64)
        case toLocal(UInt64)
        case toRemote(UInt64)
    }

    let name: String
    var toLocalMsat: UInt64 = 6_988_000_000
    var toRemoteMsat: UInt64 = 3_000_000_000
    let feeratePerKw: UInt32
    var htlcNumbers = [0, 1, 2, 3, 4]
    let baseFee: UInt64
    let actualFee: UInt64
    /// In output order.
    let outputs: [Output]
    let trimmed: [Int]
    /// One per HTLC output, in output order.
    let htlcTransactionAmounts: [UInt64]
    /// BOLT 3 "Fee Payment": the fee exceeds the opener's balance, which all goes to the fee.
    var openerCannotPayFee = false

    var testDescription: String { name }

    static let all: [AppendixCCase] = [
        AppendixCCase(
            name: "simple commitment tx with no HTLCs", toLocalMsat: 7_000_000_000, feeratePerKw: 15000, htlcNumbers: [],
            baseFee: 10860, actualFee: 10860, outputs: [.toRemote(3_000_000), .toLocal(6_989_140)],
            trimmed: [], htlcTransactionAmounts: []),
        AppendixCCase(
            name: "commitment tx with all five HTLCs untrimmed (minimum feerate)", feeratePerKw: 0,
            baseFee: 0, actualFee: 0,
            outputs: [.htlc(number: 0, amount: 1000), .htlc(number: 2, amount: 2000), .htlc(number: 1, amount: 2000),
                      .htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_988_000)],
            trimmed: [], htlcTransactionAmounts: [1000, 2000, 2000, 3000, 4000]),
        AppendixCCase(
            name: "commitment tx with seven outputs untrimmed (maximum feerate)", feeratePerKw: 647,
            baseFee: 1024, actualFee: 1024,
            outputs: [.htlc(number: 0, amount: 1000), .htlc(number: 2, amount: 2000), .htlc(number: 1, amount: 2000),
                      .htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_986_976)],
            trimmed: [], htlcTransactionAmounts: [546, 1572, 1546, 2572, 3546]),
        AppendixCCase(
            name: "commitment tx with six outputs untrimmed (minimum feerate)", feeratePerKw: 648,
            baseFee: 914, actualFee: 1914,
            outputs: [.htlc(number: 2, amount: 2000), .htlc(number: 1, amount: 2000), .htlc(number: 3, amount: 3000),
                      .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_987_086)],
            trimmed: [0], htlcTransactionAmounts: [1571, 1545, 2571, 3545]),
        AppendixCCase(
            name: "commitment tx with six outputs untrimmed (maximum feerate)", feeratePerKw: 2069,
            baseFee: 2921, actualFee: 3921,
            outputs: [.htlc(number: 2, amount: 2000), .htlc(number: 1, amount: 2000), .htlc(number: 3, amount: 3000),
                      .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_985_079)],
            trimmed: [0], htlcTransactionAmounts: [629, 546, 1629, 2546]),
        AppendixCCase(
            name: "commitment tx with five outputs untrimmed (minimum feerate)", feeratePerKw: 2070,
            baseFee: 2566, actualFee: 5566,
            outputs: [.htlc(number: 2, amount: 2000), .htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000),
                      .toRemote(3_000_000), .toLocal(6_985_434)],
            trimmed: [0, 1], htlcTransactionAmounts: [628, 1628, 2545]),
        AppendixCCase(
            name: "commitment tx with five outputs untrimmed (maximum feerate)", feeratePerKw: 2194,
            baseFee: 2720, actualFee: 5720,
            outputs: [.htlc(number: 2, amount: 2000), .htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000),
                      .toRemote(3_000_000), .toLocal(6_985_280)],
            trimmed: [0, 1], htlcTransactionAmounts: [546, 1546, 2458]),
        AppendixCCase(
            name: "commitment tx with four outputs untrimmed (minimum feerate)", feeratePerKw: 2195,
            baseFee: 2344, actualFee: 7344,
            outputs: [.htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_985_656)],
            trimmed: [0, 1, 2], htlcTransactionAmounts: [1545, 2457]),
        AppendixCCase(
            name: "commitment tx with four outputs untrimmed (maximum feerate)", feeratePerKw: 3702,
            baseFee: 3953, actualFee: 8953,
            outputs: [.htlc(number: 3, amount: 3000), .htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_984_047)],
            trimmed: [0, 1, 2], htlcTransactionAmounts: [546, 1398]),
        AppendixCCase(
            name: "commitment tx with three outputs untrimmed (minimum feerate)", feeratePerKw: 3703,
            baseFee: 3317, actualFee: 11317,
            outputs: [.htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_984_683)],
            trimmed: [0, 1, 2, 3], htlcTransactionAmounts: [1397]),
        AppendixCCase(
            name: "commitment tx with three outputs untrimmed (maximum feerate)", feeratePerKw: 4914,
            baseFee: 4402, actualFee: 12402,
            outputs: [.htlc(number: 4, amount: 4000), .toRemote(3_000_000), .toLocal(6_983_598)],
            trimmed: [0, 1, 2, 3], htlcTransactionAmounts: [546]),
        AppendixCCase(
            name: "commitment tx with two outputs untrimmed (minimum feerate)", feeratePerKw: 4915,
            baseFee: 3558, actualFee: 15558,
            outputs: [.toRemote(3_000_000), .toLocal(6_984_442)],
            trimmed: [0, 1, 2, 3, 4], htlcTransactionAmounts: []),
        AppendixCCase(
            name: "commitment tx with two outputs untrimmed (maximum feerate)", feeratePerKw: 9_651_180,
            baseFee: 6_987_454, actualFee: 6_999_454,
            outputs: [.toLocal(546), .toRemote(3_000_000)],
            trimmed: [0, 1, 2, 3, 4], htlcTransactionAmounts: []),
        AppendixCCase(
            name: "commitment tx with one output untrimmed (minimum feerate)", feeratePerKw: 9_651_181,
            baseFee: 6_987_455, actualFee: 7_000_000,
            outputs: [.toRemote(3_000_000)],
            trimmed: [0, 1, 2, 3, 4], htlcTransactionAmounts: []),
        AppendixCCase(
            name: "commitment tx with fee greater than funder amount", feeratePerKw: 9_651_936,
            baseFee: 6_988_001, actualFee: 7_000_000,
            outputs: [.toRemote(3_000_000)],
            trimmed: [0, 1, 2, 3, 4], htlcTransactionAmounts: [], openerCannotPayFee: true),
        // The case lists no fees: base = 253 * (724 + 3 * 172) / 1000 = 313; the outputs add to
        // 9_999_686 sat, so the actual fee is 314 (313 plus the 999 msat of to_local and 1 msat of HTLC 6).
        AppendixCCase(
            name: "commitment tx with 3 htlc outputs, 2 offered having the same amount and preimage",
            toLocalMsat: 6_987_999_999, feeratePerKw: 253, htlcNumbers: [1, 5, 6],
            baseFee: 313, actualFee: 314,
            outputs: [.htlc(number: 1, amount: 2000), .htlc(number: 6, amount: 5000), .htlc(number: 5, amount: 5000),
                      .toRemote(3_000_000), .toLocal(6_987_686)],
            trimmed: [], htlcTransactionAmounts: [1823, 4833, 4833]),
    ]
}

@Suite struct AppendixCTests {
    @Test func vectorKeysDeriveTheListedCommitmentKeys() throws {
        #expect(try testKey(hex: AppendixC.localFundingSecret).publicKey.hex == AppendixC.localFundingPubkey)
        #expect(try testKey(hex: AppendixC.remoteFundingSecret).publicKey.hex == AppendixC.remoteFundingPubkey)
        #expect(try testKey(hex: AppendixC.localPaymentBasepointSecret).publicKey.hex == AppendixC.localPaymentBasepoint)
        #expect(try testKey(hex: AppendixC.remotePaymentBasepointSecret).publicKey.hex == AppendixC.remotePaymentBasepoint)
        #expect(try testKey(hex: AppendixC.remoteRevocationBasepointSecret).publicKey.hex == AppendixC.remoteRevocationBasepoint)
        #expect(try testKey(hex: AppendixC.localDelayedPaymentBasepointSecret).publicKey.hex == AppendixC.localDelayedPaymentBasepoint)
        #expect(try testKey(hex: AppendixC.localPerCommitmentSecret).publicKey.hex == AppendixC.localPerCommitmentPoint)

        let keys = try AppendixC.keys()
        #expect(keys.perCommitmentPoint.hex == AppendixC.localPerCommitmentPoint)
        #expect(keys.revocationKey.hex == AppendixC.localRevocationPubkey)
        #expect(keys.ownerDelayedKey.hex == AppendixC.localDelayedPubkey)
        #expect(keys.ownerHTLCKey.hex == AppendixC.localHTLCPubkey)
        #expect(keys.counterpartyHTLCKey.hex == AppendixC.remoteHTLCPubkey)
        #expect(keys.counterpartyPaymentKey.hex == AppendixC.remotePaymentBasepoint)
    }

    @Test func thereAreSixteenCases() {
        #expect(AppendixCCase.all.count == 16)
        #expect(Set(AppendixCCase.all.map(\.name)).count == 16)
    }

    @Test(arguments: AppendixCCase.all)
    func commitmentOutputsFeesAndTrimming(_ vector: AppendixCCase) throws {
        if vector.openerCannotPayFee {
            #expect(throws: CommitmentError.openerCannotPayFee(fee: Satoshi(vector.baseFee), openerBalance: Satoshi(vector.toLocalMsat / 1000))) {
                try AppendixC.build(vector)
            }
        }
        let commitment = try AppendixC.build(vector, feeShortfall: vector.openerCannotPayFee ? .spendWholeOpenerBalance : .reject)
        let outputs = commitment.transaction.outputs

        #expect(outputs.count == vector.outputs.count)
        var actual: [AppendixCCase.Output] = []
        for (index, output) in outputs.enumerated() {
            if index == commitment.toLocalOutput {
                actual.append(.toLocal(output.amount.value))
            } else if index == commitment.toRemoteOutput {
                actual.append(.toRemote(output.amount.value))
            } else if let htlcOutput = commitment.htlcOutputs.first(where: { $0.outputIndex == index }) {
                actual.append(.htlc(number: Int(htlcOutput.htlc.id), amount: output.amount.value))
            }
        }
        #expect(actual == vector.outputs)
        #expect(commitment.baseFee.value == vector.baseFee)
        #expect(commitment.fee.value == vector.actualFee)
        #expect(commitment.trimmedHTLCs.map { Int($0.id) }.sorted() == vector.trimmed)
        #expect(commitment.htlcOutputs.map(\.outputIndex) == commitment.htlcOutputs.map(\.outputIndex).sorted())
        #expect(commitment.transaction.inputs == [TxInput(previousOutput: AppendixC.fundingOutPoint)])
        #expect(try total(of: outputs.map(\.amount)).adding(commitment.fee) == AppendixC.fundingAmount)

        // The conditions carry the keys Appendix C lists.
        let revocation = try PublicKey(hex: AppendixC.localRevocationPubkey)
        let localHTLC = try PublicKey(hex: AppendixC.localHTLCPubkey)
        let remoteHTLC = try PublicKey(hex: AppendixC.remoteHTLCPubkey)
        if let index = commitment.toLocalOutput {
            #expect(outputs[index].condition == .toLocal(
                revocationKey: revocation, delayedKey: try PublicKey(hex: AppendixC.localDelayedPubkey), toSelfDelay: 144))
        }
        if let index = commitment.toRemoteOutput {
            #expect(outputs[index].condition == .key(try PublicKey(hex: AppendixC.remotePaymentBasepoint)))
        }
        for htlcOutput in commitment.htlcOutputs {
            let htlc = htlcOutput.htlc
            switch htlc.direction {
            case .offered:
                #expect(outputs[htlcOutput.outputIndex].condition == .offeredHTLC(
                    revocationKey: revocation, localHTLCKey: localHTLC, remoteHTLCKey: remoteHTLC, paymentHash: htlc.paymentHash))
            case .received:
                #expect(outputs[htlcOutput.outputIndex].condition == .receivedHTLC(
                    revocationKey: revocation, localHTLCKey: localHTLC, remoteHTLCKey: remoteHTLC,
                    paymentHash: htlc.paymentHash, cltvExpiry: htlc.cltvExpiry))
            }
        }
    }

    @Test(arguments: AppendixCCase.all.filter { !$0.htlcTransactionAmounts.isEmpty })
    func htlcTransactions(_ vector: AppendixCCase) throws {
        let commitment = try AppendixC.build(vector)
        let htlcTransactions = HTLCTransactions.build(for: commitment, feeratePerKw: vector.feeratePerKw, toSelfDelay: AppendixC.localDelay)

        #expect(htlcTransactions.map { $0.transaction.outputs.map(\.amount.value) } == vector.htlcTransactionAmounts.map { [$0] })
        #expect(htlcTransactions.map(\.htlc) == commitment.htlcOutputs)
        for htlcTransaction in htlcTransactions {
            let htlc = htlcTransaction.htlc.htlc
            let transaction = htlcTransaction.transaction
            #expect(transaction.inputs == [TxInput(previousOutput: commitment.transaction.outPoint(htlcTransaction.htlc.outputIndex))])
            #expect(transaction.outputs[0].condition == commitment.keys.toLocalCondition(toSelfDelay: AppendixC.localDelay))
            switch htlc.direction {
            case .offered:
                #expect(htlcTransaction.kind == .timeout)
                #expect(transaction.locktime == htlc.cltvExpiry)
            case .received:
                #expect(htlcTransaction.kind == .success)
                #expect(transaction.locktime == 0)
            }
        }
    }

    /// Appendix C's keys sign every transaction of the five-HTLC case; the ledger's rules accept
    /// each witness, and the revocation secret from the per-commitment secret takes every output.
    @Test func signaturesWithTheVectorKeys() throws {
        let vector = AppendixCCase.all[1]
        let commitment = try AppendixC.build(vector)
        let localFunding = try testKey(hex: AppendixC.localFundingSecret)
        let remoteFunding = try testKey(hex: AppendixC.remoteFundingSecret)
        let unsigned = commitment.transaction
        let signed = try CommitmentSigning.finalizeCommitment(unsigned, signatures: [
            localFunding.publicKey: try CommitmentSigning.sign(unsigned, inputIndex: 0, with: localFunding),
            remoteFunding.publicKey: try CommitmentSigning.sign(unsigned, inputIndex: 0, with: remoteFunding),
        ])
        let fundingOutput = TxOutput(amount: AppendixC.fundingAmount, condition: .funding(localFunding.publicKey, remoteFunding.publicKey))
        #expect(WitnessRules.allSatisfied(signed, spending: [fundingOutput]))
        #expect(signed.txid == unsigned.txid)

        let point = commitment.keys.perCommitmentPoint
        let localHTLCKey = try KeyDerivation.privateKey(basepointSecret: testKey(hex: AppendixC.localPaymentBasepointSecret), perCommitmentPoint: point)
        let remoteHTLCKey = try KeyDerivation.privateKey(basepointSecret: testKey(hex: AppendixC.remotePaymentBasepointSecret), perCommitmentPoint: point)
        #expect(localHTLCKey.publicKey.hex == AppendixC.localHTLCPubkey)
        #expect(remoteHTLCKey.publicKey.hex == AppendixC.remoteHTLCPubkey)

        let htlcTransactions = HTLCTransactions.build(for: commitment, feeratePerKw: vector.feeratePerKw, toSelfDelay: AppendixC.localDelay)
        let remoteSignatures = try htlcTransactions.map { try CommitmentSigning.sign($0.transaction, inputIndex: 0, with: remoteHTLCKey) }
        try CommitmentSigning.verifyHTLCSignatures(remoteSignatures, for: htlcTransactions, keys: commitment.keys)
        for (htlcTransaction, remoteSignature) in zip(htlcTransactions, remoteSignatures) {
            let localSignature = try CommitmentSigning.sign(htlcTransaction.transaction, inputIndex: 0, with: localHTLCKey)
            let final: Transaction
            switch htlcTransaction.kind {
            case .timeout:
                final = CommitmentSigning.finalizeHTLCTimeout(htlcTransaction, ownerSignature: localSignature, counterpartySignature: remoteSignature)
            case .success:
                final = CommitmentSigning.finalizeHTLCSuccess(
                    htlcTransaction, ownerSignature: localSignature, counterpartySignature: remoteSignature,
                    preimage: try AppendixC.preimage(ofHTLC: Int(htlcTransaction.htlc.htlc.id)))
            }
            #expect(WitnessRules.allSatisfied(final, spending: [signed.outputs[htlcTransaction.htlc.outputIndex]]))
        }

        let revocationKey = try KeyDerivation.revocationPrivateKey(
            revocationBasepointSecret: testKey(hex: AppendixC.remoteRevocationBasepointSecret),
            perCommitmentSecret: testKey(hex: AppendixC.localPerCommitmentSecret))
        #expect(revocationKey.publicKey.hex == AppendixC.localRevocationPubkey)
        let wallet = OutputCondition.key(remoteFunding.publicKey)
        let penalty = try #require(try ClaimTransactions.penalty(spending: signed, revocationKey: revocationKey, destination: wallet, feeratePerKw: 253))
        let revocable = signed.outputs.indices.filter { $0 != commitment.toRemoteOutput }
        #expect(penalty.inputs.map(\.previousOutput) == revocable.map { signed.outPoint($0) })
        #expect(WitnessRules.allSatisfied(penalty, spending: revocable.map { signed.outputs[$0] }))
    }
}
