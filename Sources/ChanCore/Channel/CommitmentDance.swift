import ChanCrypto
import ChanLedger

/// `commitment_signed` and `revoke_and_ack`: moving updates from proposed to irrevocable.
extension Commitments {
    /// Signs the peer's next commitment with every update it does not hold yet.
    mutating func sendCommit(keys channelKeys: ChannelKeys) throws(ChannelError) -> CommitmentSigned {
        guard case .ready(let point) = remoteNext else { throw .invalidState("a signature already awaits its revocation") }
        guard localHasChanges else { throw .nothingToSign }
        let spec = try remote.spec.applying(ownerUpdates: remoteChanges.acked, counterpartyUpdates: localChanges.proposed)
        let number = remote.number + 1
        let commitment = try parameters.remoteCommitment(number: number, spec: spec, point: point)
        let (signature, htlcSignatures) = try parameters.signRemoteCommitment(commitment, feeratePerKw: spec.feeratePerKw, keys: channelKeys)
        remoteNext = .awaitingRevocation(
            RemoteCommitment(number: number, spec: spec, txid: commitment.transaction.txid, perCommitmentPoint: point),
            sentAfterLocalNumber: local.number)
        localChanges.signed = localChanges.proposed
        localChanges.proposed = []
        remoteChanges.signed = remoteChanges.acked
        remoteChanges.acked = []
        return CommitmentSigned(channelID: channelID, signature: try! CompactSignature(signature.compact),
                                htlcSignatures: htlcSignatures.map { try! CompactSignature($0.compact) })
    }

    /// Checks the peer's signatures on our next commitment, adopts it and revokes the previous one.
    mutating func receiveCommit(_ message: CommitmentSigned, keys channelKeys: ChannelKeys) throws(ChannelError) -> RevokeAndAck {
        guard remoteHasChanges else { throw .protocolViolation("commitment_signed without any update") }
        let spec = try local.spec.applying(ownerUpdates: localChanges.acked, counterpartyUpdates: remoteChanges.proposed)
        let number = local.number + 1
        let commitment = try parameters.localCommitment(number: number, spec: spec, keys: channelKeys)
        guard let signature = try? Signature(compact: message.signature.bytes),
              CommitmentSigning.verify(signature, on: commitment.transaction, inputIndex: 0, by: parameters.remoteBasepoints.funding)
        else { throw .invalidSignature("commitment \(number)") }
        let htlcTransactions = HTLCTransactions.build(for: commitment, feeratePerKw: spec.feeratePerKw,
                                                      toSelfDelay: parameters.remoteConfig.toSelfDelay)
        guard message.htlcSignatures.count == htlcTransactions.count else {
            throw .invalidSignature("\(message.htlcSignatures.count) HTLC signatures for \(htlcTransactions.count) HTLC outputs")
        }
        // Checked together (on every core when there are many); the first bad one is named.
        let checked = commitment.keys.counterpartyHTLCKey.verified(
            compactSignatures: message.htlcSignatures.map(\.bytes)) { htlcTransactions[$0].transaction.sighash(inputIndex: 0) }
        if let bad = checked.firstIndex(of: nil) {
            throw .invalidSignature("HTLC \(htlcTransactions[bad].htlc.htlc.id) of commitment \(number)")
        }
        let htlcSignatures = checked.compactMap { $0 }
        local = LocalCommitment(number: number, spec: spec, transaction: commitment,
                                remoteSignature: signature, remoteHTLCSignatures: htlcSignatures)
        // Our settlements the peer acknowledged leave our commitment here, the last of the two
        // to drop them: their onions go now (`forgetRemovedHTLCs` only runs on a revocation).
        forgetRemovedOnions()
        localChanges.acked = []
        remoteChanges.acked += remoteChanges.proposed
        remoteChanges.proposed = []
        return try lastRevocation(keys: channelKeys)
    }

    /// The `revoke_and_ack` that revoked our previous commitment (sent again after a reconnect
    /// if the peer did not get it).
    func lastRevocation(keys channelKeys: ChannelKeys) throws(ChannelError) -> RevokeAndAck {
        guard local.number > 0 else { throw .invalidState("no commitment revoked yet") }
        do {
            let secret = channelKeys.perCommitmentSecret(commitmentNumber: local.number - 1)
            let nextPoint = try channelKeys.perCommitmentPoint(commitmentNumber: local.number + 1)
            return RevokeAndAck(channelID: channelID, perCommitmentSecret: try Bytes32(secret),
                                nextPerCommitmentPoint: SerializedPoint(nextPoint))
        } catch {
            throw .invalidState("cannot derive the revocation: \(error)")
        }
    }

    /// The peer revokes its previous commitment: our updates it signed become irrevocable, and
    /// so do the peer's updates we signed; report those the node must act on, and the commitment
    /// revoked (for the revocation log).
    mutating func receiveRevocation(_ message: RevokeAndAck) throws(ChannelError) -> (resolutions: [HTLCResolution], revoked: RevokedCommitment) {
        guard case .awaitingRevocation(let next, _) = remoteNext else {
            throw .protocolViolation("revoke_and_ack without a pending commitment_signed")
        }
        let secret = message.perCommitmentSecret.bytes
        guard let point = try? PerCommitmentSecret.point(for: secret), point == remote.perCommitmentPoint else {
            throw .invalidRevocation("the secret does not match commitment \(remote.number)")
        }
        guard let nextPoint = try? PublicKey(compressed: message.nextPerCommitmentPoint.bytes) else {
            throw .invalidRevocation("the next per-commitment point is not a valid key")
        }
        do {
            try remoteSecrets.insert(secret: secret, index: PerCommitmentSecret.firstIndex - remote.number)
        } catch {
            throw .invalidRevocation(error.message)
        }
        var resolutions: [HTLCResolution] = []
        for update in remoteChanges.signed {
            switch update {
            case .add(let add):
                resolutions.append(.incomingCommitted(CommitmentHTLC(add, direction: .received), onion: add.onionRoutingPacket))
                incomingOnions[add.id] = add.onionRoutingPacket
            case .fail(let fail):
                if let htlc = remote.spec.htlcs.first(where: { $0.id == fail.id && $0.direction == .received }) {
                    resolutions.append(.outgoingFailed(id: fail.id, paymentHash: htlc.paymentHash, failure: .onion(fail.reason)))
                }
            case .failMalformed(let fail):
                if let htlc = remote.spec.htlcs.first(where: { $0.id == fail.id && $0.direction == .received }) {
                    resolutions.append(.outgoingFailed(id: fail.id, paymentHash: htlc.paymentHash,
                                                        failure: .malformed(sha256OfOnion: fail.sha256OfOnion, failureCode: fail.failureCode)))
                }
            case .fulfill, .fee:
                break // a fulfilment was reported when its preimage arrived
            }
        }
        let revoked = RevokedCommitment(txid: remote.txid, number: remote.number)
        remote = next
        remoteNext = .ready(nextPoint: nextPoint)
        localChanges.acked += localChanges.signed
        localChanges.signed = []
        remoteChanges.signed = []
        forgetRemovedHTLCs()
        return (resolutions, revoked)
    }

    /// An HTLC gone from both commitments can be fulfilled no more, on or off chain: its id
    /// leaves `reportedFulfilments` and its preimage leaves `preimages`. Keeping them would
    /// grow both with every payment, and `Channel.handle` copies them on every change (it
    /// works on a copy so that a refused event changes nothing): a quadratic cost over a
    /// channel's life (at 60,000 simulated operations, 30% of the time went to that copy).
    private mutating func forgetRemovedHTLCs() {
        let htlcs = local.spec.htlcs + remote.spec.htlcs
        if !reportedFulfilments.isEmpty {
            var pending = Set(local.spec.htlcs.lazy.filter { $0.direction == .offered }.map(\.id))
            pending.formUnion(remote.spec.htlcs.lazy.filter { $0.direction == .received }.map(\.id))
            reportedFulfilments.formIntersection(pending)
        }
        forgetRemovedOnions()
        if preimages.count > htlcs.count {
            let hashes = Set(htlcs.map(\.paymentHash))
            preimages = preimages.filter { hashes.contains($0.key) }
        }
    }

    /// The onion of an incoming HTLC is kept while our commitment holds the HTLC (it is in the
    /// peer's as long: a received HTLC leaves our commitment last).
    private mutating func forgetRemovedOnions() {
        guard !incomingOnions.isEmpty else { return }
        let incoming = Set(local.spec.htlcs.lazy.filter { $0.direction == .received }.map(\.id))
        incomingOnions = incomingOnions.filter { incoming.contains($0.key) }
    }

    /// BOLT 2: on disconnection, updates not covered by a `commitment_signed` are forgotten by
    /// both sides. Returns ours, so the channel can fail the HTLCs it had proposed and propose
    /// its settlements again after the reconnect.
    mutating func discardUnsignedUpdates() -> [ChannelUpdate] {
        let dropped = localChanges.proposed
        localNextHTLCID -= UInt64(dropped.filter(\.isAdd).count)
        remoteNextHTLCID -= UInt64(remoteChanges.proposed.filter(\.isAdd).count)
        localChanges.proposed = []
        remoteChanges.proposed = []
        return dropped
    }
}

/// Building and signing commitments needs only what the channel fixed at open.
///
/// Commitments are built with BOLT 3's own rule for an opener that cannot pay the whole fee
/// (its output goes entirely to the fee) rather than refused: each side checks affordability
/// before it proposes, but two proposals that cross (an `update_fee` and the peer's adds, or
/// adds from both sides) can together leave the opener short with nobody at fault. Refusing
/// to build that commitment would make it unsignable: the channel would warn and reconnect
/// forever.
extension ChannelParameters {
    func remoteCommitment(number: UInt64, spec: CommitmentSpec, point: PublicKey) throws(ChannelError) -> CommitmentTransaction {
        do {
            let keys = try CommitmentKeys.derive(owner: remoteBasepoints, counterparty: localBasepoints, perCommitmentPoint: point)
            return try CommitmentBuilder.build(
                commitmentNumber: number, fundingOutPoint: fundingOutPoint, fundingAmount: capacity,
                ownerIsOpener: !weAreOpener, spec: spec, keys: keys,
                ownerDustLimit: remoteConfig.dustLimit, toSelfDelay: localConfig.toSelfDelay,
                feeShortfall: .spendWholeOpenerBalance)
        } catch {
            throw .protocolViolation("cannot build the peer's commitment \(number): \(error)")
        }
    }

    func localCommitment(number: UInt64, spec: CommitmentSpec, keys channelKeys: ChannelKeys) throws(ChannelError) -> CommitmentTransaction {
        do {
            let point = try channelKeys.perCommitmentPoint(commitmentNumber: number)
            let keys = try CommitmentKeys.derive(owner: localBasepoints, counterparty: remoteBasepoints, perCommitmentPoint: point)
            return try CommitmentBuilder.build(
                commitmentNumber: number, fundingOutPoint: fundingOutPoint, fundingAmount: capacity,
                ownerIsOpener: weAreOpener, spec: spec, keys: keys,
                ownerDustLimit: localConfig.dustLimit, toSelfDelay: remoteConfig.toSelfDelay,
                feeShortfall: .spendWholeOpenerBalance)
        } catch {
            throw .protocolViolation("cannot build our commitment \(number): \(error)")
        }
    }

    func signRemoteCommitment(_ commitment: CommitmentTransaction, feeratePerKw: UInt32,
                              keys channelKeys: ChannelKeys) throws(ChannelError) -> (Signature, [Signature]) {
        do {
            let signature = try CommitmentSigning.sign(commitment.transaction, inputIndex: 0, with: channelKeys.funding)
            let htlcKey = try channelKeys.htlcKey(perCommitmentPoint: commitment.keys.perCommitmentPoint)
            let htlcTransactions = HTLCTransactions.build(for: commitment, feeratePerKw: feeratePerKw, toSelfDelay: localConfig.toSelfDelay)
            return (signature, try htlcKey.sign(count: htlcTransactions.count) { htlcTransactions[$0].transaction.sighash(inputIndex: 0) })
        } catch {
            throw .invalidSignature("signing failed: \(error)")
        }
    }
}

extension Commitments {
    /// Derives ahead of time what the next round will need: our next per-commitment points and
    /// the keys of the next commitment each side signs (ours at `local.number + 1`, the peer's
    /// at the point it gave us), so that the round finds them in `DerivationCaches` instead of
    /// computing them while the peer waits. Changes nothing but how long that round takes.
    func prepareNextRound(keys channelKeys: ChannelKeys) {
        _ = try? channelKeys.perCommitmentPoint(commitmentNumber: local.number + 2)
        if let point = try? channelKeys.perCommitmentPoint(commitmentNumber: local.number + 1) {
            _ = try? CommitmentKeys.derive(owner: parameters.localBasepoints, counterparty: parameters.remoteBasepoints, perCommitmentPoint: point)
        }
        if case .ready(let point) = remoteNext {
            _ = try? CommitmentKeys.derive(owner: parameters.remoteBasepoints, counterparty: parameters.localBasepoints, perCommitmentPoint: point)
        }
    }
}

extension Channel {
    /// See `Commitments.prepareNextRound`: for the driver to call when it has nothing else to do.
    public func prepareNextRound() { commitments?.prepareNextRound(keys: keys) }
}
