/// The rules a regular transaction must follow to enter the mempool or a block. Pure: the
/// caller resolves what the inputs spend and says at which height the transaction would be
/// mined; double spends against the mempool or other transactions of a block are the
/// caller's (the engine's) to check, as they depend on more than this transaction.
public enum TransactionValidation {
    /// Checks `transaction` against the outputs it spends (`spent[i]` is what input `i`
    /// spends) for inclusion in the block at `nextHeight`; returns its fee.
    public static func validate(
        _ transaction: Transaction, spending spent: [UnspentOutput], nextHeight: UInt32
    ) throws(LedgerError) -> Satoshi {
        switch transaction.kind {
        case .regular: break
        case .mint: throw .mintNotAllowed
        case .coinbase: throw .coinbaseNotAllowed
        }
        guard !transaction.inputs.isEmpty else { throw .noInputs }
        let outputTotal = try checkOutputs(transaction)
        try checkInputList(transaction)
        guard spent.count == transaction.inputs.count,
              zip(spent, transaction.inputs).allSatisfy({ $0.outPoint == $1.previousOutput })
        else { throw .storeInconsistent("the resolved inputs do not match the transaction") }
        guard transaction.locktime <= nextHeight else {
            throw .locktimeNotReached(locktime: transaction.locktime, nextHeight: nextHeight)
        }
        var inputTotal = Satoshi.zero
        for (index, utxo) in spent.enumerated() {
            guard utxo.amount <= .maxMoney else { throw .amountTooLarge(utxo.amount) }
            do { inputTotal = try inputTotal.adding(utxo.amount) } catch { throw error.asLedgerError }
            try SpendingPaths.check(transaction, inputIndex: index, spending: utxo, nextHeight: nextHeight)
        }
        guard outputTotal <= inputTotal else {
            throw .outputsExceedInputs(inputs: inputTotal, outputs: outputTotal)
        }
        do { return try inputTotal.subtracting(outputTotal) } catch { throw error.asLedgerError }
    }

    /// At least one output and no more than the limit; each at or above the dust limit (unless
    /// `allowDust`) and at most `maxMoney`; the total at most `maxMoney`. Returns the total.
    public static func checkOutputs(_ transaction: Transaction, allowDust: Bool = false) throws(LedgerError) -> Satoshi {
        guard !transaction.outputs.isEmpty else { throw .noOutputs }
        guard transaction.outputs.count <= LedgerRules.maxOutputs else {
            throw .tooManyOutputs(transaction.outputs.count)
        }
        var total = Satoshi.zero
        for (index, output) in transaction.outputs.enumerated() {
            guard output.amount <= .maxMoney else { throw .amountTooLarge(output.amount) }
            if !allowDust, output.amount < LedgerRules.dustLimit {
                throw .dustOutput(index: index, amount: output.amount)
            }
            do { total = try total.adding(output.amount) } catch { throw error.asLedgerError }
        }
        guard total <= .maxMoney else { throw .amountOverflow }
        return total
    }

    /// No more inputs than the limit, and no outpoint spent twice.
    public static func checkInputList(_ transaction: Transaction) throws(LedgerError) {
        guard transaction.inputs.count <= LedgerRules.maxInputs else {
            throw .tooManyInputs(transaction.inputs.count)
        }
        var seen = Set<OutPoint>()
        for input in transaction.inputs where !seen.insert(input.previousOutput).inserted {
            throw .duplicateInput(input.previousOutput)
        }
    }

    /// The rules of a faucet mint: no inputs, a locktime of 0, outputs as for any transaction.
    /// Returns the amount minted.
    public static func validateMint(_ transaction: Transaction) throws(LedgerError) -> Satoshi {
        guard case .mint = transaction.kind else { throw .invalidMint("not a mint transaction") }
        guard transaction.inputs.isEmpty else { throw .invalidMint("a mint has no inputs") }
        guard transaction.locktime == 0 else { throw .invalidMint("a mint has no locktime") }
        return try checkOutputs(transaction)
    }

    /// The rules of the coinbase of the block at `height` whose other transactions pay `fees`:
    /// no inputs, no locktime, outputs of at least 1 sat adding up to the fees exactly (the
    /// dust limit does not apply: fees are what they are).
    public static func validateCoinbase(_ transaction: Transaction, height: UInt32, fees: Satoshi) throws(LedgerError) {
        guard case .coinbase(let coinbaseHeight) = transaction.kind else {
            throw .invalidCoinbase("not a coinbase transaction")
        }
        guard coinbaseHeight == height else {
            throw .invalidCoinbase("it names height \(coinbaseHeight) in the block at height \(height)")
        }
        guard transaction.inputs.isEmpty else { throw .invalidCoinbase("a coinbase has no inputs") }
        guard transaction.locktime == 0 else { throw .invalidCoinbase("a coinbase has no locktime") }
        guard fees > .zero else { throw .invalidCoinbase("the block pays no fees, so it has no coinbase") }
        let total = try checkOutputs(transaction, allowDust: true)
        guard transaction.outputs.allSatisfy({ $0.amount > .zero }) else {
            throw .invalidCoinbase("an output pays nothing")
        }
        guard total == fees else {
            throw .invalidCoinbase("it pays \(total.value) sat but the block's fees are \(fees.value) sat")
        }
    }
}
