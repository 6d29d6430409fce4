import ChanAPI
import ChanLedger

/// The wallet as the node uses it: around the coins its channel fundings have taken.
extension Node {
    /// Wallet coins spent by fundings signed but not yet in the mempool: no other payment takes them.
    var allReservedCoins: Set<OutPoint> { reservedCoins.values.reduce(into: []) { $0.formUnion($1) } }

    /// `send` from the wallet, around the coins of fundings in progress.
    func walletSend(_ params: SendParams) throws -> SendResultJSON {
        try wallet.send(params, excluding: allReservedCoins)
    }
}
