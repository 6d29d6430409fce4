import ChanCrypto
import ChanLedger

/// What `chan channel ID` prints: a channel as plain values, from our side, for people and
/// scripts. Keys are snake_case whatever the encoder's key strategy (explicit `CodingKeys`),
/// amounts carry their unit in the name, and nothing secret is included: no key, no
/// per-commitment secret, no preimage. `docs/channel-snapshot.schema.json` is its schema.
public struct ChannelSnapshot: Hashable, Sendable, Codable {
    public enum Opener: String, Hashable, Sendable, Codable {
        case local, remote
    }

    public var channelID: String
    /// `BLOCKxTXxOUTPUT` once the funding transaction is confirmed.
    public var shortChannelID: String?
    public var peerID: String
    public var state: ChannelPhase
    public var stateChanges: [StateChange]
    public var opener: Opener
    /// Not announced to the network (BOLT 7 `announce_channel` unset at opening).
    public var isPrivate: Bool
    public var connected: Bool
    /// `txid:index`, once both first commitments are signed.
    public var fundingOutpoint: String?
    /// Confirmations of the funding transaction the ledger reported so far.
    public var fundingDepth: UInt32
    public var capacitySat: UInt64
    /// Our balance in our current commitment, before fees, HTLCs not included.
    public var toLocalMsat: UInt64
    /// The peer's balance in our current commitment, before fees, HTLCs not included.
    public var toRemoteMsat: UInt64
    /// The largest HTLC `ChannelCommand.addHTLC` accepts right now (0 if none).
    public var spendableMsat: UInt64
    public var spendableBreakdown: SpendableBreakdown
    /// The largest `update_add_htlc` we accept from the peer right now (0 if none).
    public var receivableMsat: UInt64
    public var receivableBreakdown: ReceivableBreakdown
    /// Outputs of our commitment below this are left out of it.
    public var dustLimitSat: UInt64
    /// Blocks our own `to_local` waits after a force close (the peer chose it).
    public var toSelfDelay: UInt16
    public var feeratePerKw: UInt32
    /// What we ask of the peer.
    public var localConfig: Config
    /// What the peer asks of us; null until it answered the opening.
    public var remoteConfig: Config?
    /// Every pending HTLC (none once the channel is closed).
    public var htlcs: [HTLC]
    public var localCommitmentNumber: UInt64
    public var remoteCommitmentNumber: UInt64
    /// We signed a next commitment for the peer and wait for its `revoke_and_ack`.
    public var awaitingRevocation: Bool
    /// Revoked commitments of the peer we can punish if they appear on the ledger.
    public var revokedStatesHeld: Int
    /// The transaction closing the channel: the agreed mutual close, the commitment confirmed
    /// on the ledger, or the commitment we broadcast in a force close.
    public var closingTxid: String?
    /// Once a commitment is on the ledger: how its outputs are being resolved.
    public var onChainResolution: OnChain?

    enum CodingKeys: String, CodingKey {
        case channelID = "channel_id"
        case shortChannelID = "short_channel_id"
        case peerID = "peer_id"
        case state
        case stateChanges = "state_changes"
        case opener
        case isPrivate = "private"
        case connected
        case fundingOutpoint = "funding_outpoint"
        case fundingDepth = "funding_depth"
        case capacitySat = "capacity_sat"
        case toLocalMsat = "to_local_msat"
        case toRemoteMsat = "to_remote_msat"
        case spendableMsat = "spendable_msat"
        case spendableBreakdown = "spendable_breakdown"
        case receivableMsat = "receivable_msat"
        case receivableBreakdown = "receivable_breakdown"
        case dustLimitSat = "dust_limit_sat"
        case toSelfDelay = "to_self_delay"
        case feeratePerKw = "feerate_per_kw"
        case localConfig = "local_config"
        case remoteConfig = "remote_config"
        case htlcs
        case localCommitmentNumber = "local_commitment_number"
        case remoteCommitmentNumber = "remote_commitment_number"
        case awaitingRevocation = "awaiting_revocation"
        case revokedStatesHeld = "revoked_states_held"
        case closingTxid = "closing_txid"
        case onChainResolution = "on_chain_resolution"
    }

    /// Encodes every key, `null` included: a script can rely on each field being present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channelID, forKey: .channelID)
        try container.encode(shortChannelID, forKey: .shortChannelID)
        try container.encode(peerID, forKey: .peerID)
        try container.encode(state, forKey: .state)
        try container.encode(stateChanges, forKey: .stateChanges)
        try container.encode(opener, forKey: .opener)
        try container.encode(isPrivate, forKey: .isPrivate)
        try container.encode(connected, forKey: .connected)
        try container.encode(fundingOutpoint, forKey: .fundingOutpoint)
        try container.encode(fundingDepth, forKey: .fundingDepth)
        try container.encode(capacitySat, forKey: .capacitySat)
        try container.encode(toLocalMsat, forKey: .toLocalMsat)
        try container.encode(toRemoteMsat, forKey: .toRemoteMsat)
        try container.encode(spendableMsat, forKey: .spendableMsat)
        try container.encode(spendableBreakdown, forKey: .spendableBreakdown)
        try container.encode(receivableMsat, forKey: .receivableMsat)
        try container.encode(receivableBreakdown, forKey: .receivableBreakdown)
        try container.encode(dustLimitSat, forKey: .dustLimitSat)
        try container.encode(toSelfDelay, forKey: .toSelfDelay)
        try container.encode(feeratePerKw, forKey: .feeratePerKw)
        try container.encode(localConfig, forKey: .localConfig)
        try container.encode(remoteConfig, forKey: .remoteConfig)
        try container.encode(htlcs, forKey: .htlcs)
        try container.encode(localCommitmentNumber, forKey: .localCommitmentNumber)
        try container.encode(remoteCommitmentNumber, forKey: .remoteCommitmentNumber)
        try container.encode(awaitingRevocation, forKey: .awaitingRevocation)
        try container.encode(revokedStatesHeld, forKey: .revokedStatesHeld)
        try container.encode(closingTxid, forKey: .closingTxid)
        try container.encode(onChainResolution, forKey: .onChainResolution)
    }

    /// Why `spendable_msat` is what it is. When `limited_by` is `insufficient_balance`,
    /// `spendable = balance - reserve - commit_fee` unless one more msat would make the HTLC
    /// big enough to get its own output (and so raise the fee): then it stops just below.
    public struct SpendableBreakdown: Hashable, Sendable, Codable {
        /// Our balance once every pending update applies (our pending HTLCs already deducted).
        public var balanceMsat: UInt64
        /// What the peer makes us keep.
        public var reserveMsat: UInt64
        /// The commitment fee we pay, as opener, with the spendable HTLC added (0 if the peer opened).
        public var commitFeeMsat: UInt64
        /// Our HTLCs not yet removed (in flight, counted against the peer's max in flight).
        public var pendingOutgoingMsat: UInt64
        /// The `ChannelError` code of adding one msat more than `spendable_msat`.
        public var limitedBy: String

        enum CodingKeys: String, CodingKey {
            case balanceMsat = "balance_msat"
            case reserveMsat = "reserve_msat"
            case commitFeeMsat = "commit_fee_msat"
            case pendingOutgoingMsat = "pending_outgoing_msat"
            case limitedBy = "limited_by"
        }
    }

    /// Why `receivable_msat` is what it is: the same terms from the peer's side.
    public struct ReceivableBreakdown: Hashable, Sendable, Codable {
        /// The peer's balance once its pending updates apply.
        public var balanceMsat: UInt64
        /// What we make the peer keep.
        public var reserveMsat: UInt64
        /// The commitment fee the peer pays, as opener, with the receivable HTLC added (0 if we opened).
        public var commitFeeMsat: UInt64
        /// The peer's HTLCs to us not yet removed.
        public var pendingIncomingMsat: UInt64
        /// The `ChannelError` code of accepting one msat more than `receivable_msat`.
        public var limitedBy: String

        enum CodingKeys: String, CodingKey {
            case balanceMsat = "balance_msat"
            case reserveMsat = "reserve_msat"
            case commitFeeMsat = "commit_fee_msat"
            case pendingIncomingMsat = "pending_incoming_msat"
            case limitedBy = "limited_by"
        }
    }

    /// A `ChannelConfig`: the limits one side asks of the other.
    public struct Config: Hashable, Sendable, Codable {
        public var dustLimitSat: UInt64
        public var channelReserveSat: UInt64
        public var htlcMinimumMsat: UInt64
        public var maxHTLCValueInFlightMsat: UInt64
        public var toSelfDelay: UInt16
        public var maxAcceptedHTLCs: UInt16

        enum CodingKeys: String, CodingKey {
            case dustLimitSat = "dust_limit_sat"
            case channelReserveSat = "channel_reserve_sat"
            case htlcMinimumMsat = "htlc_minimum_msat"
            case maxHTLCValueInFlightMsat = "max_htlc_value_in_flight_msat"
            case toSelfDelay = "to_self_delay"
            case maxAcceptedHTLCs = "max_accepted_htlcs"
        }

        init(_ config: ChannelConfig) {
            dustLimitSat = config.dustLimit.value
            channelReserveSat = config.channelReserve.value
            htlcMinimumMsat = config.htlcMinimum.value
            maxHTLCValueInFlightMsat = config.maxHTLCValueInFlight.value
            toSelfDelay = config.toSelfDelay
            maxAcceptedHTLCs = config.maxAcceptedHTLCs
        }
    }

    /// One HTLC of the channel, from our side.
    public struct HTLC: Hashable, Sendable, Codable {
        public enum Direction: String, Hashable, Sendable, Codable {
            /// We offered it: paid from our balance if fulfilled.
            case offered
            /// The peer offered it to us.
            case received
        }

        public enum State: String, Hashable, Sendable, Codable {
            /// Proposed or signed, not yet irrevocably in both current commitments.
            case adding
            /// In both current commitments, nothing settles it yet.
            case committed
            /// A fulfil is on its way (proposed, signed or waiting to be replayed), or we hold
            /// the preimage of this HTLC to us.
            case fulfilling
            /// A fail is on its way.
            case failing
        }

        /// The id its offerer gave it; offered and received ids are separate sequences.
        public var id: UInt64
        public var direction: Direction
        public var amountMsat: UInt64
        public var paymentHash: String
        public var cltvExpiry: UInt32
        public var state: State

        enum CodingKeys: String, CodingKey {
            case id, direction, state
            case amountMsat = "amount_msat"
            case paymentHash = "payment_hash"
            case cltvExpiry = "cltv_expiry"
        }
    }

    /// `OnChainResolution` in short.
    public struct OnChain: Hashable, Sendable, Codable {
        public var kind: OnChainResolution.Kind
        public var commitmentTxid: String
        public var confirmedHeight: UInt32
        /// Outputs still to be claimed or seen spent.
        public var pendingOutputs: Int

        enum CodingKeys: String, CodingKey {
            case kind
            case commitmentTxid = "commitment_txid"
            case confirmedHeight = "confirmed_height"
            case pendingOutputs = "pending_outputs"
        }
    }
}

extension Channel {
    /// The channel as `chan channel ID` shows it, without its history (`state_changes` empty):
    /// the channel does not keep it; the driver that does passes it to `init(_:stateChanges:)`.
    public var snapshot: ChannelSnapshot { ChannelSnapshot(self, stateChanges: []) }
}

extension ChannelSnapshot {
    public init(_ channel: Channel, stateChanges: [StateChange]) {
        let commitments = channel.commitments
        let opening = channel.opening
        channelID = channel.channelID.hex
        shortChannelID = channel.shortChannelID?.description
        peerID = channel.peerID.hex
        state = channel.phase
        self.stateChanges = stateChanges
        opener = channel.weAreOpener ? .local : .remote
        isPrivate = !channel.opening.announceChannel
        connected = channel.isConnected
        fundingOutpoint = commitments?.parameters.fundingOutPoint.description
        fundingDepth = channel.fundingDepth
        capacitySat = (commitments?.parameters.capacity ?? opening.fundingAmount).value
        localConfig = Config(channel.localConfig)
        let remote = commitments?.parameters.remoteConfig ?? opening.remoteConfig
        remoteConfig = remote.map(Config.init)
        dustLimitSat = channel.localConfig.dustLimit.value
        toSelfDelay = remote?.toSelfDelay ?? 0
        // Once closed, every HTLC is resolved (off chain or on the ledger): none is listed.
        if let commitments, channel.phase != .closed {
            htlcs = ChannelSnapshot.htlcs(of: commitments, pendingReplay: channel.pendingReplay)
        } else {
            htlcs = []
        }

        if let commitments {
            toLocalMsat = commitments.local.spec.toLocal.value
            toRemoteMsat = commitments.local.spec.toRemote.value
            feeratePerKw = commitments.local.spec.feeratePerKw
            localCommitmentNumber = commitments.local.number
            remoteCommitmentNumber = commitments.remote.number
            awaitingRevocation = commitments.isAwaitingRevocation
            // Every commitment of the peer before its current one is revoked.
            revokedStatesHeld = Int(commitments.remote.number)
        } else {
            // Still opening: the first commitment's split as negotiated.
            let funding = (try? opening.fundingAmount.msat) ?? .zero
            let openerBalance = (try? funding.subtracting(opening.pushAmount)) ?? .zero
            toLocalMsat = (channel.weAreOpener ? openerBalance : opening.pushAmount).value
            toRemoteMsat = (channel.weAreOpener ? opening.pushAmount : openerBalance).value
            feeratePerKw = opening.feeratePerKw
            localCommitmentNumber = 0
            remoteCommitmentNumber = 0
            awaitingRevocation = false
            revokedStatesHeld = 0
        }

        let send = channel.sendLimit
        spendableMsat = send.amount.value
        spendableBreakdown = SpendableBreakdown(
            balanceMsat: send.balance.value, reserveMsat: send.reserve.value, commitFeeMsat: send.commitFee.value,
            pendingOutgoingMsat: send.pending.value, limitedBy: send.refusal.code)
        let receive = channel.receiveLimit
        receivableMsat = receive.amount.value
        receivableBreakdown = ReceivableBreakdown(
            balanceMsat: receive.balance.value, reserveMsat: receive.reserve.value, commitFeeMsat: receive.commitFee.value,
            pendingIncomingMsat: receive.pending.value, limitedBy: receive.refusal.code)

        if let onChain = channel.onChain {
            closingTxid = onChain.commitmentTxid.hex
            onChainResolution = OnChain(kind: onChain.kind, commitmentTxid: onChain.commitmentTxid.hex,
                                        confirmedHeight: onChain.confirmedHeight, pendingOutputs: onChain.pendingOutputCount)
        } else if let closing = channel.shutdown.closingTransaction {
            closingTxid = closing.txid.hex
            onChainResolution = nil
        } else if channel.phase == .forceClosing, let commitments {
            // We broadcast our latest commitment; nothing is confirmed yet.
            closingTxid = commitments.local.transaction.transaction.txid.hex
            onChainResolution = nil
        } else {
            closingTxid = nil
            onChainResolution = nil
        }
    }

    /// Every HTLC any commitment or change log holds, offered ones first, each by id.
    static func htlcs(of commitments: Commitments, pendingReplay: [ChannelUpdate]) -> [HTLC] {
        struct Key: Hashable { let id: UInt64; let direction: HTLCDirection }
        var found: [Key: CommitmentHTLC] = [:]
        // Directions are ours: the peer's commitments are flipped.
        let known = commitments.local.spec.htlcs + commitments.remote.spec.flipped.htlcs
            + commitments.latestRemote.spec.flipped.htlcs
            + commitments.localChanges.all.compactMap { update in
                if case .add(let add) = update { CommitmentHTLC(add, direction: .offered) } else { nil }
            }
            + commitments.remoteChanges.all.compactMap { update in
                if case .add(let add) = update { CommitmentHTLC(add, direction: .received) } else { nil }
            }
        for htlc in known where found[Key(id: htlc.id, direction: htlc.direction)] == nil {
            found[Key(id: htlc.id, direction: htlc.direction)] = htlc
        }

        func inBothCurrentCommitments(_ htlc: CommitmentHTLC) -> Bool {
            commitments.local.spec.htlcs.contains { $0.id == htlc.id && $0.direction == htlc.direction }
                && commitments.remote.spec.htlcs.contains { $0.id == htlc.id && $0.direction == htlc.direction.flipped }
        }

        return found.values.sorted { ($0.direction == .offered ? 0 : 1, $0.id) < ($1.direction == .offered ? 0 : 1, $1.id) }.map { htlc in
            // The offerer's peer settles an HTLC: the peer ours, we the peer's.
            let settlements = htlc.direction == .offered ? commitments.remoteChanges.all : commitments.localChanges.all + pendingReplay
            let state: HTLC.State
            switch settlements.last(where: { $0.settledHTLCID == htlc.id }) {
            case .fulfill?:
                state = .fulfilling
            case .fail?, .failMalformed?:
                state = .failing
            case .add?, .fee?, nil:
                if htlc.direction == .received, commitments.preimages[htlc.paymentHash] != nil {
                    state = .fulfilling
                } else {
                    state = inBothCurrentCommitments(htlc) ? .committed : .adding
                }
            }
            return HTLC(id: htlc.id, direction: htlc.direction == .offered ? .offered : .received, amountMsat: htlc.amount.value,
                        paymentHash: htlc.paymentHash.hex, cltvExpiry: htlc.cltvExpiry, state: state)
        }
    }
}
