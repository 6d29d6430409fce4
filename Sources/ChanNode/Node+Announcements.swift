import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import ChanStore

/// What this node announces of itself (BOLT 7): a `channel_update` for each usable channel
/// (to the peer alone while the channel is private or not yet announced, to everyone once it
/// is), `announcement_signatures` once a public channel's funding is `announce_depth` deep, the
/// `channel_announcement` both ends assemble from them, and a `node_announcement` once the node
/// has a public channel. And the policies behind the updates (`fees`, `fees set`).
extension Node {
    /// Does what is due for each of our channels: called on every block, reestablish, state
    /// change and new peer (cheap: nothing is due most of the time).
    func announceOwnChannels() {
        for (index, channel) in channels.sorted(by: { $0.key < $1.key }) {
            guard channel.phase == .normal, let scid = channel.shortChannelID else { continue }
            if ourUpdates[index] == nil { publishOurUpdate(index) }
            guard channel.opening.announceChannel, network.channels[scid] == nil, isDeepEnoughToAnnounce(scid),
                  canAddHTLC(channel), !announcementSignaturesSent.contains(index) else { continue }
            sendAnnouncementSignatures(index)
            completeAnnouncement(index)
        }
    }

    /// Whether a funding confirmed at `scid`'s block has our announce depth now. (The channel's
    /// own `fundingDepth` stops at the depth that made it ready.)
    private func isDeepEnoughToAnnounce(_ scid: ShortChannelID) -> Bool {
        blockHeight >= scid.block && blockHeight - scid.block + 1 >= local.config.channelAnnounceDepth
    }

    /// The announcement of channel `index` both ends sign, once its funding has a position.
    private func announcementDraft(_ index: UInt64) -> ChannelAnnouncementDraft? {
        guard let channel = channels[index], let scid = channel.shortChannelID, let parameters = channel.commitments?.parameters else { return nil }
        return try? ChannelAnnouncementDraft(
            chainHash: chainHash, shortChannelID: scid, localNodeID: nodeID, remoteNodeID: channel.peerID,
            localFundingKey: parameters.localBasepoints.funding, remoteFundingKey: parameters.remoteBasepoints.funding)
    }

    private func localAnnouncementSignatures(_ index: UInt64) -> AnnouncementSignatures? {
        guard let channel = channels[index], let draft = announcementDraft(index) else { return nil }
        return try? draft.localSignatures(channelID: channel.channelID, nodeKey: local.keys.nodeKey, fundingKey: channel.keys.funding)
    }

    private func sendAnnouncementSignatures(_ index: UInt64) {
        guard let channel = channels[index], let signatures = localAnnouncementSignatures(index) else { return }
        announcementSignaturesSent.insert(index)
        send(.announcementSignatures(signatures), to: channel.peerID)
        logger.info("announcement signatures sent", metadata: ["channel": "\(channel.channelID)"])
    }

    /// The peer's `announcement_signatures` for channel `index`: checked and kept; once ours
    /// are due too, the channel is announced. (BOLT 7: answered with ours once we reach the depth.)
    func announcementSignaturesReceived(_ signatures: AnnouncementSignatures, channel index: UInt64) {
        guard let channel = channels[index], channel.opening.announceChannel, channel.phase == .normal, let draft = announcementDraft(index) else {
            logger.debug("announcement signatures for a channel not to announce (yet)", metadata: ["channel": "\(index)"])
            return
        }
        do {
            try draft.verifyRemote(signatures)
        } catch {
            logger.warning("bad announcement signatures", metadata: ["channel": "\(channel.channelID)", "why": "\(error.message)"])
            send(.warning(WarningMessage(channelID: channel.channelID, data: Array("announcement_signatures: \(error.message)".utf8))),
                 to: channel.peerID)
            return
        }
        remoteAnnouncementSignatures[index] = signatures
        guard let scid = channel.shortChannelID, isDeepEnoughToAnnounce(scid) else { return }
        if !announcementSignaturesSent.contains(index) { sendAnnouncementSignatures(index) }
        completeAnnouncement(index)
    }

    /// Both ends' signatures are here: the channel is announced to everyone, then both ends'
    /// updates (which the network ignored while it did not know the channel) and our node.
    private func completeAnnouncement(_ index: UInt64) {
        guard let remote = remoteAnnouncementSignatures[index], let ours = localAnnouncementSignatures(index),
              let draft = announcementDraft(index), let announcement = try? draft.assemble(local: ours, remote: remote) else { return }
        let funding: UnspentOutput?
        do { funding = try fundingOutput(at: announcement.shortChannelID) } catch {
            return logger.error("cannot read our funding output", metadata: ["channel": "\(index)", "why": "\(error)"])
        }
        remoteAnnouncementSignatures[index] = nil
        let outcome = network.apply(announcement, fundingOutput: funding?.output)
        guard outcome == .accepted || outcome == .duplicate else {
            logger.error("our channel announcement was refused", metadata: ["channel": "\(index)", "outcome": "\(outcome)"])
            return
        }
        if let funding { gossipFundings[funding.outPoint] = announcement.shortChannelID }
        logger.info("channel announced", metadata: ["short_channel_id": "\(announcement.shortChannelID)"])
        keepIfNew(outcome, .channelAnnouncement(announcement), from: nil)
        for update in [ourUpdates[index], peerUpdates[index]].compactMap(\.self) {
            keepIfNew(network.apply(update), .channelUpdate(update), from: nil)
        }
        announceNode()
    }

    /// Our `node_announcement` (alias, address), made anew when the node has a public channel
    /// and none is known, or what it says changed.
    func announceNode() {
        let me = NodeID(publicKey: nodeID)
        guard !network.channels(of: me).isEmpty, let alias = try? NodeAlias(text: local.config.alias) else { return }
        let addresses = [NodeAddress.ipv4(address: [127, 0, 0, 1], port: listeningPort)]
        let current = network.nodeAnnouncements[me]?.message
        if let current, current.alias == alias, (try? current.decodedAddresses()) == addresses { return }
        let timestamp = max(UInt32(clamping: now), (current?.timestamp ?? 0) &+ 1)
        do {
            let announcement = try NodeAnnouncement.signed(
                timestamp: timestamp, features: .node, rgbColor: Node.color(of: nodeID), alias: alias, addresses: addresses,
                nodeKey: local.keys.nodeKey)
            keepIfNew(network.apply(announcement), .nodeAnnouncement(announcement), from: nil)
        } catch {
            logger.error("cannot sign our node announcement", metadata: ["why": "\(error.message)"])
        }
    }

    /// A color of our own for graph drawings: the first bytes of our node id.
    private static func color(of node: PublicKey) -> RGBColor {
        let bytes = node.compressed
        return RGBColor(red: bytes[1], green: bytes[2], blue: bytes[3])
    }

    // MARK: Our channel updates

    /// A channel closing forwards nothing more: its update says so (BOLT 7 `disable`), and once
    /// closed neither end's update is kept (its funding spent, the network forgets it).
    func channelLeftNormal(_ index: UInt64, _ change: StateChange) {
        switch change.new {
        case .shuttingDown, .closing, .forceClosing:
            if change.old == .normal, ourUpdates[index] != nil { publishOurUpdate(index, disabled: true) }
        case .closed:
            ourUpdates[index] = nil
            peerUpdates[index] = nil
        case .opening, .awaitingFunding, .normal:
            break
        }
    }

    /// Signs and sends a new `channel_update` for our end of channel `index`: to the network
    /// once the channel is announced, else to the peer alone.
    func publishOurUpdate(_ index: UInt64, disabled: Bool = false) {
        guard let channel = channels[index], let scid = channel.shortChannelID, let parameters = channel.commitments?.parameters else { return }
        let setting = policySetting(index)
        let timestamp = max(UInt32(clamping: now), max(ourUpdates[index]?.timestamp ?? 0, setting.timestamp) &+ 1)
        let policy = setting.policy.channelPolicy(disabled: disabled, within: parameters)
        let update: ChannelUpdateMessage
        do {
            update = try ChannelUpdateMessage.signed(
                chainHash: chainHash, shortChannelID: scid, timestamp: timestamp, direction: ChannelDirection(local: nodeID, remote: channel.peerID),
                policy: policy, dontForward: !channel.opening.announceChannel, nodeKey: local.keys.nodeKey)
        } catch {
            logger.error("cannot sign our channel update", metadata: ["channel": "\(index)", "why": "\(error)"])
            return
        }
        do {
            // Durable before it leaves: the next one's timestamp must be later, after a restart too.
            try setPolicySetting(ChannelPolicySetting(policy: setting.policy, timestamp: timestamp), channel: index)
        } catch {
            return halt("cannot store the policy of channel \(index): \(error)")
        }
        ourUpdates[index] = update
        if network.channels[scid] != nil {
            keepIfNew(network.apply(update), .channelUpdate(update), from: nil)
        } else if isReady(channel.peerID) {
            send(.channelUpdate(update), to: channel.peerID)
        }
    }

    /// Our policy on channel `index`: what `fees set` stored, else the defaults. (A failed read
    /// halts the node rather than announce the defaults over what the user set.)
    func policySetting(_ index: UInt64) -> ChannelPolicySetting {
        if let cached = policySettings[index] { return cached }
        let defaults = ChannelPolicySetting(policy: ForwardingPolicy(), timestamp: 0)
        do {
            let setting = try local.store.channelPolicy(channel: index) ?? defaults
            policySettings[index] = setting
            return setting
        } catch {
            halt("cannot read the policy of channel \(index): \(error)")
            return defaults
        }
    }

    private func setPolicySetting(_ setting: ChannelPolicySetting, channel index: UInt64) throws {
        try local.store.setChannelPolicy(setting, channel: index, durability: joinBatch())
        policySettings[index] = setting
    }

    // MARK: fees, fees set

    /// How long a channel's previous policy is still honoured after `fees set` (BOLT 7 suggests
    /// accepting the old fees for a while; lnd and Core Lightning keep them about 10 minutes).
    static let policyGracePeriod: UInt64 = 600

    /// The smallest CLTV delta `fees set` takes: the blocks a forward needs to resolve an
    /// outgoing HTLC on the ledger before its incoming one can time out.
    static let minimumCLTVExpiryDelta: UInt16 = 12

    func setFees(_ params: FeesSetParams) throws -> FeesResult {
        if let delta = params.cltvExpiryDelta, delta < Node.minimumCLTVExpiryDelta {
            throw APIError(code: "invalid_policy", message: "a CLTV delta of \(delta) blocks is too short to forward safely (at least \(Node.minimumCLTVExpiryDelta))")
        }
        if let base = params.feeBaseMsat, base.value > UInt64(UInt32.max) {
            throw APIError(code: "invalid_policy", message: "fee_base_msat is at most \(UInt32.max)")
        }
        let indices = try params.channel.map { [try channelIndex($0)] } ?? ownPolicyChannels()
        for index in indices {
            var setting = policySetting(index)
            // Payments already routed on the old terms still pass for a while (BOLT 7).
            previousPolicies[index] = (setting.policy, until: now + Node.policyGracePeriod)
            if let base = params.feeBaseMsat { setting.policy.feeBase = base }
            if let ppm = params.feeProportionalMillionths { setting.policy.feeProportionalMillionths = ppm }
            if let delta = params.cltvExpiryDelta { setting.policy.cltvExpiryDelta = delta }
            try setPolicySetting(setting, channel: index)
            if channels[index]?.phase == .normal { publishOurUpdate(index) }
        }
        commitPending()  // the answer reports the new policies: they are durable first
        return FeesResult(channels: indices.compactMap(channelFees))
    }

    func feesResult() -> FeesResult { FeesResult(channels: ownPolicyChannels().compactMap(channelFees)) }

    /// Channels that have a policy to show: signed and not closed.
    private func ownPolicyChannels() -> [UInt64] {
        channels.keys.sorted().filter { channels[$0]?.commitments != nil && channels[$0]?.phase != .closed }
    }

    /// The policy as announced (clamped to what the channel allows) once an update went out, else as set.
    private func channelFees(_ index: UInt64) -> ChannelFeesJSON? {
        guard let channel = channels[index] else { return nil }
        let setting = policySetting(index)
        let policy = ourUpdates[index].map(Node.policyJSON) ?? PolicyJSON(
            feeBaseMsat: setting.policy.feeBase, feeProportionalMillionths: setting.policy.feeProportionalMillionths,
            cltvExpiryDelta: setting.policy.cltvExpiryDelta, htlcMinimumMsat: setting.policy.htlcMinimum,
            htlcMaximumMsat: setting.policy.htlcMaximum, disabled: false, lastUpdate: setting.timestamp)
        return ChannelFeesJSON(channelId: channel.channelID.hex, shortChannelId: channel.shortChannelID?.description,
                               peerId: channel.peerID.hex, policy: policy)
    }
}
