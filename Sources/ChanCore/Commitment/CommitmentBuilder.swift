import ChanLedger

/// BOLT 3 "Commitment Transaction Construction" on the toy ledger.
///
/// Differences from Bitcoin, forced by the ledger: no obscured commitment number (the ledger's
/// locktime is an absolute height and there is no sequence field), so locktime is 0; outputs
/// are ordered by amount, then by the ledger serialization of their condition (standing in for
/// the scriptPubKey of BIP 69), then by CLTV expiry (BOLT 3's tie-breaker for offered HTLCs
/// whose conditions are identical), then by HTLC id so that the order is total.
public enum CommitmentBuilder {
    /// BOLT 2 caps `max_accepted_htlcs` at 483 for each side, so a commitment holds at most
    /// 483 HTLCs in each direction.
    public static let maxHTLCsPerDirection = 483

    /// What to do when the opener's balance cannot pay the base fee.
    public enum FeeShortfallPolicy: Hashable, Sendable {
        /// Throw `openerCannotPayFee`. The channel layer must never propose such a state
        /// (BOLT 2 makes the opener keep fee + reserve), so reaching this is a bug or a
        /// misbehaving peer, and a coded error says so instead of a transaction that quietly
        /// hands the opener's balance to the miner.
        case reject
        /// BOLT 3 "Fee Payment" to the letter: the whole opener output goes to the fee (Appendix
        /// C "commitment tx with fee greater than funder amount"). No money is created either way.
        case spendWholeOpenerBalance
    }

    /// The commitment transaction held by `owner` for `spec` (the owner's view). The opener pays
    /// the fee from its balance (BOLT 3). Outputs below `ownerDustLimit` are omitted; HTLCs
    /// trimmed per BOLT 3. `toSelfDelay` is the delay on the owner's to_local (the value the
    /// counterparty asked for). Output order is deterministic (see the type's comment).
    /// An opener who cannot pay the fee is refused (`FeeShortfallPolicy.reject`).
    public static func build(commitmentNumber: UInt64, fundingOutPoint: OutPoint, fundingAmount: Satoshi,
                             ownerIsOpener: Bool, spec: CommitmentSpec, keys: CommitmentKeys,
                             ownerDustLimit: Satoshi, toSelfDelay: UInt16) throws(CommitmentError) -> CommitmentTransaction {
        try build(commitmentNumber: commitmentNumber, fundingOutPoint: fundingOutPoint, fundingAmount: fundingAmount,
                  ownerIsOpener: ownerIsOpener, spec: spec, keys: keys, ownerDustLimit: ownerDustLimit,
                  toSelfDelay: toSelfDelay, feeShortfall: .reject)
    }

    /// As above, choosing what happens when the opener cannot pay the fee.
    public static func build(commitmentNumber: UInt64, fundingOutPoint: OutPoint, fundingAmount: Satoshi,
                             ownerIsOpener: Bool, spec: CommitmentSpec, keys: CommitmentKeys,
                             ownerDustLimit: Satoshi, toSelfDelay: UInt16,
                             feeShortfall: FeeShortfallPolicy) throws(CommitmentError) -> CommitmentTransaction {
        try checkHTLCCounts(spec)
        let specTotal = try checkedAmount { () throws(AmountError) in try spec.total }
        let fundingMsat = try checkedAmount { () throws(AmountError) in try fundingAmount.msat }
        guard specTotal == fundingMsat else { throw .fundingMismatch(specTotal: specTotal, funding: fundingAmount) }

        var untrimmed: [CommitmentHTLC] = []
        var trimmed: [CommitmentHTLC] = []
        for htlc in spec.htlcs {
            if CommitmentFees.isTrimmed(htlc, dustLimit: ownerDustLimit, feeratePerKw: spec.feeratePerKw) {
                trimmed.append(htlc)
            } else {
                untrimmed.append(htlc)
            }
        }
        let baseFee = CommitmentFees.commitmentFee(feeratePerKw: spec.feeratePerKw, untrimmedHTLCCount: untrimmed.count)

        // BOLT 3: each output is rounded down to whole satoshis, then the fee comes out of the opener's.
        var toLocal = spec.toLocal.flooredSatoshi
        var toRemote = spec.toRemote.flooredSatoshi
        if ownerIsOpener {
            toLocal = try deductFee(baseFee, from: toLocal, policy: feeShortfall)
        } else {
            toRemote = try deductFee(baseFee, from: toRemote, policy: feeShortfall)
        }

        var candidates: [OutputCandidate] = []
        if isProduced(toLocal, dustLimit: ownerDustLimit) {
            candidates.append(OutputCandidate(role: .toLocal, amount: toLocal, condition: keys.toLocalCondition(toSelfDelay: toSelfDelay)))
        }
        if isProduced(toRemote, dustLimit: ownerDustLimit) {
            candidates.append(OutputCandidate(role: .toRemote, amount: toRemote, condition: keys.toRemoteCondition))
        }
        for htlc in untrimmed {
            candidates.append(OutputCandidate(role: .htlc(htlc), amount: htlc.amount.flooredSatoshi, condition: keys.condition(for: htlc)))
        }
        candidates.sort(by: OutputCandidate.precedes)

        let outputs = candidates.map { TxOutput(amount: $0.amount, condition: $0.condition) }
        var outputTotal = Satoshi.zero
        for output in outputs {
            outputTotal = try checkedAmount { () throws(AmountError) in try outputTotal.adding(output.amount) }
        }
        // Outputs never exceed the funding amount: flooring and fees only take away.
        let fee = try checkedAmount { () throws(AmountError) in try fundingAmount.subtracting(outputTotal) }

        var toLocalOutput: Int?
        var toRemoteOutput: Int?
        var htlcOutputs: [HTLCOutput] = []
        for (index, candidate) in candidates.enumerated() {
            switch candidate.role {
            case .toLocal: toLocalOutput = index
            case .toRemote: toRemoteOutput = index
            case .htlc(let htlc): htlcOutputs.append(HTLCOutput(htlc: htlc, outputIndex: index))
            }
        }

        return CommitmentTransaction(
            transaction: Transaction(inputs: [TxInput(previousOutput: fundingOutPoint)], outputs: outputs),
            commitmentNumber: commitmentNumber, keys: keys, fee: fee,
            toLocalOutput: toLocalOutput, toRemoteOutput: toRemoteOutput,
            htlcOutputs: htlcOutputs, trimmedHTLCs: trimmed,
            baseFee: baseFee, feeratePerKw: spec.feeratePerKw)
    }

    private static func checkHTLCCounts(_ spec: CommitmentSpec) throws(CommitmentError) {
        for direction in [HTLCDirection.offered, .received] {
            let count = spec.htlcs.count(where: { $0.direction == direction })
            guard count <= maxHTLCsPerDirection else { throw .tooManyHTLCs(direction: direction, count: count) }
        }
    }

    private static func deductFee(_ fee: Satoshi, from balance: Satoshi, policy: FeeShortfallPolicy) throws(CommitmentError) -> Satoshi {
        guard balance >= fee else {
            switch policy {
            case .reject: throw .openerCannotPayFee(fee: fee, openerBalance: balance)
            case .spendWholeOpenerBalance: return .zero
            }
        }
        return try checkedAmount { () throws(AmountError) in try balance.subtracting(fee) }
    }

    /// BOLT 3 keeps an output at or above the owner's dust limit; an empty output is never made,
    /// whatever the dust limit.
    private static func isProduced(_ amount: Satoshi, dustLimit: Satoshi) -> Bool {
        amount >= dustLimit && amount > .zero
    }
}

/// An output of the commitment before ordering, and what it stands for.
private struct OutputCandidate {
    enum Role {
        case toLocal
        case toRemote
        case htlc(CommitmentHTLC)
    }

    let role: Role
    let amount: Satoshi
    let condition: OutputCondition
    /// The condition as the ledger serializes it, the stand-in for BIP 69's scriptPubKey.
    let conditionBytes: [UInt8]

    init(role: Role, amount: Satoshi, condition: OutputCondition) {
        self.role = role
        self.amount = amount
        self.condition = condition
        conditionBytes = condition.serialized
    }

    private var cltvExpiry: UInt32 {
        switch role {
        case .toLocal, .toRemote: 0
        case .htlc(let htlc): htlc.cltvExpiry
        }
    }

    private var htlcID: UInt64 {
        switch role {
        case .toLocal, .toRemote: 0
        case .htlc(let htlc): htlc.id
        }
    }

    static func precedes(_ a: OutputCandidate, _ b: OutputCandidate) -> Bool {
        if a.amount != b.amount { return a.amount < b.amount }
        if a.conditionBytes != b.conditionBytes { return a.conditionBytes.lexicographicallyPrecedes(b.conditionBytes) }
        if a.cltvExpiry != b.cltvExpiry { return a.cltvExpiry < b.cltvExpiry }
        return a.htlcID < b.htlcID
    }
}
