import ChanLedger

/// `chan -n NAME address` (method `address`).
public struct AddressResult: Codable, Sendable, Equatable {
    public let address: String
    public init(address: String) { self.address = address }
}

/// `chan -n NAME balance` (method `balance`): the on-ledger wallet.
public struct BalanceResult: Codable, Sendable, Equatable {
    /// Confirmed outputs to the wallet not spent in the mempool (what `send` and `open` can use).
    public let confirmedSat: Satoshi
    /// Outputs to the wallet in the mempool (incoming, change).
    public let unconfirmedSat: Satoshi
    public let totalSat: Satoshi

    public init(confirmedSat: Satoshi, unconfirmedSat: Satoshi, totalSat: Satoshi) {
        self.confirmedSat = confirmedSat
        self.unconfirmedSat = unconfirmedSat
        self.totalSat = totalSat
    }
}

/// Method `send`.
public struct SendParams: Codable, Sendable, Equatable {
    public let address: String
    public let amountSat: Satoshi
    public let feeRate: UInt64
    /// The most fee to pay, dust change given up included; null for no limit.
    public var maxFeeSat: Satoshi?

    public init(address: String, amountSat: Satoshi, feeRate: UInt64, maxFeeSat: Satoshi? = nil) {
        self.address = address
        self.amountSat = amountSat
        self.feeRate = feeRate
        self.maxFeeSat = maxFeeSat
    }
}

/// `chan -n NAME send`.
public struct SendResultJSON: Codable, Sendable, Equatable {
    public let txid: String
    public let address: String
    public let amountSat: Satoshi
    public let feeSat: Satoshi
    public let changeSat: Satoshi
    /// Change below the dust limit that went to the fee (included in `feeSat`).
    public let changeToFeeSat: Satoshi
    public var changeAddress: String?
    public let status: String

    public init(txid: String, address: String, amountSat: Satoshi, feeSat: Satoshi, changeSat: Satoshi, changeToFeeSat: Satoshi,
                changeAddress: String?, status: String) {
        self.txid = txid
        self.address = address
        self.amountSat = amountSat
        self.feeSat = feeSat
        self.changeSat = changeSat
        self.changeToFeeSat = changeToFeeSat
        self.changeAddress = changeAddress
        self.status = status
    }
}
