import ChanLedger

/// An `update_*` message as it sits in a change log: the wire structs themselves, so what is
/// retransmitted after a reconnect is byte for byte what was sent.
public enum ChannelUpdate: Hashable, Sendable {
    case add(UpdateAddHTLC)
    case fulfill(UpdateFulfillHTLC)
    case fail(UpdateFailHTLC)
    case failMalformed(UpdateFailMalformedHTLC)
    case fee(UpdateFee)

    public var wireMessage: WireMessage {
        switch self {
        case .add(let message): .updateAddHTLC(message)
        case .fulfill(let message): .updateFulfillHTLC(message)
        case .fail(let message): .updateFailHTLC(message)
        case .failMalformed(let message): .updateFailMalformedHTLC(message)
        case .fee(let message): .updateFee(message)
        }
    }

    /// The id of the HTLC this update settles (fulfil or fail), if it settles one.
    var settledHTLCID: UInt64? {
        switch self {
        case .fulfill(let message): message.id
        case .fail(let message): message.id
        case .failMalformed(let message): message.id
        case .add, .fee: nil
        }
    }

    var isAdd: Bool {
        if case .add = self { return true }
        return false
    }
}

/// One side's updates on their way into both commitments (the Eclair model):
/// `proposed` are sent or received but not yet covered by a `commitment_signed`;
/// `signed` are covered by a signature that waits for its `revoke_and_ack`;
/// `acked` are committed on one side and still owed to the other side's next commitment.
public struct ChangeLog: Hashable, Sendable {
    public var proposed: [ChannelUpdate] = []
    public var signed: [ChannelUpdate] = []
    public var acked: [ChannelUpdate] = []

    public init() {}

    var all: [ChannelUpdate] { proposed + signed + acked }
}

extension CommitmentSpec {
    /// Applies updates to a commitment seen by its owner: `ownerUpdates` were proposed by the
    /// owner, `counterpartyUpdates` by the other side. Adds first, then settlements, then the
    /// fee, as BOLT 2 defines the order in which a commitment takes them.
    func applying(ownerUpdates: [ChannelUpdate], counterpartyUpdates: [ChannelUpdate]) throws(ChannelError) -> CommitmentSpec {
        var spec = self
        do {
            for update in ownerUpdates {
                guard case .add(let add) = update else { continue }
                spec.toLocal = try spec.toLocal.subtracting(add.amount)
                spec.htlcs.append(CommitmentHTLC(add, direction: .offered))
            }
            for update in counterpartyUpdates {
                guard case .add(let add) = update else { continue }
                spec.toRemote = try spec.toRemote.subtracting(add.amount)
                spec.htlcs.append(CommitmentHTLC(add, direction: .received))
            }
            // The owner settles HTLCs it received; the counterparty settles HTLCs the owner offered.
            for update in ownerUpdates {
                guard let id = update.settledHTLCID else { continue }
                let htlc = try spec.removeHTLC(id: id, direction: .received)
                if case .fulfill = update { spec.toLocal = try spec.toLocal.adding(htlc.amount) }
                else { spec.toRemote = try spec.toRemote.adding(htlc.amount) }
            }
            for update in counterpartyUpdates {
                guard let id = update.settledHTLCID else { continue }
                let htlc = try spec.removeHTLC(id: id, direction: .offered)
                if case .fulfill = update { spec.toRemote = try spec.toRemote.adding(htlc.amount) }
                else { spec.toLocal = try spec.toLocal.adding(htlc.amount) }
            }
        } catch let error as AmountError {
            throw .insufficientBalance(error.message)
        } catch let error as ChannelError {
            throw error
        } catch {
            throw .protocolViolation("\(error)")
        }
        for update in ownerUpdates + counterpartyUpdates {
            if case .fee(let fee) = update { spec.feeratePerKw = fee.feeratePerKw }
        }
        return spec
    }

    private mutating func removeHTLC(id: UInt64, direction: HTLCDirection) throws(ChannelError) -> CommitmentHTLC {
        guard let index = htlcs.firstIndex(where: { $0.id == id && $0.direction == direction }) else {
            throw .unknownHTLC(id)
        }
        return htlcs.remove(at: index)
    }
}

extension CommitmentHTLC {
    init(_ add: UpdateAddHTLC, direction: HTLCDirection) {
        // A Hash32 is always 32 bytes, so it is always a valid payment hash.
        self.init(id: add.id, direction: direction, amount: add.amount,
                  paymentHash: try! PaymentHash(bytes: add.paymentHash.bytes), cltvExpiry: add.cltvExpiry)
    }
}
