import ChanCore
import ChanLedger

/// What must hold between the two channels of a pair. Pure: each function returns the
/// problems it finds, one sentence each.
public enum PairInvariants {
    /// After a complete commit cycle (nothing in flight, no signature awaiting its revocation):
    /// every commitment distributes exactly the capacity; each side's own commitment is the
    /// BOLT 3 transaction of its spec; each side's commitment is, number, spec and txid, the
    /// one its peer signed; and if no update is half-way, both sides' commitments hold the same.
    public static func commitCycleProblems(alice: Channel, bob: Channel) -> [String] {
        guard let a = alice.commitments, let b = bob.commitments else { return ["a channel has no commitments"] }
        var problems: [String] = []
        for (side, channel, commitments) in [(PairSide.alice, alice, a), (.bob, bob, b)] {
            problems += commitmentProblems(side: side, channel: channel, commitments: commitments)
        }
        problems += agreementProblems(owner: .alice, local: a.local, signedByPeer: b.remote)
        problems += agreementProblems(owner: .bob, local: b.local, signedByPeer: a.remote)
        if a.halfwayUpdates.isEmpty, b.halfwayUpdates.isEmpty, !sameContent(a.local.spec, b.local.spec.flipped) {
            problems.append("alice's commitment \(a.local.number) and bob's \(b.local.number) disagree: \(describe(a.local.spec)) vs \(describe(b.local.spec.flipped))")
        }
        return problems
    }

    /// When fully synced (no update anywhere): both commitments of both sides hold the same,
    /// and each balance is what the payments made of the opening balance.
    public static func syncedProblems(alice: Channel, bob: Channel, payments: PaymentBook, configuration: PairConfiguration) -> [String] {
        guard let a = alice.commitments, let b = bob.commitments else { return ["a channel has no commitments"] }
        var problems: [String] = []
        if !sameContent(a.local.spec, b.local.spec.flipped) || !sameContent(a.remote.spec, b.remote.spec.flipped)
            || !sameContent(a.local.spec, a.remote.spec.flipped) {
            problems.append("the commitments differ when synced: alice \(describe(a.local.spec)), bob \(describe(b.local.spec.flipped))")
        }
        let capacityMsat = configuration.capacity.value * 1000
        // The opener starts with the capacity less the push, the other side with the push.
        let push = configuration.pushAmount.value
        let aliceOpening = configuration.opener == .alice ? capacityMsat - push : push
        let bobOpening = capacityMsat - aliceOpening
        let expectedAlice = aliceOpening + payments.total(from: .bob, outcome: .fulfilled)
            - payments.total(from: .alice, outcome: .fulfilled) - payments.total(from: .alice, outcome: nil)
        let expectedBob = bobOpening + payments.total(from: .alice, outcome: .fulfilled)
            - payments.total(from: .bob, outcome: .fulfilled) - payments.total(from: .bob, outcome: nil)
        if a.local.spec.toLocal.value != expectedAlice || a.local.spec.toRemote.value != expectedBob {
            problems.append("balances alice \(a.local.spec.toLocal.value) bob \(a.local.spec.toRemote.value) msat, the payments say \(expectedAlice) and \(expectedBob) msat")
        }
        let pending = Set(payments.pending.keys)
        let inCommitment = Set(a.local.spec.htlcs.map(\.paymentHash))
        if pending != inCommitment {
            problems.append("\(pending.count) payments pending but \(inCommitment.count) HTLCs in the commitment (\(pending.symmetricDifference(inCommitment).count) differ)")
        }
        return problems
    }

    /// One side's own: every commitment it holds distributes exactly the capacity, and its
    /// current one is the BOLT 3 transaction of its spec with a signature per HTLC output.
    /// Holds after every `commitment_signed`, quiescent or not.
    static func commitmentProblems(side: PairSide, channel: Channel, commitments: Commitments) -> [String] {
        var problems: [String] = []
        let capacity = commitments.parameters.capacity
        let named = [("local", commitments.local.spec), ("remote", commitments.remote.spec), ("next remote", commitments.latestRemote.spec)]
        for (name, spec) in named {
            let total = try? spec.total
            if total != (try? capacity.msat) {
                problems.append("\(side)'s \(name) commitment holds \(total.map { "\($0.value)" } ?? "an overflow") msat of \(capacity.value) sat")
            }
        }
        let local = commitments.local
        problems += CommitmentAccounting.problems(
            of: local.transaction, spec: local.spec, capacity: capacity,
            ownerIsOpener: channel.weAreOpener, ownerDustLimit: commitments.parameters.localConfig.dustLimit
        ).map { "\(side)'s \($0)" }
        if local.remoteHTLCSignatures.count != local.transaction.htlcOutputs.count {
            problems.append("\(side) holds \(local.remoteHTLCSignatures.count) HTLC signatures for \(local.transaction.htlcOutputs.count) HTLC outputs")
        }
        return problems
    }

    /// `owner`'s commitment must be the one its peer signed for it.
    private static func agreementProblems(owner: PairSide, local: LocalCommitment, signedByPeer: RemoteCommitment) -> [String] {
        guard local.number == signedByPeer.number else {
            return ["\(owner) is at commitment \(local.number), \(owner.other) signed \(signedByPeer.number)"]
        }
        var problems: [String] = []
        if !sameContent(local.spec, signedByPeer.spec) {
            problems.append("\(owner)'s commitment \(local.number) is \(describe(local.spec)), \(owner.other) signed \(describe(signedByPeer.spec))")
        }
        if local.transaction.txid != signedByPeer.txid {
            problems.append("\(owner)'s commitment \(local.number) has another txid than the one \(owner.other) signed")
        }
        return problems
    }

    /// The same balances, feerate and HTLCs (the order of `htlcs` means nothing).
    static func sameContent(_ a: CommitmentSpec, _ b: CommitmentSpec) -> Bool {
        a.toLocal == b.toLocal && a.toRemote == b.toRemote && a.feeratePerKw == b.feeratePerKw
            && a.htlcs.count == b.htlcs.count && Set(a.htlcs) == Set(b.htlcs)
    }

    static func describe(_ spec: CommitmentSpec) -> String {
        "to_local \(spec.toLocal.value), to_remote \(spec.toRemote.value) msat, \(spec.htlcs.count) HTLCs, feerate \(spec.feeratePerKw)"
    }
}

extension Commitments {
    /// Updates signed or acknowledged by one side that the other side's commitment may lack.
    var halfwayUpdates: [ChannelUpdate] {
        localChanges.signed + localChanges.acked + remoteChanges.signed + remoteChanges.acked
    }

    /// No update anywhere between proposal and both commitments.
    var hasNoUpdates: Bool {
        halfwayUpdates.isEmpty && localChanges.proposed.isEmpty && remoteChanges.proposed.isEmpty
    }
}
