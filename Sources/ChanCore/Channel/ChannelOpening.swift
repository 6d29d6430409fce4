import ChanCrypto
import ChanLedger

/// BOLT 2 channel establishment: `open_channel`, `accept_channel`, `funding_created`,
/// `funding_signed`, `channel_ready`.
extension Channel {
    /// The smallest channel we open or accept.
    public static let minimumFunding = Satoshi(20_000)
    /// The longest `to_self_delay` we accept from a peer (two weeks of blocks).
    public static let maximumToSelfDelay: UInt16 = 2016
    public static let defaultMinimumDepth: UInt32 = 3

    /// Starts opening a channel to `peerID`; the first effect sends `open_channel`. The
    /// funding must have `minimumDepth` confirmations, or the acceptor's `minimum_depth` if more.
    public static func open(keys: ChannelKeys, peerID: PublicKey, chainHash: Hash32, temporaryChannelID: ChannelID,
                            fundingAmount: Satoshi, pushAmount: MilliSatoshi = .zero, feeratePerKw: UInt32,
                            localConfig: ChannelConfig, minimumDepth: UInt32 = 1, announce: Bool = false,
                            destination: OutputCondition, currentHeight: UInt32, now: UInt64) throws(ChannelError) -> (Channel, [ChannelEffect]) {
        guard fundingAmount >= minimumFunding, fundingAmount <= .maxMoney else {
            throw .invalidParameters("funding must be at least \(minimumFunding.value) sat")
        }
        guard let fundingMsat = try? fundingAmount.msat, pushAmount <= fundingMsat else {
            throw .invalidParameters("the push amount exceeds the funding")
        }
        guard feeratePerKw >= Commitments.minimumFeerate else { throw .invalidParameters("feerate below \(Commitments.minimumFeerate) per kw") }
        guard localConfig.dustLimit >= LedgerRules.dustLimit else {
            throw .invalidParameters("our dust_limit is below the ledger's \(LedgerRules.dustLimit.value) sat")
        }
        guard minimumDepth <= 144 else { throw .invalidParameters("a minimum depth of \(minimumDepth) blocks is unreasonable") }
        let negotiation = OpeningNegotiation(fundingAmount: fundingAmount, pushAmount: pushAmount, feeratePerKw: feeratePerKw,
                                             minimumDepth: max(minimumDepth, 1), announceChannel: announce)
        let channel = Channel(keys: keys, peerID: peerID, weAreOpener: true, chainHash: chainHash, localConfig: localConfig,
                              destination: destination, phase: .opening, temporaryChannelID: temporaryChannelID,
                              opening: negotiation, currentHeight: currentHeight)
        // The opener's own balance must pay the first commitment's fee and keep a reserve.
        try channel.checkOpenerCanPay(localFunding: try! fundingMsat.subtracting(pushAmount))
        let basepoints = keys.basepoints
        let open = OpenChannel(
            chainHash: chainHash, temporaryChannelID: temporaryChannelID, fundingAmount: fundingAmount, pushAmount: pushAmount,
            dustLimit: localConfig.dustLimit, maxHTLCValueInFlight: localConfig.maxHTLCValueInFlight,
            channelReserve: localConfig.channelReserve, htlcMinimum: localConfig.htlcMinimum, feeratePerKw: feeratePerKw,
            toSelfDelay: localConfig.toSelfDelay, maxAcceptedHTLCs: localConfig.maxAcceptedHTLCs,
            fundingPubkey: SerializedPoint(basepoints.funding), revocationBasepoint: SerializedPoint(basepoints.revocation),
            paymentBasepoint: SerializedPoint(basepoints.payment), delayedPaymentBasepoint: SerializedPoint(basepoints.delayedPayment),
            htlcBasepoint: SerializedPoint(basepoints.htlc), firstPerCommitmentPoint: SerializedPoint(try firstPoint(keys)),
            channelFlags: announce ? [.announceChannel] : [])
        return (channel, [.send(.openChannel(open))])
    }

    /// Answers a peer's `open_channel`: refuses unacceptable parameters, else sends `accept_channel`.
    public static func accept(_ open: OpenChannel, keys: ChannelKeys, peerID: PublicKey, chainHash: Hash32,
                              localConfig: ChannelConfig, minimumDepth: UInt32 = defaultMinimumDepth,
                              destination: OutputCondition, currentHeight: UInt32, now: UInt64) throws(ChannelError) -> (Channel, [ChannelEffect]) {
        guard open.chainHash == chainHash else { throw .invalidParameters("the channel is for another chain") }
        guard open.fundingAmount >= minimumFunding, open.fundingAmount <= .maxMoney else {
            throw .invalidParameters("funding of \(open.fundingAmount.value) sat is below \(minimumFunding.value) sat")
        }
        guard let fundingMsat = try? open.fundingAmount.msat, open.pushAmount <= fundingMsat else {
            throw .invalidParameters("push_msat exceeds the funding")
        }
        guard open.feeratePerKw >= Commitments.minimumFeerate else { throw .invalidParameters("feerate below \(Commitments.minimumFeerate) per kw") }
        let remoteConfig = ChannelConfig(
            dustLimit: open.dustLimit, channelReserve: open.channelReserve, htlcMinimum: open.htlcMinimum,
            maxHTLCValueInFlight: open.maxHTLCValueInFlight, toSelfDelay: open.toSelfDelay, maxAcceptedHTLCs: open.maxAcceptedHTLCs)
        try validate(remoteConfig: remoteConfig, localConfig: localConfig, capacity: open.fundingAmount)
        var negotiation = OpeningNegotiation(fundingAmount: open.fundingAmount, pushAmount: open.pushAmount,
                                             feeratePerKw: open.feeratePerKw, minimumDepth: minimumDepth,
                                             announceChannel: open.channelFlags.contains(.announceChannel))
        negotiation.remoteConfig = remoteConfig
        negotiation.remoteBasepoints = try basepoints(funding: open.fundingPubkey, revocation: open.revocationBasepoint,
                                                      payment: open.paymentBasepoint, delayed: open.delayedPaymentBasepoint,
                                                      htlc: open.htlcBasepoint)
        negotiation.remoteFirstPoint = try point(open.firstPerCommitmentPoint, "first_per_commitment_point")
        let channel = Channel(keys: keys, peerID: peerID, weAreOpener: false, chainHash: chainHash, localConfig: localConfig,
                              destination: destination, phase: .opening, temporaryChannelID: open.temporaryChannelID,
                              opening: negotiation, currentHeight: currentHeight)
        try channel.checkOpenerCanPay(localFunding: try! fundingMsat.subtracting(open.pushAmount))
        let ours = keys.basepoints
        let accept = AcceptChannel(
            temporaryChannelID: open.temporaryChannelID, dustLimit: localConfig.dustLimit,
            maxHTLCValueInFlight: localConfig.maxHTLCValueInFlight, channelReserve: localConfig.channelReserve,
            htlcMinimum: localConfig.htlcMinimum, minimumDepth: minimumDepth, toSelfDelay: localConfig.toSelfDelay,
            maxAcceptedHTLCs: localConfig.maxAcceptedHTLCs, fundingPubkey: SerializedPoint(ours.funding),
            revocationBasepoint: SerializedPoint(ours.revocation), paymentBasepoint: SerializedPoint(ours.payment),
            delayedPaymentBasepoint: SerializedPoint(ours.delayedPayment), htlcBasepoint: SerializedPoint(ours.htlc),
            firstPerCommitmentPoint: SerializedPoint(try firstPoint(keys)))
        return (channel, [.send(.acceptChannel(accept))])
    }

    /// BOLT 2's checks on the limits a peer asks of us.
    static func validate(remoteConfig: ChannelConfig, localConfig: ChannelConfig, capacity: Satoshi) throws(ChannelError) {
        guard localConfig.dustLimit >= LedgerRules.dustLimit else {
            throw .invalidParameters("our dust_limit is below the ledger's \(LedgerRules.dustLimit.value) sat")
        }
        guard remoteConfig.maxAcceptedHTLCs >= 1, remoteConfig.maxAcceptedHTLCs <= ChannelConfig.maxAcceptedHTLCsLimit else {
            throw .invalidParameters("max_accepted_htlcs must be 1...\(ChannelConfig.maxAcceptedHTLCsLimit)")
        }
        guard remoteConfig.toSelfDelay <= maximumToSelfDelay else {
            throw .invalidParameters("to_self_delay \(remoteConfig.toSelfDelay) exceeds \(maximumToSelfDelay)")
        }
        guard remoteConfig.dustLimit >= LedgerRules.dustLimit else {
            throw .invalidParameters("dust_limit below the ledger's \(LedgerRules.dustLimit.value) sat")
        }
        guard remoteConfig.channelReserve < capacity else { throw .invalidParameters("channel_reserve exceeds the capacity") }
        guard remoteConfig.dustLimit <= remoteConfig.channelReserve || remoteConfig.channelReserve == .zero else {
            throw .invalidParameters("dust_limit exceeds channel_reserve")
        }
        guard localConfig.dustLimit <= remoteConfig.channelReserve || remoteConfig.channelReserve == .zero else {
            throw .invalidParameters("our dust_limit exceeds the reserve asked of us")
        }
        guard remoteConfig.dustLimit <= localConfig.channelReserve || localConfig.channelReserve == .zero else {
            throw .invalidParameters("their dust_limit exceeds the reserve we ask of them")
        }
    }

    /// The opener's balance at open must pay the first commitment's fee.
    func checkOpenerCanPay(localFunding openerBalance: MilliSatoshi) throws(ChannelError) {
        let fee = CommitmentFees.commitmentFee(feeratePerKw: opening.feeratePerKw, untrimmedHTLCCount: 0)
        guard let feeMsat = try? fee.msat, openerBalance >= feeMsat else {
            throw .invalidParameters("the opener's balance cannot pay the commitment fee of \(fee.value) sat")
        }
    }

    mutating func acceptChannelReceived(_ accept: AcceptChannel) throws(ChannelError) -> [ChannelEffect] {
        guard phase == .opening, weAreOpener, opening.remoteConfig == nil else { throw .protocolViolation("unexpected accept_channel") }
        guard accept.temporaryChannelID == temporaryChannelID else { throw .protocolViolation("accept_channel for another channel") }
        guard accept.minimumDepth <= 144 else { throw .invalidParameters("minimum_depth \(accept.minimumDepth) is unreasonable") }
        let remoteConfig = ChannelConfig(
            dustLimit: accept.dustLimit, channelReserve: accept.channelReserve, htlcMinimum: accept.htlcMinimum,
            maxHTLCValueInFlight: accept.maxHTLCValueInFlight, toSelfDelay: accept.toSelfDelay, maxAcceptedHTLCs: accept.maxAcceptedHTLCs)
        try Channel.validate(remoteConfig: remoteConfig, localConfig: localConfig, capacity: opening.fundingAmount)
        opening.remoteConfig = remoteConfig
        opening.minimumDepth = max(accept.minimumDepth, opening.minimumDepth)
        opening.remoteBasepoints = try Channel.basepoints(
            funding: accept.fundingPubkey, revocation: accept.revocationBasepoint, payment: accept.paymentBasepoint,
            delayed: accept.delayedPaymentBasepoint, htlc: accept.htlcBasepoint)
        opening.remoteFirstPoint = try Channel.point(accept.firstPerCommitmentPoint, "first_per_commitment_point")
        return [.fundingNeeded(amount: opening.fundingAmount, condition: fundingCondition!)]
    }

    /// The opener's wallet made the funding transaction: sign the peer's first commitment.
    mutating func fundingTransactionReady(_ transaction: Transaction, outputIndex: UInt32) throws(ChannelError) -> [ChannelEffect] {
        guard phase == .opening, weAreOpener, let fundingCondition, fundingTransaction == nil else {
            throw .invalidState("no funding transaction is expected now")
        }
        guard Int(outputIndex) < transaction.outputs.count, outputIndex <= UInt32(UInt16.max) else {
            throw .invalidParameters("the funding output index is out of range")
        }
        let output = transaction.outputs[Int(outputIndex)]
        guard output.amount == opening.fundingAmount,
              output.condition == fundingCondition
        else { throw .invalidParameters("the funding output does not pay the channel's amount to its 2-of-2 condition") }
        let outPoint = OutPoint(txid: transaction.txid, index: outputIndex)
        let pending = try initialCommitments(fundingOutPoint: outPoint)
        let signature = pending.ourSignatureForRemote
        fundingTransaction = transaction
        opening.fundingOutPoint = outPoint
        let created = FundingCreated(
            temporaryChannelID: temporaryChannelID, fundingTxid: try! Hash32(transaction.txid.bytes),
            fundingOutputIndex: UInt16(outputIndex), signature: try! CompactSignature(signature.compact))
        return [.send(.fundingCreated(created))]
    }

    /// The acceptor checks the opener's signature on its first commitment and signs the opener's.
    mutating func fundingCreatedReceived(_ created: FundingCreated, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        guard phase == .opening, !weAreOpener, opening.remoteConfig != nil, commitments == nil else {
            throw .protocolViolation("unexpected funding_created")
        }
        guard created.temporaryChannelID == temporaryChannelID else { throw .protocolViolation("funding_created for another channel") }
        let outPoint = OutPoint(txid: try! TxID(bytes: created.fundingTxid.bytes), index: UInt32(created.fundingOutputIndex))
        let pending = try initialCommitments(fundingOutPoint: outPoint)
        commitments = try pending.commitments(remoteSignature: created.signature)
        let signature = pending.ourSignatureForRemote
        let changed = transition(to: .awaitingFunding, cause: "funding_created received and signed", now: now)
        let signed = FundingSigned(channelID: channelID, signature: try! CompactSignature(signature.compact))
        return [.persist(), .send(.fundingSigned(signed))] + changed
    }

    /// The opener checks the acceptor's signature on its first commitment, then broadcasts the funding.
    mutating func fundingSignedReceived(_ signed: FundingSigned, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        guard phase == .opening, weAreOpener, let fundingTransaction, let outPoint = opening.fundingOutPoint, commitments == nil else {
            throw .protocolViolation("unexpected funding_signed")
        }
        let pending = try initialCommitments(fundingOutPoint: outPoint)
        guard signed.channelID == pending.channelID else { throw .protocolViolation("funding_signed for another channel") }
        commitments = try pending.commitments(remoteSignature: signed.signature)
        let changed = transition(to: .awaitingFunding, cause: "funding_signed received; funding broadcast", now: now)
        return [.persist(), .broadcast(fundingTransaction)] + changed
    }

    /// The 2-of-2 the funding output pays, once the peer's funding key is known.
    private var fundingCondition: OutputCondition? {
        opening.remoteBasepoints.map { .funding(keys.basepoints.funding, $0.funding) }
    }

    /// Both first commitments for a funding outpoint; our own still lacks the peer's signature.
    private func initialCommitments(fundingOutPoint: OutPoint) throws(ChannelError) -> PendingCommitments {
        guard let remoteConfig = opening.remoteConfig, let remoteBasepoints = opening.remoteBasepoints,
              let remoteFirstPoint = opening.remoteFirstPoint
        else { throw .invalidState("the peer's parameters are not known yet") }
        let parameters = ChannelParameters(
            fundingOutPoint: fundingOutPoint, capacity: opening.fundingAmount, weAreOpener: weAreOpener,
            localConfig: localConfig, remoteConfig: remoteConfig, localBasepoints: keys.basepoints, remoteBasepoints: remoteBasepoints)
        let fundingMsat = try! opening.fundingAmount.msat
        let openerBalance = try! fundingMsat.subtracting(opening.pushAmount)
        let localSpec = CommitmentSpec(
            htlcs: [], toLocal: weAreOpener ? openerBalance : opening.pushAmount,
            toRemote: weAreOpener ? opening.pushAmount : openerBalance, feeratePerKw: opening.feeratePerKw)
        let remoteSpec = localSpec.flipped
        let localCommitment = try parameters.localCommitment(number: 0, spec: localSpec, keys: keys)
        let remoteCommitment = try parameters.remoteCommitment(number: 0, spec: remoteSpec, point: remoteFirstPoint)
        let (remoteSignature, _) = try parameters.signRemoteCommitment(remoteCommitment, feeratePerKw: opening.feeratePerKw, keys: keys)
        return PendingCommitments(
            parameters: parameters, localSpec: localSpec, localCommitment: localCommitment,
            remote: RemoteCommitment(number: 0, spec: remoteSpec, txid: remoteCommitment.txid, perCommitmentPoint: remoteFirstPoint),
            ourSignatureForRemote: remoteSignature)
    }

    mutating func fundingConfirmed(depth: UInt32, shortChannelID: ShortChannelID, output: TxOutput, now: UInt64) -> [ChannelEffect] {
        guard let commitments else { return [] }
        guard output.amount == commitments.parameters.capacity, output.condition == fundingCondition else {
            // Not the output both commitments spend: they could never confirm, and nothing of
            // ours is locked. The channel ends here, and the peer hears why.
            guard phase == .awaitingFunding else { return [] }
            let text = "the funding output holds \(output.amount.value) sat to \(output.condition.kind), not the channel's \(commitments.parameters.capacity.value) sat to its 2-of-2"
            let changed = transition(to: .closed, cause: text, now: now)
            return [.persist(), .send(.error(ErrorMessage(channelID: commitments.channelID, data: Array(text.utf8))))] + changed
        }
        fundingDepth = depth
        self.shortChannelID = shortChannelID
        guard phase == .awaitingFunding, !channelReadySent, depth >= opening.minimumDepth, isConnected else { return [] }
        channelReadySent = true
        let secondPoint = try! keys.perCommitmentPoint(commitmentNumber: 1)
        let ready = ChannelReady(channelID: commitments.channelID, secondPerCommitmentPoint: SerializedPoint(secondPoint))
        var effects: [ChannelEffect] = [.persist(), .send(.channelReady(ready))]
        effects += becomeNormalIfReady(now: now)
        return effects
    }

    mutating func channelReadyReceived(_ ready: ChannelReady, now: UInt64) throws(ChannelError) -> [ChannelEffect] {
        let point = try Channel.point(ready.secondPerCommitmentPoint, "second_per_commitment_point")
        guard commitments != nil else { throw .protocolViolation("unexpected channel_ready") }
        if channelReadyReceived {
            // BOLT 2 retransmits channel_ready after a reconnect while no commitment was signed
            // since, whatever the channel's phase now (a close may have started meanwhile). It
            // must repeat the same point.
            guard opening.remoteSecondPoint == point else { throw .protocolViolation("channel_ready changed its point") }
            return []
        }
        guard phase == .awaitingFunding || phase == .normal else { throw .protocolViolation("unexpected channel_ready") }
        channelReadyReceived = true
        opening.remoteSecondPoint = point
        commitments!.remoteNext = .ready(nextPoint: point)
        return [.persist()] + becomeNormalIfReady(now: now)
    }

    private mutating func becomeNormalIfReady(now: UInt64) -> [ChannelEffect] {
        guard channelReadySent, channelReadyReceived, phase == .awaitingFunding else { return [] }
        let changed = transition(to: .normal, cause: "channel_ready sent and received", now: now)
        return changed
    }

    // MARK: Conversions of peer-supplied points

    static func point(_ point: SerializedPoint, _ field: String) throws(ChannelError) -> PublicKey {
        guard let key = try? PublicKey(compressed: point.bytes) else { throw .invalidParameters("\(field) is not a valid point") }
        return key
    }

    static func basepoints(funding: SerializedPoint, revocation: SerializedPoint, payment: SerializedPoint,
                           delayed: SerializedPoint, htlc: SerializedPoint) throws(ChannelError) -> Basepoints {
        Basepoints(funding: try point(funding, "funding_pubkey"), revocation: try point(revocation, "revocation_basepoint"),
                   payment: try point(payment, "payment_basepoint"), delayedPayment: try point(delayed, "delayed_payment_basepoint"),
                   htlc: try point(htlc, "htlc_basepoint"))
    }

    static func firstPoint(_ keys: ChannelKeys) throws(ChannelError) -> PublicKey {
        guard let point = try? keys.perCommitmentPoint(commitmentNumber: 0) else { throw .invalidState("cannot derive the first point") }
        return point
    }
}

/// The first commitments while the funding signatures are exchanged: ours still lacks the
/// peer's signature, which `commitments(remoteSignature:)` checks before the channel exists.
private struct PendingCommitments {
    let parameters: ChannelParameters
    let localSpec: CommitmentSpec
    let localCommitment: CommitmentTransaction
    let remote: RemoteCommitment
    let ourSignatureForRemote: Signature

    var channelID: ChannelID {
        ChannelID(fundingTxid: try! Hash32(parameters.fundingOutPoint.txid.bytes),
                  outputIndex: UInt16(truncatingIfNeeded: parameters.fundingOutPoint.index))
    }

    func commitments(remoteSignature compact: CompactSignature) throws(ChannelError) -> Commitments {
        guard let signature = try? Signature(compact: compact.bytes),
              CommitmentSigning.verify(signature, on: localCommitment.transaction, inputIndex: 0, by: parameters.remoteBasepoints.funding)
        else { throw .invalidSignature("the first commitment") }
        // Until the peer's `channel_ready` brings its second point, no commitment can be signed
        // (the channel is not `normal`); the first point stands in.
        return Commitments(
            parameters: parameters, channelID: channelID,
            local: LocalCommitment(number: 0, spec: localSpec, transaction: localCommitment,
                                   remoteSignature: signature, remoteHTLCSignatures: []),
            remote: remote, remoteNext: .ready(nextPoint: remote.perCommitmentPoint))
    }
}
