import ChanCrypto
import ChanLedger

/// `channel_reestablish` after a reconnect (BOLT 2 "Message Retransmission").
extension Commitments {
    func reestablishMessage(keys channelKeys: ChannelKeys) -> ChannelReestablish {
        let lastSecret = remote.number > 0
            ? remoteSecrets.secret(at: PerCommitmentSecret.firstIndex - (remote.number - 1)) ?? [UInt8](repeating: 0, count: 32)
            : [UInt8](repeating: 0, count: 32)
        let currentPoint = try! channelKeys.perCommitmentPoint(commitmentNumber: local.number)
        return ChannelReestablish(
            channelID: channelID, nextCommitmentNumber: local.number + 1, nextRevocationNumber: remote.number,
            yourLastPerCommitmentSecret: try! Bytes32(lastSecret),
            myCurrentPerCommitmentPoint: SerializedPoint(currentPoint))
    }

    /// The `commitment_signed` we sent for `next`, rebuilt: signatures are deterministic
    /// (RFC 6979), so it is byte for byte the message the peer missed.
    func retransmittedCommit(keys channelKeys: ChannelKeys) throws(ChannelError) -> CommitmentSigned? {
        guard case .awaitingRevocation(let next, _) = remoteNext else { return nil }
        let commitment = try parameters.remoteCommitment(number: next.number, spec: next.spec, point: next.perCommitmentPoint)
        let (signature, htlcSignatures) = try parameters.signRemoteCommitment(commitment, feeratePerKw: next.spec.feeratePerKw, keys: channelKeys)
        return CommitmentSigned(channelID: channelID, signature: try! CompactSignature(signature.compact),
                                htlcSignatures: htlcSignatures.map { try! CompactSignature($0.compact) })
    }
}

extension Channel {
    mutating func reestablishReceived(_ message: ChannelReestablish, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        guard let commitments, phase != .opening, phase != .closed else { throw .protocolViolation("unexpected channel_reestablish") }
        awaitingReestablish = false
        var effects: [ChannelEffect] = []
        if channelReadySent, message.nextCommitmentNumber == 1, message.nextRevocationNumber == 0 {
            let point = try! keys.perCommitmentPoint(commitmentNumber: 1)
            effects.append(.send(.channelReady(ChannelReady(channelID: commitments.channelID, secondPerCommitmentPoint: SerializedPoint(point)))))
        }
        guard phase == .normal || phase == .shuttingDown else { return effects }

        // The peer's view of our revocations: it expects the revocation of `nextRevocationNumber`.
        let local = commitments.local.number
        let resendRevocation: Bool
        if local > 0, message.nextRevocationNumber == local - 1 {
            resendRevocation = true
        } else if message.nextRevocationNumber == local {
            resendRevocation = false
        } else if message.nextRevocationNumber > local,
                  message.yourLastPerCommitmentSecret.bytes == keys.perCommitmentSecret(commitmentNumber: message.nextRevocationNumber - 1) {
            // Only our own secret of that commitment proves we revoked states we no longer
            // know (BOLT 2 option_data_loss_protect); an unproven claim fails the channel.
            throw .peerHasNewerState("it expects revocation \(message.nextRevocationNumber), our commitment is \(local)")
        } else {
            throw .invalidRevocation("the peer expects revocation \(message.nextRevocationNumber), we are at commitment \(local)")
        }
        // The peer's view of our signatures: it expects a signature for `nextCommitmentNumber`.
        var commitFirst = false
        var resendCommit = false
        switch commitments.remoteNext {
        case .awaitingRevocation(let next, let sentAfterLocalNumber):
            if message.nextCommitmentNumber == next.number {
                resendCommit = true
                // Our revocation left when our local commitment became current; the signature
                // left after it only if it was sent at that same local commitment number.
                commitFirst = sentAfterLocalNumber != local
            } else if message.nextCommitmentNumber != next.number + 1 {
                throw .invalidRevocation("the peer expects commitment \(message.nextCommitmentNumber), we signed \(next.number)")
            }
        case .ready:
            guard message.nextCommitmentNumber == commitments.remote.number + 1 else {
                throw .invalidRevocation("the peer expects commitment \(message.nextCommitmentNumber), we signed \(commitments.remote.number)")
            }
        }

        var commitEffects: [ChannelEffect] = []
        if resendCommit, let signed = try commitments.retransmittedCommit(keys: keys) {
            commitEffects = commitments.localChanges.signed.map { .send($0.wireMessage) } + [.send(.commitmentSigned(signed))]
        }
        let revocationEffects: [ChannelEffect] = resendRevocation ? [.send(.revokeAndAck(try commitments.lastRevocation(keys: keys)))] : []
        effects += commitFirst ? commitEffects + revocationEffects : revocationEffects + commitEffects

        if shutdown.localSent {
            effects.append(.send(.shutdown(Shutdown(channelID: commitments.channelID, scriptPubkey: destination.serialized))))
        }
        effects += replayPendingSettlements()
        effects += try signIfNeeded()
        effects += try closeIfSettled(now: now)
        return effects
    }

    /// Proposes again the fulfils, fails and fee update a disconnect discarded. One whose HTLC
    /// is gone (settled meanwhile) is dropped: there is nothing left to settle.
    private mutating func replayPendingSettlements() -> [ChannelEffect] {
        var effects: [ChannelEffect] = []
        let replay = pendingReplay
        pendingReplay = []
        for update in replay {
            var attempt = commitments!
            let sent: ChannelUpdate?
            switch update {
            case .fulfill(let fulfill):
                sent = (try? attempt.sendFulfill(id: fulfill.id, preimage: try! Preimage(bytes: fulfill.paymentPreimage.bytes))).map(ChannelUpdate.fulfill)
            case .fail(let fail):
                sent = (try? attempt.sendFail(id: fail.id, reason: fail.reason)).map(ChannelUpdate.fail)
            case .failMalformed(let fail):
                sent = (try? attempt.sendFailMalformed(id: fail.id, sha256OfOnion: fail.sha256OfOnion, failureCode: fail.failureCode)).map(ChannelUpdate.failMalformed)
            case .fee(let fee):
                sent = (try? attempt.sendFee(feeratePerKw: fee.feeratePerKw)).map(ChannelUpdate.fee)
            case .add:
                sent = nil
            }
            if let sent {
                commitments = attempt
                effects.append(.send(sent.wireMessage))
            }
        }
        return effects
    }
}
