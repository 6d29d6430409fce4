import ChanCrypto
import ChanLedger

/// The largest HTLC one side may add to the channel right now, what bounds it, and what
/// refuses one msat more. Payments and forwarding ask it before adding; `chan channel` shows it
/// as `spendable_msat` / `receivable_msat` with their breakdowns. When `refusal` is
/// `insufficient_balance`, `amount = balance - reserve - commitFee` unless one more msat would
/// make the HTLC big enough for its own output (and so raise the fee): then it stops just below.
public struct HTLCLimit: Equatable, Sendable {
    public var amount: MilliSatoshi
    /// The adder's balance once every pending update applies (its pending HTLCs deducted).
    public var balance: MilliSatoshi
    /// What the other side makes the adder keep.
    public var reserve: MilliSatoshi
    /// The commitment fee the adder pays as opener with the HTLC added (zero otherwise).
    public var commitFee: MilliSatoshi
    /// The adder's HTLCs not yet removed (counted against the max in flight).
    public var pending: MilliSatoshi
    /// What adding one msat more than `amount` (or the smallest allowed, when `amount` is zero) meets.
    public var refusal: ChannelError

    static func none(_ refusal: ChannelError) -> HTLCLimit {
        HTLCLimit(amount: .zero, balance: .zero, reserve: .zero, commitFee: .zero, pending: .zero, refusal: refusal)
    }
}

extension Channel {
    /// The largest HTLC one side may add now, and what refuses one msat more.
    struct AddLimit {
        var amount: MilliSatoshi
        /// What adding `amount + 1` msat (or the smallest allowed amount, when `amount` is 0) meets.
        var refusal: ChannelError
    }

    /// An HTLC of `amount` as `addHTLC` would check it right now, on a copy: nil if accepted.
    /// Mirrors `execute(.addHTLC)`; the tests check it against `handle` itself.
    func refusalOfOutgoingHTLC(_ amount: MilliSatoshi) -> ChannelError? {
        do throws(ChannelError) {
            try requireOperational(allowNewHTLCs: true)
            var copy = commitments!
            _ = try copy.sendAdd(amount: amount, paymentHash: Channel.probeHash, cltvExpiry: currentHeight &+ 1,
                                 onion: Channel.probeOnion, currentHeight: currentHeight)
            return nil
        } catch {
            return error
        }
    }

    /// An `update_add_htlc` of `amount` from the peer as `receive` would check it right now,
    /// on a copy: nil if accepted. Mirrors `receive(.updateAddHTLC)`, and like `addHTLC` it
    /// needs the peer connected.
    func refusalOfIncomingHTLC(_ amount: MilliSatoshi) -> ChannelError? {
        do throws(ChannelError) {
            guard isConnected else { throw ChannelError.invalidState("the peer is not connected") }
            try requireOperational(allowNewHTLCs: true, fromPeer: true)
            var copy = commitments!
            let add = UpdateAddHTLC(channelID: copy.channelID, id: copy.remoteNextHTLCID, amount: amount,
                                    paymentHash: try! Hash32(Channel.probeHash.bytes), cltvExpiry: currentHeight &+ 1,
                                    onionRoutingPacket: Channel.probeOnion)
            try copy.receiveAdd(add, currentHeight: currentHeight)
            return nil
        } catch {
            return error
        }
    }

    static let probeHash = try! PaymentHash(bytes: [UInt8](repeating: 0, count: 32))
    private static let probeOnion = OnionRoutingPacket.zero

    /// The largest HTLC `ChannelCommand.addHTLC` accepts right now (zero if none), found exactly.
    public var sendLimit: HTLCLimit {
        guard let commitments else { return .none(ChannelError.invalidState(phase.rawValue)) }
        let parameters = commitments.parameters
        let limit = Channel.largestAccepted(minimum: parameters.remoteConfig.htlcMinimum, commitments: commitments,
                                            refusal: refusalOfOutgoingHTLC)
        let (remoteView, localView) = Channel.pendingViews(commitments)
        // The opener keeps BOLT 2's fee spike buffer on its adds, as `sendAdd` checks it.
        var fee = MilliSatoshi.zero
        if weAreOpener {
            fee = max(Channel.commitmentFee(remoteView, adding: limit.amount, as: .received, ownerDustLimit: parameters.remoteConfig.dustLimit, policy: .withSpikeBuffer),
                      Channel.commitmentFee(localView, adding: limit.amount, as: .offered, ownerDustLimit: parameters.localConfig.dustLimit, policy: .withSpikeBuffer))
        }
        return HTLCLimit(
            amount: limit.amount,
            balance: min(remoteView?.toRemote ?? .zero, localView?.toLocal ?? .zero),
            reserve: Channel.msat(parameters.remoteConfig.channelReserve),
            commitFee: fee,
            pending: (try? remoteView?.htlcTotal(.received)) ?? .zero,
            refusal: limit.refusal)
    }

    /// About what `sendLimit` finds, without its search (each of its trials copies the
    /// commitments, onions and all: milliseconds with many HTLCs in flight, and the payer's
    /// routing view asks for every payment): our balance in both commitments with every pending
    /// update, less the peer's reserve and (as opener) the fee with one more HTLC output at
    /// the spike buffer, within the peer's max in flight and HTLC count. It can still be
    /// refused near an HTLC's trimming threshold or the dust-exposure cap: `sendLimit` then
    /// says exactly. Zero while the channel cannot add.
    public var sendEstimate: MilliSatoshi {
        guard let commitments, (try? requireOperational(allowNewHTLCs: true)) != nil else { return .zero }
        let parameters = commitments.parameters
        guard case (let remoteView?, let localView?) = Channel.pendingViews(commitments) else { return .zero }
        // Our HTLCs, as the peer's commitment counts them (it receives them).
        guard remoteView.htlcs.count(where: { $0.direction == .received }) < Int(parameters.remoteConfig.maxAcceptedHTLCs), let pending = try? remoteView.htlcTotal(.received) else { return .zero }
        // An HTLC of the whole capacity has an output in both commitments: the fee it adds.
        let untrimmed = (try? parameters.capacity.msat) ?? .zero
        func fee(_ policy: Commitments.AdderFee) -> (remote: MilliSatoshi, local: MilliSatoshi) {
            (Channel.commitmentFee(remoteView, adding: untrimmed, as: .received, ownerDustLimit: parameters.remoteConfig.dustLimit, policy: policy),
             Channel.commitmentFee(localView, adding: untrimmed, as: .offered, ownerDustLimit: parameters.localConfig.dustLimit, policy: policy))
        }
        var ourFee = MilliSatoshi.zero
        if weAreOpener {
            let spikeBuffered = fee(.withSpikeBuffer)
            ourFee = max(spikeBuffered.remote, spikeBuffered.local)
        } else {
            // The peer opened: it must still pay the fee with our HTLC's output (else only dust fits).
            let current = fee(.current)
            guard remoteView.toLocal >= current.remote, localView.toRemote >= current.local else { return .zero }
        }
        let balance = min(remoteView.toRemote, localView.toLocal)
        let needed = (try? Channel.msat(parameters.remoteConfig.channelReserve).adding(ourFee)) ?? MilliSatoshi(.max)
        let affordable = (try? balance.subtracting(needed)) ?? .zero
        let room = (try? parameters.remoteConfig.maxHTLCValueInFlight.subtracting(pending)) ?? .zero
        let estimate = min(affordable, room)
        return estimate >= parameters.remoteConfig.htlcMinimum ? estimate : .zero
    }

    /// The two commitments our next HTLC would enter, with every pending update, as `sendAdd`
    /// builds them: the peer's (it receives the HTLC) and ours.
    private static func pendingViews(_ commitments: Commitments) -> (remote: CommitmentSpec?, local: CommitmentSpec?) {
        (try? commitments.latestRemote.spec.applying(ownerUpdates: commitments.remoteChanges.acked,
                                                     counterpartyUpdates: commitments.localChanges.proposed),
         try? commitments.local.spec.applying(ownerUpdates: commitments.localChanges.all,
                                              counterpartyUpdates: commitments.remoteChanges.proposed))
    }

    /// The largest `update_add_htlc` we accept from the peer right now (zero if none).
    public var receiveLimit: HTLCLimit {
        guard let commitments else { return .none(ChannelError.invalidState(phase.rawValue)) }
        let parameters = commitments.parameters
        let limit = Channel.largestAccepted(minimum: parameters.localConfig.htlcMinimum, commitments: commitments,
                                            refusal: refusalOfIncomingHTLC)
        // Our commitment before the peer's HTLC, as `receiveAdd` builds it.
        let localView = try? commitments.local.spec.applying(
            ownerUpdates: commitments.localChanges.acked, counterpartyUpdates: commitments.remoteChanges.proposed)
        return HTLCLimit(
            amount: limit.amount,
            balance: localView?.toRemote ?? .zero,
            reserve: Channel.msat(parameters.localConfig.channelReserve),
            // The peer's adds are not refused over its fee (`receiveAdd`): only its reserve counts.
            commitFee: .zero,
            pending: (try? localView?.htlcTotal(.received)) ?? .zero,
            refusal: limit.refusal)
    }

    /// The fee owed under `policy` on the commitment `spec` (its owner's view) with an HTLC of
    /// `amount` added in `direction` (as the owner sees it) when the amount is positive.
    private static func commitmentFee(_ spec: CommitmentSpec?, adding amount: MilliSatoshi, as direction: HTLCDirection,
                                      ownerDustLimit: Satoshi, policy: Commitments.AdderFee) -> MilliSatoshi {
        guard var spec else { return .zero }
        if amount > .zero {
            spec.htlcs.append(CommitmentHTLC(id: .max, direction: direction, amount: amount, paymentHash: probeHash, cltvExpiry: 0))
        }
        return msat(Commitments.feeOwed(under: policy, for: spec, ownerDustLimit: ownerDustLimit))
    }

    /// For display only: an amount too large for msat (never a real one) shows as the maximum.
    private static func msat(_ amount: Satoshi) -> MilliSatoshi { (try? amount.msat) ?? MilliSatoshi(.max) }

    /// The largest amount `refusal` accepts, found exactly. Between two trimming thresholds
    /// (where an HTLC starts to get an output, so the fee steps up, and stops counting as dust
    /// exposure) every limit is an upper bound on the amount and `minimum` the only lower one,
    /// so the accepted amounts of each such interval are a range: a binary search per interval.
    static func largestAccepted(minimum: MilliSatoshi, commitments: Commitments,
                                refusal: (MilliSatoshi) -> ChannelError?) -> AddLimit {
        let floor = max(minimum.value, 1)
        let ceiling = ((try? commitments.parameters.capacity.msat) ?? .zero).value
        guard ceiling >= floor else {
            return AddLimit(amount: .zero, refusal: refusal(MilliSatoshi(floor)) ?? .insufficientBalance("over the capacity"))
        }
        // Every threshold any rule could use: each dust limit plus each second-stage fee at each
        // feerate the commitments have or will have. A superset only adds intervals.
        var feerates: Set<UInt32> = [commitments.local.spec.feeratePerKw, commitments.remote.spec.feeratePerKw,
                                     commitments.latestRemote.spec.feeratePerKw]
        for case .fee(let update) in commitments.localChanges.all + commitments.remoteChanges.all {
            feerates.insert(update.feeratePerKw)
        }
        var cuts: Set<UInt64> = []
        for dustLimit in [commitments.parameters.localConfig.dustLimit, commitments.parameters.remoteConfig.dustLimit] {
            for feerate in feerates {
                for fee in [CommitmentFees.htlcTimeoutFee(feeratePerKw: feerate), CommitmentFees.htlcSuccessFee(feeratePerKw: feerate)] {
                    // An HTLC is untrimmed from (dust limit + fee) whole satoshis on.
                    let (threshold, overflow) = dustLimit.value.addingReportingOverflow(fee.value)
                    let (msat, overflowMsat) = threshold.multipliedReportingOverflow(by: 1000)
                    if !overflow, !overflowMsat, msat > floor, msat <= ceiling { cuts.insert(msat) }
                }
            }
        }
        let starts = [floor] + cuts.sorted()
        for index in starts.indices.reversed() {
            let low = starts[index]
            let high = index + 1 < starts.count ? starts[index + 1] - 1 : ceiling
            if refusal(MilliSatoshi(high)) == nil { return limit(at: high, refusal) }
            guard refusal(MilliSatoshi(low)) == nil else { continue }
            // `low` is accepted, `high` refused: narrow down to the last accepted amount.
            var accepted = low, refused = high
            while refused - accepted > 1 {
                let middle = accepted + (refused - accepted) / 2
                if refusal(MilliSatoshi(middle)) == nil { accepted = middle } else { refused = middle }
            }
            return limit(at: accepted, refusal)
        }
        return AddLimit(amount: .zero, refusal: refusal(MilliSatoshi(floor)) ?? .insufficientBalance("nothing can be added"))
    }

    private static func limit(at amount: UInt64, _ refusal: (MilliSatoshi) -> ChannelError?) -> AddLimit {
        AddLimit(amount: MilliSatoshi(amount),
                 refusal: refusal(MilliSatoshi(amount + 1)) ?? .insufficientBalance("over the capacity"))
    }
}
