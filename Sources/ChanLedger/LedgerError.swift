import ChanCrypto

/// Why the ledger refused something. Codes are stable; scripts match on them.
public enum LedgerError: CodedError, Equatable {
    // Decoding.
    case malformedTxID(String)
    case malformedOutPoint(String)
    case malformedHash(String)
    case malformedPreimage
    case malformedTransaction(String)
    case malformedCondition(String)
    case invalidAddress(String)

    // The shape of a transaction.
    case mintNotAllowed
    case coinbaseNotAllowed
    case noInputs
    case noOutputs
    case tooManyInputs(Int)
    case tooManyOutputs(Int)
    case duplicateInput(OutPoint)
    case dustOutput(index: Int, amount: Satoshi)
    case amountTooLarge(Satoshi)
    case amountOverflow
    case outputsExceedInputs(inputs: Satoshi, outputs: Satoshi)

    // What a transaction spends.
    case missingInput(OutPoint)
    case inputSpent(OutPoint)
    case inputUnconfirmed(OutPoint)
    case doubleSpend(OutPoint, conflicting: TxID)
    case alreadyKnown(TxID)

    // Witnesses and timelocks.
    case missingWitness(input: Int)
    case witnessMismatch(input: Int, condition: String, witness: String)
    case invalidSignature(input: Int)
    case wrongPreimage(input: Int)
    case locktimeNotReached(locktime: UInt32, nextHeight: UInt32)
    case cltvNotReached(input: Int, expiry: UInt32, nextHeight: UInt32)
    case csvNotReached(input: Int, spendableAt: UInt32, nextHeight: UInt32)

    // Blocks, mints and coinbases.
    case invalidBlock(String)
    case invalidCoinbase(String)
    case invalidMint(String)
    case maxMoneyExceeded
    case invalidBlockCount(Int)

    // Lookups and the store.
    case txNotFound(TxID)
    case storeInconsistent(String)

    public var code: String {
        switch self {
        case .malformedTxID: "malformed_txid"
        case .malformedOutPoint: "malformed_outpoint"
        case .malformedHash: "malformed_hash"
        case .malformedPreimage: "malformed_preimage"
        case .malformedTransaction: "malformed_transaction"
        case .malformedCondition: "malformed_condition"
        case .invalidAddress: "invalid_address"
        case .mintNotAllowed: "mint_not_allowed"
        case .coinbaseNotAllowed: "coinbase_not_allowed"
        case .noInputs: "no_inputs"
        case .noOutputs: "no_outputs"
        case .tooManyInputs: "too_many_inputs"
        case .tooManyOutputs: "too_many_outputs"
        case .duplicateInput: "duplicate_input"
        case .dustOutput: "dust_output"
        case .amountTooLarge: "amount_too_large"
        case .amountOverflow: "amount_overflow"
        case .outputsExceedInputs: "outputs_exceed_inputs"
        case .missingInput: "missing_input"
        case .inputSpent: "input_spent"
        case .inputUnconfirmed: "input_unconfirmed"
        case .doubleSpend: "double_spend"
        case .alreadyKnown: "tx_already_known"
        case .missingWitness: "missing_witness"
        case .witnessMismatch: "witness_mismatch"
        case .invalidSignature: "invalid_signature"
        case .wrongPreimage: "wrong_preimage"
        case .locktimeNotReached: "locktime_not_reached"
        case .cltvNotReached: "cltv_not_reached"
        case .csvNotReached: "csv_not_reached"
        case .invalidBlock: "invalid_block"
        case .invalidCoinbase: "invalid_coinbase"
        case .invalidMint: "invalid_mint"
        case .maxMoneyExceeded: "max_money_exceeded"
        case .invalidBlockCount: "invalid_block_count"
        case .txNotFound: "tx_not_found"
        case .storeInconsistent: "store_inconsistent"
        }
    }

    public var message: String {
        switch self {
        case .malformedTxID(let text): "'\(text)' is not a transaction id (64 hex characters)"
        case .malformedOutPoint(let text): "'\(text)' is not an outpoint (TXID:INDEX)"
        case .malformedHash(let text): "'\(text)' is not a 32-byte hash"
        case .malformedPreimage: "a preimage must be 32 bytes"
        case .malformedTransaction(let why): "the transaction bytes are malformed: \(why)"
        case .malformedCondition(let why): "the output condition bytes are malformed: \(why)"
        case .invalidAddress(let text): "'\(text)' is not a valid address (bech32 with prefix \(Address.humanReadablePart) and a 33-byte public key)"
        case .mintNotAllowed: "mint transactions are created by the faucet only"
        case .coinbaseNotAllowed: "coinbase transactions are created by mining only"
        case .noInputs: "a transaction must spend at least one output"
        case .noOutputs: "a transaction must have at least one output"
        case .tooManyInputs(let count): "\(count) inputs is more than the limit of \(LedgerRules.maxInputs)"
        case .tooManyOutputs(let count): "\(count) outputs is more than the limit of \(LedgerRules.maxOutputs)"
        case .duplicateInput(let outPoint): "the transaction spends \(outPoint) twice"
        case .dustOutput(let index, let amount): "output \(index) of \(amount.value) sat is below the dust limit of \(LedgerRules.dustLimit.value) sat"
        case .amountTooLarge(let amount): "\(amount.value) sat is more than the \(Satoshi.maxMoney.value) sat that can ever exist"
        case .amountOverflow: "the amounts add up to more than can ever exist"
        case .outputsExceedInputs(let inputs, let outputs): "the outputs (\(outputs.value) sat) exceed the inputs (\(inputs.value) sat)"
        case .missingInput(let outPoint): "the output \(outPoint) does not exist"
        case .inputSpent(let outPoint): "the output \(outPoint) is already spent in a block"
        case .inputUnconfirmed(let outPoint): "the output \(outPoint) is not confirmed yet (mine a block first)"
        case .doubleSpend(let outPoint, let txid): "the output \(outPoint) is already spent by \(txid) in the mempool"
        case .alreadyKnown(let txid): "the transaction \(txid) is already in the mempool or a block"
        case .missingWitness(let input): "input \(input) has no witness (the transaction is not signed)"
        case .witnessMismatch(let input, let condition, let witness): "input \(input) presents a \(witness) witness, which cannot spend a \(condition) output"
        case .invalidSignature(let input): "a signature on input \(input) does not verify with the key the output names"
        case .wrongPreimage(let input): "the preimage on input \(input) does not hash to the payment hash"
        case .locktimeNotReached(let locktime, let next): "the locktime \(locktime) is above the next block height \(next)"
        case .cltvNotReached(let input, let expiry, let next): "input \(input) can be refunded from height \(expiry); the next block is \(next)"
        case .csvNotReached(let input, let at, let next): "input \(input) is spendable by the delayed key from height \(at); the next block is \(next)"
        case .invalidBlock(let why): "the block is invalid: \(why)"
        case .invalidCoinbase(let why): "the coinbase is invalid: \(why)"
        case .invalidMint(let why): "the mint is invalid: \(why)"
        case .maxMoneyExceeded: "minting this would create more than \(Satoshi.maxMoney.value) sat in total"
        case .invalidBlockCount(let count): "cannot mine \(count) blocks: give 1 to \(LedgerRules.maxBlocksPerMine)"
        case .txNotFound(let txid): "no transaction \(txid) in the mempool or a block"
        case .storeInconsistent(let why): "the ledger store is inconsistent: \(why)"
        }
    }
}

extension AmountError {
    /// Sums of ledger amounts that overflow are ledger errors: nothing that large can exist.
    var asLedgerError: LedgerError {
        switch self {
        case .overflow, .underflow, .notWholeSatoshis, .notPositive, .invalid: .amountOverflow
        }
    }
}
