import ChanCrypto
import ChanLedger

/// Everything that can happen to a channel. The driver (daemon, harness, simulator) turns the
/// outside world into these; the channel answers with `ChannelEffect`s.
public enum ChannelEvent: Hashable, Sendable {
    case message(WireMessage)
    case command(ChannelCommand)
    case ledger(LedgerEvent)
    /// The connection to the peer dropped.
    case disconnected
    /// The connection to the peer is back; the channel sends `channel_reestablish`.
    case reconnected
}

/// What the node asks of the channel. A command that cannot be done throws and changes nothing.
public enum ChannelCommand: Hashable, Sendable {
    /// The opener's wallet built and signed the funding transaction asked for by
    /// `ChannelEffect.fundingNeeded`.
    case fundingTransactionReady(Transaction, outputIndex: UInt32)
    case addHTLC(amount: MilliSatoshi, paymentHash: PaymentHash, cltvExpiry: UInt32, onion: OnionRoutingPacket)
    case fulfillHTLC(id: UInt64, preimage: Preimage)
    case failHTLC(id: UInt64, reason: [UInt8])
    case failMalformedHTLC(id: UInt64, sha256OfOnion: Hash32, failureCode: UInt16)
    case updateFee(feeratePerKw: UInt32)
    /// Send `commitment_signed` for the pending updates (updates are batched until asked).
    case sign
    /// Mutual close: pay our final balance to the condition given when the channel was made.
    case close
    /// Broadcast our latest commitment.
    case forceClose
}

/// What the ledger tells a channel. The driver reports the confirmations of the funding
/// output, every new block, and every confirmed transaction that spends an outpoint in
/// `Channel.watchedOutPoints`.
public enum LedgerEvent: Hashable, Sendable {
    /// The funding transaction has `depth` confirmations; `output` is what the ledger holds at
    /// the funding outpoint, which the channel checks against its amount and 2-of-2 before
    /// trusting it (an acceptor never saw the transaction).
    case fundingConfirmed(depth: UInt32, shortChannelID: ShortChannelID, output: TxOutput)
    case blockConnected(height: UInt32)
    case transactionConfirmed(Transaction, height: UInt32)
    /// A confirmed transaction that spends the funding output is a commitment the peer revoked:
    /// the driver found its txid in the channel's revocation log (`ChannelEffect.persist`).
    case revokedCommitmentConfirmed(Transaction, height: UInt32, commitmentNumber: UInt64)
}

/// A commitment of the peer that its `revoke_and_ack` revoked. Channels outlive many of them,
/// so they go to an append-only log outside the channel's record; a broadcast of one is then
/// recognised by its txid and punished.
public struct RevokedCommitment: Hashable, Sendable, Codable {
    public let txid: TxID
    public let number: UInt64

    public init(txid: TxID, number: UInt64) {
        self.txid = txid
        self.number = number
    }
}

/// What the channel asks the driver to do, in order. `persist` comes before the sends that
/// depend on the new state (DESIGN.md: persist before send).
public enum ChannelEffect: Hashable, Sendable {
    case send(WireMessage)
    /// Make the channel durable before the effects that follow (persist before send): its
    /// record (`ChannelRecord`), plus `revoked` for the channel's append-only revocation log when
    /// the peer has just revoked a commitment.
    case persist(revoked: RevokedCommitment? = nil)
    case broadcast(Transaction)
    /// The opener must fund: a transaction with an output of `amount` to `condition`.
    case fundingNeeded(amount: Satoshi, condition: OutputCondition)
    case htlc(HTLCResolution)
    /// The channel moved to another phase; the change belongs in its append-only history
    /// (`state_changes`), which the channel does not keep itself.
    case phaseChanged(StateChange)
    /// Drop the connection (after a warning about a peer's bad message).
    case disconnect
}
