import ChanCrypto
import ChanLedger

/// What the channel fixed at open and never changes.
public struct ChannelParameters: Hashable, Sendable {
    public let fundingOutPoint: OutPoint
    public let capacity: Satoshi
    public let weAreOpener: Bool
    /// What we ask of the peer (see `ChannelConfig`).
    public let localConfig: ChannelConfig
    /// What the peer asks of us.
    public let remoteConfig: ChannelConfig
    public let localBasepoints: Basepoints
    public let remoteBasepoints: Basepoints
    /// Cap on the sum of HTLCs that would be trimmed to fees if the channel closed on chain.
    public let maxDustExposure: MilliSatoshi

    public init(fundingOutPoint: OutPoint, capacity: Satoshi, weAreOpener: Bool, localConfig: ChannelConfig,
                remoteConfig: ChannelConfig, localBasepoints: Basepoints, remoteBasepoints: Basepoints,
                maxDustExposure: MilliSatoshi = MilliSatoshi(50_000_000)) {
        self.fundingOutPoint = fundingOutPoint
        self.capacity = capacity
        self.weAreOpener = weAreOpener
        self.localConfig = localConfig
        self.remoteConfig = remoteConfig
        self.localBasepoints = localBasepoints
        self.remoteBasepoints = remoteBasepoints
        self.maxDustExposure = maxDustExposure
    }

}

/// Our current commitment: the one we could broadcast, with the peer's signatures on it.
public struct LocalCommitment: Hashable, Sendable {
    public var number: UInt64
    public var spec: CommitmentSpec
    public var transaction: CommitmentTransaction
    public var remoteSignature: Signature
    /// The peer's signatures on our HTLC transactions, in `transaction.htlcOutputs` order.
    public var remoteHTLCSignatures: [Signature]
}

/// The peer's current commitment, as we signed it. `spec` is from the peer's point of view.
public struct RemoteCommitment: Hashable, Sendable {
    public var number: UInt64
    public var spec: CommitmentSpec
    public var txid: TxID
    public var perCommitmentPoint: PublicKey
}

/// Either we signed a next commitment for the peer and wait for it to revoke the current one,
/// or we hold the point for the next commitment we may sign.
public enum RemoteNextCommitment: Hashable, Sendable {
    /// `sentAfterLocalNumber` is our local commitment number when the signature left, which
    /// orders it against our own `revoke_and_ack` for retransmission after a reconnect.
    case awaitingRevocation(RemoteCommitment, sentAfterLocalNumber: UInt64)
    case ready(nextPoint: PublicKey)
}

/// An irrevocable outcome the node must act on: forward or settle an incoming HTLC, report an
/// outgoing one as paid or failed.
public enum HTLCResolution: Hashable, Sendable {
    /// The peer's HTLC is now committed in both commitments: it may be forwarded or settled.
    case incomingCommitted(CommitmentHTLC, onion: OnionRoutingPacket)
    /// Our HTLC was fulfilled: the preimage is proof of payment (final as soon as it is known).
    case outgoingFulfilled(id: UInt64, paymentHash: PaymentHash, preimage: Preimage)
    /// Our HTLC was failed and the failure is irrevocably committed.
    case outgoingFailed(id: UInt64, paymentHash: PaymentHash, failure: HTLCFailure)
}

/// The two commitments of a channel in its normal life and the updates moving between them.
/// Every method either applies completely or throws and leaves the value as it was (it works
/// on a copy held by the caller).
public struct Commitments: Hashable, Sendable {
    public let parameters: ChannelParameters
    public var channelID: ChannelID
    public internal(set) var local: LocalCommitment
    public internal(set) var remote: RemoteCommitment
    public internal(set) var remoteNext: RemoteNextCommitment
    public internal(set) var localChanges = ChangeLog()
    public internal(set) var remoteChanges = ChangeLog()
    public internal(set) var localNextHTLCID: UInt64 = 0
    public internal(set) var remoteNextHTLCID: UInt64 = 0
    /// The peer's revealed per-commitment secrets.
    public internal(set) var remoteSecrets = ShachainStore()
    /// Preimages we learned or revealed, by payment hash: needed to claim HTLCs on chain.
    public internal(set) var preimages: [PaymentHash: Preimage] = [:]
    /// Our HTLCs already reported fulfilled. The peer proposes a fulfil again after a
    /// reconnect discarded it unsigned (and may claim the HTLC on chain): the node must hear
    /// of each payment once. Kept while the HTLC is in a commitment (ids are never reused then).
    public internal(set) var reportedFulfilments: Set<UInt64> = []
    /// The onions of the peer's HTLCs that both commitments hold, until we settle them: the
    /// node decides on each HTLC from its onion, and must be able to again after a restart.
    /// Once our fulfil or failure is proposed, the decision is in that update (replayed as it
    /// is after a reconnect), and the onion (1,366 bytes, most of a busy channel's record) goes.
    public internal(set) var incomingOnions: [UInt64: OnionRoutingPacket] = [:]

    /// The latest commitment we signed for the peer (the next one while awaiting revocation).
    public var latestRemote: RemoteCommitment {
        switch remoteNext {
        case .awaitingRevocation(let next, _): next
        case .ready: remote
        }
    }

    public var isAwaitingRevocation: Bool {
        if case .awaitingRevocation = remoteNext { return true }
        return false
    }

    /// We have updates the peer's commitment does not reflect yet.
    public var localHasChanges: Bool { !remoteChanges.acked.isEmpty || !localChanges.proposed.isEmpty }
    /// The peer has updates our commitment does not reflect yet.
    public var remoteHasChanges: Bool { !localChanges.acked.isEmpty || !remoteChanges.proposed.isEmpty }

    // MARK: Adding HTLCs

    /// Proposes an HTLC to the peer. Checks every limit the peer set for us and that both
    /// commitments stay affordable, so the peer has no reason to refuse it.
    mutating func sendAdd(amount: MilliSatoshi, paymentHash: PaymentHash, cltvExpiry: UInt32,
                          onion: OnionRoutingPacket, currentHeight: UInt32) throws(ChannelError) -> UpdateAddHTLC {
        let remoteConfig = parameters.remoteConfig
        guard amount > .zero, amount >= remoteConfig.htlcMinimum else {
            throw .belowHTLCMinimum(minimum: remoteConfig.htlcMinimum.value, amount: amount.value)
        }
        guard cltvExpiry > currentHeight else { throw .expiryTooSoon(expiry: cltvExpiry, height: currentHeight) }
        guard cltvExpiry <= currentHeight + Commitments.maxCLTVExpiryDelta else {
            throw .expiryTooFar(expiry: cltvExpiry, height: currentHeight)
        }
        let add = UpdateAddHTLC(
            channelID: channelID, id: localNextHTLCID, amount: amount,
            paymentHash: try! Hash32(paymentHash.bytes), cltvExpiry: cltvExpiry, onionRoutingPacket: onion)

        // The peer's commitment with every update it will hold once this one is signed.
        let remoteView = try latestRemote.spec.applying(
            ownerUpdates: remoteChanges.acked, counterpartyUpdates: localChanges.proposed + [.add(add)])
        try checkHTLCLimits(in: remoteView, direction: .received, config: remoteConfig)
        try checkAffordable(remoteView, ownerIsOpener: !parameters.weAreOpener, ownerDustLimit: remoteConfig.dustLimit,
                            adderIsOwner: false, adderReserve: remoteConfig.channelReserve, checkOpener: true,
                            adderFee: .withSpikeBuffer)
        // Our own commitment must stay affordable too once the peer acknowledges the add.
        // (`local.spec` already holds the peer's acked and signed updates, none of ours pending.)
        let localView = try local.spec.applying(
            ownerUpdates: localChanges.all + [.add(add)], counterpartyUpdates: remoteChanges.proposed)
        try checkAffordable(localView, ownerIsOpener: parameters.weAreOpener, ownerDustLimit: parameters.localConfig.dustLimit,
                            adderIsOwner: true, adderReserve: remoteConfig.channelReserve, checkOpener: true,
                            adderFee: .withSpikeBuffer)
        try checkDustExposure(amountAdded: amount, feeratePerKw: remoteView.feeratePerKw)

        localChanges.proposed.append(.add(add))
        localNextHTLCID += 1
        return add
    }

    /// Accepts the peer's HTLC proposal if it respects every limit we set.
    mutating func receiveAdd(_ add: UpdateAddHTLC, currentHeight: UInt32) throws(ChannelError) {
        let localConfig = parameters.localConfig
        guard add.id == remoteNextHTLCID else { throw .unexpectedHTLCID(expected: remoteNextHTLCID, actual: add.id) }
        guard add.amount > .zero, add.amount >= localConfig.htlcMinimum else {
            throw .belowHTLCMinimum(minimum: localConfig.htlcMinimum.value, amount: add.amount.value)
        }
        guard add.cltvExpiry > currentHeight else { throw .expiryTooSoon(expiry: add.cltvExpiry, height: currentHeight) }
        guard add.cltvExpiry < 500_000_000 else { throw .expiryTooFar(expiry: add.cltvExpiry, height: currentHeight) }

        let localView = try local.spec.applying(
            ownerUpdates: localChanges.acked, counterpartyUpdates: remoteChanges.proposed + [.add(add)])
        try checkHTLCLimits(in: localView, direction: .received, config: localConfig)
        // The peer's reserve is checked, but not its fee: the peer checked the fee against the
        // updates it knew of, and ours crossing its add can leave it short with nobody at
        // fault. Refusing would refuse the add again each time it is sent after a reconnect
        // (a signed add must be), forever. The commitment stays buildable (BOLT 3 takes a fee
        // the opener cannot pay out of its own output), so only the opener bears the shortfall.
        try checkAffordable(localView, ownerIsOpener: parameters.weAreOpener, ownerDustLimit: localConfig.dustLimit,
                            adderIsOwner: false, adderReserve: localConfig.channelReserve, checkOpener: false,
                            adderFee: .notChecked)
        remoteChanges.proposed.append(.add(add))
        remoteNextHTLCID += 1
    }

    /// The furthest CLTV expiry we offer, as lnd and Core Lightning (two weeks of blocks).
    public static let maxCLTVExpiryDelta: UInt32 = 2016

    private func checkHTLCLimits(in spec: CommitmentSpec, direction: HTLCDirection, config: ChannelConfig) throws(ChannelError) {
        let htlcs = spec.htlcs.filter { $0.direction == direction }
        guard htlcs.count <= Int(config.maxAcceptedHTLCs) else { throw .tooManyHTLCs(limit: config.maxAcceptedHTLCs) }
        let inFlight: MilliSatoshi
        do { inFlight = try spec.htlcTotal(direction) } catch { throw .maxInFlightExceeded(limit: config.maxHTLCValueInFlight.value) }
        guard inFlight <= config.maxHTLCValueInFlight else { throw .maxInFlightExceeded(limit: config.maxHTLCValueInFlight.value) }
    }

    /// What an opener that adds an update must afford besides its reserve.
    enum AdderFee {
        /// Nothing (the update is the peer's, checked by the peer; see `receiveAdd`).
        case notChecked
        /// The commitment fee at the spec's feerate.
        case current
        /// BOLT 2's recommended "fee spike buffer": the fee at twice the feerate with one more
        /// HTLC output, so that the peer's adds crossing ours rarely leave us short.
        case withSpikeBuffer
    }

    /// The fee an opener adding to `spec` must be able to pay under `policy`.
    static func feeOwed(under policy: AdderFee, for spec: CommitmentSpec, ownerDustLimit: Satoshi) -> Satoshi {
        switch policy {
        case .notChecked:
            return .zero
        case .current:
            let untrimmed = CommitmentFees.untrimmedHTLCs(spec, dustLimit: ownerDustLimit).count
            return CommitmentFees.commitmentFee(feeratePerKw: spec.feeratePerKw, untrimmedHTLCCount: untrimmed)
        case .withSpikeBuffer:
            var doubled = spec
            doubled.feeratePerKw = spec.feeratePerKw.multipliedReportingOverflow(by: 2).overflow ? .max : spec.feeratePerKw * 2
            let untrimmedWhenDoubled = CommitmentFees.untrimmedHTLCs(doubled, dustLimit: ownerDustLimit).count
            return CommitmentFees.commitmentFee(feeratePerKw: doubled.feeratePerKw, untrimmedHTLCCount: untrimmedWhenDoubled + 1)
        }
    }

    /// The side whose update this is (`adder`) must keep `adderReserve` plus, if it opened the
    /// channel, the commitment fee as `adderFee` says. With `checkOpener`, an opener that is not
    /// the adder must still afford the fee (we do not make the peer's commitment unaffordable
    /// for it). Only the adder owes its reserve: a side starting below its reserve is not at fault.
    private func checkAffordable(_ spec: CommitmentSpec, ownerIsOpener: Bool, ownerDustLimit: Satoshi,
                                 adderIsOwner: Bool, adderReserve: Satoshi, checkOpener: Bool,
                                 adderFee: AdderFee = .current) throws(ChannelError) {
        let untrimmed = CommitmentFees.untrimmedHTLCs(spec, dustLimit: ownerDustLimit).count
        let fee = CommitmentFees.commitmentFee(feeratePerKw: spec.feeratePerKw, untrimmedHTLCCount: untrimmed)
        let adderIsOpener = adderIsOwner == ownerIsOpener
        let adderBalance = adderIsOwner ? spec.toLocal : spec.toRemote
        let openerBalance = ownerIsOpener ? spec.toLocal : spec.toRemote
        let adderFeeAmount = Commitments.feeOwed(under: adderFee, for: spec, ownerDustLimit: ownerDustLimit)
        guard let feeMsat = try? fee.msat, let reserveMsat = try? adderReserve.msat, let adderFeeMsat = try? adderFeeAmount.msat,
              let adderNeeds = try? reserveMsat.adding(adderIsOpener ? adderFeeMsat : .zero)
        else { throw .insufficientBalance("amount overflow") }
        guard adderBalance >= adderNeeds else {
            throw .insufficientBalance("\(adderBalance.value) msat left, \(adderNeeds.value) msat needed for reserve and fee")
        }
        if checkOpener, !adderIsOpener, openerBalance < feeMsat {
            throw .insufficientBalance("the opener could not pay the commitment fee of \(fee.value) sat")
        }
    }

    /// HTLCs that would be trimmed in either commitment are lost to fees if the channel closes
    /// on chain; their sum is capped.
    private func checkDustExposure(amountAdded: MilliSatoshi, feeratePerKw: UInt32) throws(ChannelError) {
        let exposure = dustExposure(adding: amountAdded, feeratePerKw: feeratePerKw)
        guard exposure <= parameters.maxDustExposure else { throw .dustExposureExceeded(limit: parameters.maxDustExposure.value) }
    }

    /// The sum of the HTLCs, in either commitment or proposed (and `amountAdded`), that would be
    /// trimmed at `feeratePerKw` (default: our commitment's): lost to fees on the ledger.
    public func dustExposure(adding amountAdded: MilliSatoshi? = nil, feeratePerKw: UInt32? = nil) -> MilliSatoshi {
        let feerate = feeratePerKw ?? local.spec.feeratePerKw
        struct Signed: Hashable { let id: UInt64; let direction: HTLCDirection }
        let inLocal = Set(local.spec.htlcs.map { Signed(id: $0.id, direction: $0.direction) })
        let pending = local.spec.htlcs + latestRemote.spec.flipped.htlcs.filter { !inLocal.contains(Signed(id: $0.id, direction: $0.direction)) }
        // Adds not signed yet, ours and the peer's, enter the next commitments too. (Counting
        // only signed HTLCs let a batch of adds before one `commitment_signed` exceed the cap.)
        let unsigned = (localChanges.proposed + remoteChanges.proposed).compactMap { update in
            if case .add(let add) = update { add.amount } else { nil }
        }
        let dustLimit = max(parameters.localConfig.dustLimit, parameters.remoteConfig.dustLimit)
        var exposure = MilliSatoshi.zero
        for amount in pending.map(\.amount) + unsigned + (amountAdded.map { [$0] } ?? []) where Self.isDust(amount, dustLimit: dustLimit, feeratePerKw: feerate) {
            exposure = (try? exposure.adding(amount)) ?? MilliSatoshi(.max)
        }
        return exposure
    }

    /// Whether the peer's HTLC of `amount`, received and to be forwarded, is dust past the cap:
    /// received dust is lost to fees on the ledger, so past the cap no more of it goes on.
    public func exceedsDustExposure(receiving amount: MilliSatoshi) -> Bool {
        isDust(amount) && dustExposure() > parameters.maxDustExposure
    }

    /// Whether an HTLC of `amount` would be trimmed from either commitment (it has no output):
    /// offered in one, received in the other, whose second-stage fees differ.
    public func isDust(_ amount: MilliSatoshi, feeratePerKw: UInt32? = nil) -> Bool {
        Self.isDust(amount, dustLimit: max(parameters.localConfig.dustLimit, parameters.remoteConfig.dustLimit),
                    feeratePerKw: feeratePerKw ?? local.spec.feeratePerKw)
    }

    /// The received side decides: its second-stage (success) transaction weighs more than the
    /// offered side's (timeout), so whatever is trimmed as offered is trimmed as received.
    private static func isDust(_ amount: MilliSatoshi, dustLimit: Satoshi, feeratePerKw: UInt32) -> Bool {
        let probe = CommitmentHTLC(id: 0, direction: .received, amount: amount, paymentHash: Channel.probeHash, cltvExpiry: 0)
        return CommitmentFees.isTrimmed(probe, dustLimit: dustLimit, feeratePerKw: feeratePerKw)
    }

    // MARK: Settling HTLCs

    /// An HTLC the peer offered us that both commitments hold.
    func incomingCrossSigned(_ id: UInt64) -> CommitmentHTLC? {
        guard let htlc = local.spec.htlcs.first(where: { $0.id == id && $0.direction == .received }),
              remote.spec.htlcs.contains(where: { $0.id == id && $0.direction == .offered })
        else { return nil }
        return htlc
    }

    /// An HTLC we offered the peer that both commitments hold.
    func outgoingCrossSigned(_ id: UInt64) -> CommitmentHTLC? {
        guard let htlc = local.spec.htlcs.first(where: { $0.id == id && $0.direction == .offered }),
              remote.spec.htlcs.contains(where: { $0.id == id && $0.direction == .received })
        else { return nil }
        return htlc
    }

    private func checkIncomingSettleable(_ id: UInt64) throws(ChannelError) -> CommitmentHTLC {
        guard let htlc = incomingCrossSigned(id) else { throw .unknownHTLC(id) }
        guard !localChanges.all.contains(where: { $0.settledHTLCID == id }) else { throw .htlcAlreadySettled(id) }
        return htlc
    }

    private func checkOutgoingSettleable(_ id: UInt64) throws(ChannelError) -> CommitmentHTLC {
        guard let htlc = outgoingCrossSigned(id) else { throw .unknownHTLC(id) }
        guard !remoteChanges.all.contains(where: { $0.settledHTLCID == id }) else { throw .htlcAlreadySettled(id) }
        return htlc
    }

    /// Our fulfil or failure of incoming HTLC `id` is proposed: the decision is in the update
    /// from now on, so the HTLC's onion is no longer kept (`incomingOnions`).
    private mutating func proposeSettlement(_ update: ChannelUpdate, of id: UInt64) {
        localChanges.proposed.append(update)
        incomingOnions[id] = nil
    }

    mutating func sendFulfill(id: UInt64, preimage: Preimage) throws(ChannelError) -> UpdateFulfillHTLC {
        let htlc = try checkIncomingSettleable(id)
        guard preimage.hash == htlc.paymentHash else { throw .wrongPreimage(id) }
        let fulfill = UpdateFulfillHTLC(channelID: channelID, id: id, paymentPreimage: try! Bytes32(preimage.bytes))
        proposeSettlement(.fulfill(fulfill), of: id)
        preimages[htlc.paymentHash] = preimage
        return fulfill
    }

    /// Remembers the preimage of an incoming HTLC of our commitment, for an on-chain claim.
    mutating func recordPreimage(_ preimage: Preimage, forIncomingHTLC id: UInt64) throws(ChannelError) {
        guard let htlc = local.spec.htlcs.first(where: { $0.id == id && $0.direction == .received }) else { throw .unknownHTLC(id) }
        guard preimage.hash == htlc.paymentHash else { throw .wrongPreimage(id) }
        preimages[htlc.paymentHash] = preimage
    }

    mutating func sendFail(id: UInt64, reason: [UInt8]) throws(ChannelError) -> UpdateFailHTLC {
        _ = try checkIncomingSettleable(id)
        let fail = UpdateFailHTLC(channelID: channelID, id: id, reason: reason)
        proposeSettlement(.fail(fail), of: id)
        return fail
    }

    mutating func sendFailMalformed(id: UInt64, sha256OfOnion: Hash32, failureCode: UInt16) throws(ChannelError) -> UpdateFailMalformedHTLC {
        _ = try checkIncomingSettleable(id)
        // BOLT 2: the BADONION bit must be set for a malformed failure.
        guard failureCode & 0x8000 != 0 else { throw .protocolViolation("failure code \(failureCode) lacks the BADONION bit") }
        let fail = UpdateFailMalformedHTLC(channelID: channelID, id: id, sha256OfOnion: sha256OfOnion, failureCode: failureCode)
        proposeSettlement(.failMalformed(fail), of: id)
        return fail
    }

    /// The peer fulfils our HTLC: the preimage is final proof of payment at once. Nil when
    /// this HTLC was already reported fulfilled (the peer proposes it again after a reconnect).
    mutating func receiveFulfill(_ fulfill: UpdateFulfillHTLC) throws(ChannelError) -> HTLCResolution? {
        let htlc = try checkOutgoingSettleable(fulfill.id)
        let preimage = try! Preimage(bytes: fulfill.paymentPreimage.bytes)
        guard preimage.hash == htlc.paymentHash else { throw .wrongPreimage(fulfill.id) }
        remoteChanges.proposed.append(.fulfill(fulfill))
        preimages[htlc.paymentHash] = preimage
        guard reportedFulfilments.insert(htlc.id).inserted else { return nil }
        return .outgoingFulfilled(id: htlc.id, paymentHash: htlc.paymentHash, preimage: preimage)
    }

    mutating func receiveFail(_ update: ChannelUpdate) throws(ChannelError) {
        guard let id = update.settledHTLCID else { throw .protocolViolation("not a failure") }
        _ = try checkOutgoingSettleable(id)
        if case .failMalformed(let malformed) = update, malformed.failureCode & 0x8000 == 0 {
            throw .protocolViolation("update_fail_malformed_htlc without the BADONION bit")
        }
        remoteChanges.proposed.append(update)
    }

    // MARK: Fees

    mutating func sendFee(feeratePerKw: UInt32) throws(ChannelError) -> UpdateFee {
        guard parameters.weAreOpener else { throw .feeUpdateNotAllowed("only the opener sets the fee") }
        guard feeratePerKw >= Commitments.minimumFeerate else { throw .feeUpdateNotAllowed("below \(Commitments.minimumFeerate) per kw") }
        let update = UpdateFee(channelID: channelID, feeratePerKw: feeratePerKw)
        let remoteView = try latestRemote.spec.applying(
            ownerUpdates: remoteChanges.acked, counterpartyUpdates: localChanges.proposed + [.fee(update)])
        try checkAffordable(remoteView, ownerIsOpener: false, ownerDustLimit: parameters.remoteConfig.dustLimit,
                            adderIsOwner: false, adderReserve: parameters.remoteConfig.channelReserve, checkOpener: false)
        // Earlier fee proposals stay (the last one wins when applied): after a reconnect the
        // signed updates are sent again, and they must arrive in the order the peer first saw
        // them. Moving a replaced fee update behind later adds changes the feerate at which
        // the peer checks those adds, and with it which HTLCs are trimmed: an add the peer
        // accepted could be refused on retransmission, again after every reconnect.
        localChanges.proposed.append(.fee(update))
        return update
    }

    mutating func receiveFee(_ update: UpdateFee) throws(ChannelError) {
        guard !parameters.weAreOpener else { throw .protocolViolation("update_fee from the non-opener") }
        guard update.feeratePerKw >= Commitments.minimumFeerate else { throw .protocolViolation("feerate \(update.feeratePerKw) too low") }
        // BOLT 2: SHOULD refuse a feerate the opener cannot pay. Its balance as we see it may
        // lag behind what it saw (our settlements cross its update, which it then retransmits
        // after every reconnect), so only a fee above the whole capacity, which no state of the
        // channel could pay, is refused as a broken or hostile peer.
        let baseFee = CommitmentFees.commitmentFee(feeratePerKw: update.feeratePerKw, untrimmedHTLCCount: 0)
        guard baseFee <= parameters.capacity else {
            throw .insufficientBalance("a commitment fee of \(baseFee.value) sat exceeds the capacity of \(parameters.capacity.value) sat")
        }
        remoteChanges.proposed.removeAll { if case .fee = $0 { return true } else { return false } }
        let localView = try local.spec.applying(
            ownerUpdates: localChanges.acked, counterpartyUpdates: remoteChanges.proposed + [.fee(update)])
        // As for adds (see `receiveAdd`): the opener checked the fee against what it knew; our
        // updates crossing it must not make us refuse it again on every retransmission.
        try checkAffordable(localView, ownerIsOpener: false, ownerDustLimit: parameters.localConfig.dustLimit,
                            adderIsOwner: false, adderReserve: parameters.localConfig.channelReserve, checkOpener: false,
                            adderFee: .notChecked)
        remoteChanges.proposed.append(.fee(update))
    }

    /// BOLT 2 floor for `feerate_per_kw`.
    public static let minimumFeerate: UInt32 = 253
}
