import ChanLedger

/// An untrimmed HTLC and the index of its output in the commitment transaction.
public struct HTLCOutput: Hashable, Sendable {
    public let htlc: CommitmentHTLC
    public let outputIndex: Int

    public init(htlc: CommitmentHTLC, outputIndex: Int) {
        self.htlc = htlc
        self.outputIndex = outputIndex
    }
}

/// One side's commitment transaction, unsigned, with what the protocol needs to know about
/// it: which output is which, what was trimmed and the keys it was built with.
public struct CommitmentTransaction: Hashable, Sendable {
    /// Unsigned: its single input (the funding outpoint) has no witness.
    public let transaction: Transaction
    public let commitmentNumber: UInt64
    public let keys: CommitmentKeys
    /// What the transaction leaves to the miner: funding amount minus all outputs, i.e. the
    /// base fee plus trimmed HTLCs, msat remainders and a dust `to_local`/`to_remote`.
    public let fee: Satoshi
    /// Index into `transaction.outputs`, nil if trimmed.
    public let toLocalOutput: Int?
    public let toRemoteOutput: Int?
    /// Sorted by `outputIndex`.
    public let htlcOutputs: [HTLCOutput]
    public let trimmedHTLCs: [CommitmentHTLC]
    /// BOLT 3's base fee (`feerate_per_kw * weight / 1000`), the part the opener was charged.
    public let baseFee: Satoshi
    /// The feerate the commitment was built at; its HTLC transactions use the same.
    public let feeratePerKw: UInt32

    /// Built by `CommitmentBuilder` only, which keeps the indices and amounts consistent.
    init(transaction: Transaction, commitmentNumber: UInt64, keys: CommitmentKeys, fee: Satoshi,
                toLocalOutput: Int?, toRemoteOutput: Int?, htlcOutputs: [HTLCOutput], trimmedHTLCs: [CommitmentHTLC],
                baseFee: Satoshi, feeratePerKw: UInt32) {
        self.transaction = transaction
        self.commitmentNumber = commitmentNumber
        self.keys = keys
        self.fee = fee
        self.toLocalOutput = toLocalOutput
        self.toRemoteOutput = toRemoteOutput
        self.htlcOutputs = htlcOutputs
        self.trimmedHTLCs = trimmedHTLCs
        self.baseFee = baseFee
        self.feeratePerKw = feeratePerKw
    }

    public var txid: TxID { transaction.txid }

    /// The output of `htlc` (as written in this commitment's spec), nil if it was trimmed.
    public func output(of htlc: CommitmentHTLC) -> HTLCOutput? {
        htlcOutputs.first { $0.htlc == htlc }
    }
}
