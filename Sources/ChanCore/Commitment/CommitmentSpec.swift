import ChanLedger

/// Which way an HTLC goes, seen from the owner of a commitment (or from us, for the channel).
public enum HTLCDirection: String, Hashable, Sendable, Codable {
    /// Offered by the owner: paid out of the owner's balance.
    case offered
    /// Received by the owner: paid out of the counterparty's balance.
    case received

    public var flipped: HTLCDirection {
        switch self {
        case .offered: .received
        case .received: .offered
        }
    }
}

/// An HTLC as it stands in a commitment. `id` is the id the *offering* side assigned in its
/// `update_add_htlc`; ids of the two directions are independent sequences.
public struct CommitmentHTLC: Hashable, Sendable, Codable {
    public var id: UInt64
    public var direction: HTLCDirection
    public var amount: MilliSatoshi
    public var paymentHash: PaymentHash
    public var cltvExpiry: UInt32

    public init(id: UInt64, direction: HTLCDirection, amount: MilliSatoshi, paymentHash: PaymentHash, cltvExpiry: UInt32) {
        self.id = id
        self.direction = direction
        self.amount = amount
        self.paymentHash = paymentHash
        self.cltvExpiry = cltvExpiry
    }

    /// The same HTLC seen from the other side's commitment.
    public var flipped: CommitmentHTLC {
        CommitmentHTLC(id: id, direction: direction.flipped, amount: amount, paymentHash: paymentHash, cltvExpiry: cltvExpiry)
    }
}

/// What one commitment holds, from its owner's point of view, before fees and trimming:
/// balances in msat and the pending HTLCs. `toLocal + toRemote + sum(htlcs) == capacity`.
public struct CommitmentSpec: Hashable, Sendable, Codable {
    public var htlcs: [CommitmentHTLC]
    public var toLocal: MilliSatoshi
    public var toRemote: MilliSatoshi
    public var feeratePerKw: UInt32

    public init(htlcs: [CommitmentHTLC], toLocal: MilliSatoshi, toRemote: MilliSatoshi, feeratePerKw: UInt32) {
        self.htlcs = htlcs
        self.toLocal = toLocal
        self.toRemote = toRemote
        self.feeratePerKw = feeratePerKw
    }

    /// The same commitment content seen by the other side.
    public var flipped: CommitmentSpec {
        CommitmentSpec(htlcs: htlcs.map(\.flipped), toLocal: toRemote, toRemote: toLocal, feeratePerKw: feeratePerKw)
    }

    /// Sum of all HTLC amounts in one direction.
    public func htlcTotal(_ direction: HTLCDirection) throws(AmountError) -> MilliSatoshi {
        var total = MilliSatoshi.zero
        for htlc in htlcs where htlc.direction == direction { total = try total.adding(htlc.amount) }
        return total
    }

    /// Everything the commitment distributes, which must equal the channel capacity.
    public var total: MilliSatoshi {
        get throws(AmountError) {
            try toLocal.adding(toRemote).adding(htlcTotal(.offered)).adding(htlcTotal(.received))
        }
    }
}
