import ChanAPI
import ChanLedger

/// The wallet's answers in the JSON both the daemon and the CLI print.
extension NodeWallet {
    public func addressResult() throws -> AddressResult { AddressResult(address: try newAddress().string) }

    public func balanceResult() throws -> BalanceResult {
        let balance = try balance()
        return BalanceResult(confirmedSat: balance.confirmed, unconfirmedSat: balance.unconfirmed, totalSat: balance.total)
    }

    public func send(_ params: SendParams, excluding reserved: Set<OutPoint> = []) throws -> SendResultJSON {
        let destination = try Address(params.address)
        let sent = try send(params.amountSat, to: destination, feeRate: FeeRate(satPerByte: params.feeRate), maxFee: params.maxFeeSat,
                            excluding: reserved)
        return SendResultJSON(txid: sent.txid.hex, address: destination.string, amountSat: sent.amount, feeSat: sent.fee,
                              changeSat: sent.change, changeToFeeSat: sent.changeToFee, changeAddress: sent.changeAddress?.string, status: "mempool")
    }
}
