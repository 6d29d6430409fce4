import ChanLedger

/// What the node asks of a channel's HTLCs when it restarts: which incoming ones still wait for
/// its decision, and whether an outgoing payment still has an HTLC.
extension Channel {
    /// Incoming HTLCs both commitments hold and nothing settles yet: the node owes each a
    /// decision (after a restart too, when the one it took may not have been persisted). While
    /// force closing, a preimage given now still claims the HTLC on the ledger.
    public var undecidedIncomingHTLCs: [CommitmentHTLC] {
        guard let commitments, phase == .normal || phase == .shuttingDown || phase == .forceClosing else { return [] }
        let settling = Set((commitments.localChanges.all + pendingReplay).compactMap(\.settledHTLCID))
        return commitments.local.spec.htlcs.filter { htlc in
            htlc.direction == .received && commitments.incomingCrossSigned(htlc.id) != nil && !settling.contains(htlc.id)
                && (phase != .forceClosing || commitments.preimages[htlc.paymentHash] == nil)
        }
    }

    /// The onion of incoming HTLC `id`, while both commitments hold it and we have not settled it.
    public func onion(ofIncomingHTLC id: UInt64) -> OnionRoutingPacket? { commitments?.incomingOnions[id] }

    /// Whether an HTLC we offered for `paymentHash` is anywhere: proposed, signed, or in a
    /// commitment on or off the ledger. When none is, a payment the node thought in flight is lost.
    public func hasOutgoingHTLC(paymentHash: PaymentHash) -> Bool {
        hasOutgoingHTLC { _, hash in hash == paymentHash.bytes }
    }

    /// Whether our HTLC `id` is anywhere (as above): a forward whose HTLC is not was lost.
    public func hasOutgoingHTLC(id: UInt64) -> Bool {
        hasOutgoingHTLC { htlcID, _ in htlcID == id }
    }

    /// `matches` gets each HTLC's id and payment hash (bytes: proposed adds carry a wire hash).
    private func hasOutgoingHTLC(where matches: (_ id: UInt64, _ paymentHash: [UInt8]) -> Bool) -> Bool {
        guard let commitments else { return false }
        let inCommitments = (commitments.local.spec.htlcs + commitments.latestRemote.spec.flipped.htlcs + commitments.remote.spec.flipped.htlcs)
            .contains { $0.direction == .offered && matches($0.id, $0.paymentHash.bytes) }
        let proposed = commitments.localChanges.all.contains { update in
            if case .add(let add) = update { return matches(add.id, add.paymentHash.bytes) } else { return false }
        }
        return inCommitments || proposed
    }
}
