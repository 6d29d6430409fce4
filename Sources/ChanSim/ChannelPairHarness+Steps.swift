import ChanCore
import ChanLedger

/// What a test needs beyond the simulator's operations, to drive the pair one step at a time:
/// a side's channel to read or replace, messages taken off the link to tamper with, delivery
/// up to a given message, and the wallets' balances.
extension ChannelPairHarness {
    /// `side`'s channel. Replacing it (a channel restored from an old backup, or one a test
    /// handed an event directly) bypasses the harness: its effects are not carried out.
    public subscript(side: PairSide) -> Channel {
        get { channels[side.rawValue] }
        set { channels[side.rawValue] = newValue }
    }

    /// Takes the next message in flight to `side` off the link without delivering it: a test
    /// delivers an altered copy (`deliver(_:to:)`), or lets it be lost.
    public mutating func intercept(to side: PairSide) -> WireMessage? {
        guard let message = link.receive(at: side) else { return nil }
        trace.record("\(side) <- intercepted \(message.simulationDescription)")
        return message
    }

    /// Delivers messages, alternating directions, until the next one to deliver is one for
    /// which `stop` holds (left in flight and returned) or none is left (nil).
    @discardableResult
    public mutating func deliver(until stop: (PairSide, WireMessage) -> Bool) -> (PairSide, WireMessage)? {
        var side = PairSide.alice
        while !link.isEmpty {
            if link.inFlight(to: side) == 0 { side = side.other }
            if let next = link.peek(at: side), stop(side, next) { return (side, next) }
            deliverNext(to: side)
            side = side.other
        }
        return nil
    }

    /// What `side`'s wallet holds on the ledger, mempool excluded.
    public func walletBalance(_ side: PairSide) -> Satoshi {
        Satoshi(ledger.store.unspentOutputs(paying: [wallets.condition(of: side)]).reduce(0) { $0 + $1.amount.value })
    }
}
