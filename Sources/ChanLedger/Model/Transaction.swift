import ChanCrypto

/// A ledger transaction. Regular transactions spend inputs; mints (the faucet) and coinbases
/// (the miner's fee output) have none and are marked by `kind`.
public struct Transaction: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case regular
        /// The faucet: new coins; `serial` keeps two identical mints apart.
        case mint(serial: UInt64)
        /// The fees of the block at `height`, paid to the miner.
        case coinbase(height: UInt32)
    }

    public var version: UInt32
    public var kind: Kind
    public var inputs: [TxInput]
    public var outputs: [TxOutput]
    /// Absolute height before which the transaction is invalid; 0 means none.
    public var locktime: UInt32

    public init(version: UInt32 = 1, kind: Kind = .regular, inputs: [TxInput], outputs: [TxOutput], locktime: UInt32 = 0) {
        self.version = version
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.locktime = locktime
    }

    /// SHA-256d of the serialization without witnesses.
    public var txid: TxID { TxID(hash: SHA256.doubleHash(serialized(includingWitnesses: false))) }

    /// The digest every signature on input `inputIndex` signs: the whole transaction without
    /// witnesses, plus the input's index, so a signature cannot be moved to another input.
    public func sighash(inputIndex: Int) -> [UInt8] {
        var encoder = LedgerEncoder()
        encoder.bytes(serialized(includingWitnesses: false))
        encoder.u32(UInt32(inputIndex))
        return SHA256.doubleHash(encoder.output)
    }

    public func outPoint(_ index: Int) -> OutPoint { OutPoint(txid: txid, index: UInt32(index)) }
}

public struct TxInput: Hashable, Sendable {
    public var previousOutput: OutPoint
    public var witness: Witness?

    /// An input not yet signed has no witness; such a transaction cannot enter the ledger.
    public init(previousOutput: OutPoint, witness: Witness? = nil) {
        self.previousOutput = previousOutput
        self.witness = witness
    }
}

public struct TxOutput: Hashable, Sendable {
    public var amount: Satoshi
    public var condition: OutputCondition

    public init(amount: Satoshi, condition: OutputCondition) {
        self.amount = amount
        self.condition = condition
    }
}
