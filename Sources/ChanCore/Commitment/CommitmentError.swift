import ChanCrypto
import ChanLedger

/// Why a commitment, HTLC or claim transaction could not be built, signed or finalised.
/// Nothing here produces a transaction the ledger would refuse: such inputs throw instead.
public enum CommitmentError: CodedError, Equatable {
    /// The spec does not distribute exactly the funding amount.
    case fundingMismatch(specTotal: MilliSatoshi, funding: Satoshi)
    /// The opener's balance (whole satoshis) is below the commitment fee.
    case openerCannotPayFee(fee: Satoshi, openerBalance: Satoshi)
    /// More HTLCs in one direction than BOLT 2 allows (`max_accepted_htlcs` <= 483).
    case tooManyHTLCs(direction: HTLCDirection, count: Int)
    /// An amount overflowed or went negative.
    case amount(AmountError)
    /// A key could not be derived or a signature could not be made.
    case crypto(CryptoError)
    /// A commitment transaction has exactly one input, the funding outpoint.
    case notACommitment(inputCount: Int)
    /// The funding witness needs exactly the two funding keys' signatures.
    case signatureCount(Int)
    /// `commitment_signed` carries one signature per HTLC output of the commitment.
    case htlcSignatureCount(expected: Int, actual: Int)
    /// A signature does not verify against the transaction's sighash with this key.
    case invalidSignature(PublicKey)
    /// The output to spend does not have the condition the claim needs.
    case unexpectedCondition(expected: String, actual: String)
    /// The private key given is not the one the output's spending path names.
    case wrongKey(expected: PublicKey, actual: PublicKey)
    /// The preimage does not hash to the HTLC's payment hash.
    case wrongPreimage(PaymentHash)
    /// The output cannot pay the claim's fee and still leave a non-dust output.
    case claimBelowDust(amount: Satoshi, fee: Satoshi, dustLimit: Satoshi)

    public var code: String {
        switch self {
        case .fundingMismatch: "commitment_amount_mismatch"
        case .openerCannotPayFee: "commitment_fee_unaffordable"
        case .tooManyHTLCs: "too_many_htlcs"
        case .amount: "commitment_amount"
        case .crypto: "commitment_crypto"
        case .notACommitment: "not_a_commitment"
        case .signatureCount: "commitment_signature_count"
        case .htlcSignatureCount: "htlc_signature_count"
        case .invalidSignature: "invalid_commitment_signature"
        case .unexpectedCondition: "claim_unexpected_condition"
        case .wrongKey: "claim_wrong_key"
        case .wrongPreimage: "claim_wrong_preimage"
        case .claimBelowDust: "claim_below_dust"
        }
    }

    public var message: String {
        switch self {
        case .fundingMismatch(let total, let funding):
            "the commitment distributes \(total.value) msat but the funding output holds \(funding.value) sat"
        case .openerCannotPayFee(let fee, let balance):
            "the opener's balance of \(balance.value) sat cannot pay the commitment fee of \(fee.value) sat"
        case .tooManyHTLCs(let direction, let count):
            "\(count) \(direction.rawValue) HTLCs exceed the limit of \(CommitmentBuilder.maxHTLCsPerDirection)"
        case .amount(let error):
            "amount error in a channel transaction: \(error.message)"
        case .crypto(let error):
            "key or signature error in a channel transaction: \(error.message)"
        case .notACommitment(let count):
            "a commitment transaction spends exactly one funding input, this one has \(count)"
        case .signatureCount(let count):
            "the funding input needs the signatures of both funding keys, got \(count)"
        case .htlcSignatureCount(let expected, let actual):
            "the commitment has \(expected) HTLC outputs but \(actual) HTLC signatures came"
        case .invalidSignature(let key):
            "the signature of key \(key.hex) does not verify"
        case .unexpectedCondition(let expected, let actual):
            "the output is \(actual), the claim needs \(expected)"
        case .wrongKey(let expected, let actual):
            "the key \(actual.hex) cannot spend this output, it needs \(expected.hex)"
        case .wrongPreimage(let hash):
            "the preimage does not hash to \(hash.hex)"
        case .claimBelowDust(let amount, let fee, let dust):
            "an output of \(amount.value) sat cannot pay a fee of \(fee.value) sat and keep \(dust.value) sat above dust"
        }
    }
}

/// Runs money arithmetic, reporting an overflow or underflow as a `CommitmentError`.
@inline(__always)
func checkedAmount<T>(_ body: () throws(AmountError) -> T) throws(CommitmentError) -> T {
    do { return try body() } catch { throw .amount(error) }
}

/// Runs key arithmetic or signing, reporting a failure as a `CommitmentError`.
@inline(__always)
func checkedCrypto<T>(_ body: () throws(CryptoError) -> T) throws(CommitmentError) -> T {
    do { return try body() } catch { throw .crypto(error) }
}
