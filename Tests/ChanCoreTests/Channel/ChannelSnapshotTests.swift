import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import Testing

private let alice = TwoPartyPump.alice, bob = TwoPartyPump.bob

/// docs/channel-snapshot.schema.json, beside the sources.
private let schema: JSONSchemaSubset = {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/channel-snapshot.schema.json")
    return JSONSchemaSubset(root: try! SchemaJSON.parse(try! Data(contentsOf: url)))
}()

/// Encodes a snapshot as the CLI does, checks it against the schema and that the keys do not
/// depend on the encoder's key strategy; returns the JSON.
@discardableResult
private func checkedJSON(_ channel: Channel, sourceLocation: SourceLocation = #_sourceLocation) throws -> SchemaJSON {
    let snapshot = channel.snapshot
    let cli = JSONEncoder()
    cli.keyEncodingStrategy = .convertToSnakeCase
    cli.outputFormatting = [.sortedKeys]
    let plain = JSONEncoder()
    plain.outputFormatting = [.sortedKeys]
    let data = try cli.encode(snapshot)
    #expect(data == (try plain.encode(snapshot)), "the keys depend on the key strategy", sourceLocation: sourceLocation)
    let json = try SchemaJSON.parse(data)
    let violations = schema.violations(of: json)
    #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))", sourceLocation: sourceLocation)
    #expect(try JSONDecoder().decode(ChannelSnapshot.self, from: data) == snapshot, sourceLocation: sourceLocation)
    return json
}

/// Checks `spendable_msat` and `receivable_msat` against the machine itself: the amount is
/// accepted (by `handle`, on a copy), one msat more is refused, for the reason `limited_by` names.
func expectExactLimits(_ channel: Channel, sourceLocation: SourceLocation = #_sourceLocation) {
    let snapshot = channel.snapshot
    #expect(throws: Never.self, sourceLocation: sourceLocation) { try checkedJSON(channel, sourceLocation: sourceLocation) }
    let hash = PaymentHash(preimage: try! TwoPartyPump.preimage("probe"))
    let expiry = channel.currentHeight + 40
    func add(_ msat: UInt64) throws(ChannelError) {
        var copy = channel
        _ = try copy.handle(.command(.addHTLC(amount: MilliSatoshi(msat), paymentHash: hash, cltvExpiry: expiry,
                                              onion: TwoPartyPump.onion)), now: 0)
    }
    let minimumSend = max(channel.commitments?.parameters.remoteConfig.htlcMinimum.value ?? 1, 1)
    if snapshot.spendableMsat > 0 {
        #expect(throws: Never.self, "spendable \(snapshot.spendableMsat) is refused", sourceLocation: sourceLocation) {
            try add(snapshot.spendableMsat)
        }
    }
    let overSpendable = snapshot.spendableMsat > 0 ? snapshot.spendableMsat + 1 : minimumSend
    do {
        try add(overSpendable)
        Issue.record("\(overSpendable) msat over spendable \(snapshot.spendableMsat) is accepted", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == snapshot.spendableBreakdown.limitedBy, "\(error)", sourceLocation: sourceLocation)
    }

    guard let commitments = channel.commitments, channel.isConnected else { return }
    func receive(_ msat: UInt64) -> [ChannelEffect] {
        var copy = channel
        let add = UpdateAddHTLC(channelID: commitments.channelID, id: commitments.remoteNextHTLCID, amount: MilliSatoshi(msat),
                                paymentHash: try! Hash32(hash.bytes), cltvExpiry: expiry, onionRoutingPacket: TwoPartyPump.onion)
        return try! copy.handle(.message(.updateAddHTLC(add)), now: 0)
    }
    func refused(_ effects: [ChannelEffect]) -> Bool {
        effects.contains { if case .send(.warning) = $0 { true } else if case .send(.error) = $0 { true } else { false } }
    }
    if snapshot.receivableMsat > 0 {
        #expect(!refused(receive(snapshot.receivableMsat)), "receivable \(snapshot.receivableMsat) is refused", sourceLocation: sourceLocation)
    }
    let minimumReceive = max(commitments.parameters.localConfig.htlcMinimum.value, 1)
    let overReceivable = snapshot.receivableMsat > 0 ? snapshot.receivableMsat + 1 : minimumReceive
    #expect(refused(receive(overReceivable)), "\(overReceivable) msat over receivable is accepted", sourceLocation: sourceLocation)
}

@Suite struct ChannelSnapshotTests {
    @Test func everyStateEncodesToTheSchema() throws {
        // Opening: alice before any answer, then both sides once funding_created is on its way.
        let (ledger, _) = try TwoPartyPump.fundedLedger()
        let (fresh, _) = try TwoPartyPump.aliceOpens(OpeningOptions(), ledger: ledger)
        let freshJSON = try checkedJSON(fresh)
        #expect(freshJSON["state"] == .string("opening"))
        #expect(freshJSON["remote_config"] == .null)
        #expect(freshJSON["funding_outpoint"] == .null)
        #expect(fresh.snapshot.spendableBreakdown.limitedBy == "channel_invalid_state")

        var pump = try TwoPartyPump.open(until: .fundingCreatedSent)
        for channel in pump.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("opening"))
            #expect(json["capacity_sat"] == .number(1_000_000, integral: true))
        }
        #expect(pump.channels[alice].snapshot.opener == .local && pump.channels[bob].snapshot.opener == .remote)
        #expect(pump.channels[alice].snapshot.toLocalMsat == 1_000_000_000 && pump.channels[bob].snapshot.toRemoteMsat == 1_000_000_000)

        pump = try TwoPartyPump.open(until: .awaitingFunding)
        for channel in pump.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("awaiting_funding"))
            #expect(json["funding_outpoint"] == .string("\(pump.fundingTransaction!.txid.hex):0"))
            #expect(json["short_channel_id"] == .null)
            #expect(channel.snapshot.spendableMsat == 0)
        }

        // Normal, with HTLCs both ways in several stages.
        pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 300_000_000, preimage: try TwoPartyPump.preimage("paid"))
        try pump.offer(alice, msat: 50_000_000, preimage: try TwoPartyPump.preimage("a1"))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.offer(bob, msat: 20_000_000, preimage: try TwoPartyPump.preimage("b1"))
        try pump.offer(alice, msat: 1_000_000, preimage: try TwoPartyPump.preimage("a2"))
        for channel in pump.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("normal"))
            #expect(json["short_channel_id"]?.string?.hasSuffix("x1x0") == true)
            expectConserved(channel)
            expectExactLimits(channel)
        }
        // Alice: her committed and her unsigned HTLC (bob's add is not delivered yet).
        #expect(pump.channels[alice].snapshot.htlcs.map(\.state) == [.committed, .adding])
        // Bob: his own unsigned add first (offered), then alice's committed one.
        #expect(pump.channels[bob].snapshot.htlcs.map(\.state) == [.adding, .committed])
        #expect(pump.channels[bob].snapshot.htlcs.map(\.direction) == [.offered, .received])
        #expect(pump.channels[alice].snapshot.revokedStatesHeld == 3)

        // Shutting down with an HTLC still pending.
        try pump.command(alice, .sign)
        try pump.command(bob, .sign)
        try pump.deliverAll()
        try pump.command(alice, .close)
        try pump.deliverAll()
        for channel in pump.channels {
            #expect(try checkedJSON(channel)["state"] == .string("shutting_down"))
            #expect(channel.snapshot.spendableMsat == 0)
            expectExactLimits(channel)
        }

        // Closing: settle the HTLCs; the close is agreed and broadcast.
        try pump.command(bob, .fulfillHTLC(id: 1, preimage: try TwoPartyPump.preimage("a1")))
        try pump.command(bob, .failHTLC(id: 2, reason: []))
        try pump.command(alice, .fulfillHTLC(id: 0, preimage: try TwoPartyPump.preimage("b1")))
        try pump.command(bob, .sign)
        try pump.command(alice, .sign)
        try pump.deliverAll()
        for channel in pump.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("closing"))
            #expect(json["closing_txid"] == .string(channel.shutdown.closingTransaction!.txid.hex))
            #expect(json["htlcs"] == .array([]))
        }
        try pump.mine()
        for side in [alice, bob] {
            let json = try checkedJSON(pump.channels[side])
            #expect(json["state"] == .string("closed"))
            #expect(json["on_chain_resolution"] == .null)
            // The history the driver kept from the `phaseChanged` effects, as a node shows it.
            let changes = ChannelSnapshot(pump.channels[side], stateChanges: pump.histories[side]).stateChanges.map(\.new)
            #expect(changes == [.awaitingFunding, .normal, .shuttingDown, .closing, .closed])
        }
    }

    @Test func forceClosingAndClosedShowTheOnChainResolution() throws {
        var pump = try TwoPartyPump.open()
        try pump.pay(alice, msat: 300_000_000, preimage: try TwoPartyPump.preimage("paid"))
        try pump.offer(alice, msat: 40_000_000, preimage: try TwoPartyPump.preimage("pending"))
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.command(alice, .forceClose)
        var json = try checkedJSON(pump.channels[alice])
        #expect(json["state"] == .string("force_closing"))
        #expect(json["on_chain_resolution"] == .null)
        let commitment = pump.channels[alice].commitments!.local.transaction.transaction.txid.hex
        #expect(json["closing_txid"] == .string(commitment))

        #expect(pump.channels[alice].snapshot.htlcs.map(\.state) == [.committed])
        try pump.mine()
        json = try checkedJSON(pump.channels[alice])
        #expect(json["on_chain_resolution"]?["kind"] == .string("local_commitment"))
        #expect(json["on_chain_resolution"]?["commitment_txid"] == .string(commitment))
        json = try checkedJSON(pump.channels[bob])
        #expect(json["state"] == .string("force_closing"))
        #expect(json["on_chain_resolution"]?["kind"] == .string("remote_commitment"))
        #expect(pump.channels[bob].snapshot.onChainResolution!.pendingOutputs >= 1)

        try pump.mineUntilClosed()
        for channel in pump.channels {
            json = try checkedJSON(channel)
            #expect(json["state"] == .string("closed"))
            #expect(json["on_chain_resolution"]?["pending_outputs"] == .number(0, integral: true))
            #expect(json["htlcs"] == .array([]))
        }
    }

    @Test func htlcStatesFollowTheChangeLogsAndCommitments() throws {
        var pump = try TwoPartyPump.open()
        let preimage = try TwoPartyPump.preimage("follow")
        func states() -> [ChannelSnapshot.HTLC.State] { pump.channels.compactMap { $0.snapshot.htlcs.first?.state } }

        try pump.offer(alice, msat: 70_000_000, preimage: preimage)
        #expect(pump.channels[alice].snapshot.htlcs.map(\.direction) == [.offered])
        #expect(states() == [.adding])
        try pump.deliverAll()
        #expect(pump.channels[bob].snapshot.htlcs.map(\.direction) == [.received])
        #expect(states() == [.adding, .adding])
        try pump.command(alice, .sign)
        try pump.deliverNext(to: bob)    // commitment_signed: bob revokes and signs back
        #expect(states() == [.adding, .adding])
        try pump.deliverNext(to: alice)  // revoke_and_ack
        #expect(states() == [.adding, .adding])
        try pump.deliverNext(to: alice)  // bob's commitment_signed: alice revokes, the add is irrevocable for her
        #expect(states() == [.committed, .adding])
        try pump.deliverNext(to: bob)    // alice's revoke_and_ack
        #expect(states() == [.committed, .committed])
        let htlc = pump.channels[alice].snapshot.htlcs[0]
        #expect(htlc.amountMsat == 70_000_000 && htlc.paymentHash == preimage.hash.hex && htlc.id == 0)

        try pump.command(bob, .fulfillHTLC(id: 0, preimage: preimage))
        #expect(states() == [.committed, .fulfilling])
        try pump.deliverNext(to: alice)
        #expect(states() == [.fulfilling, .fulfilling])
        try pump.command(bob, .sign)
        try pump.deliverAll()
        #expect(states() == [])
        #expect(pump.channels[bob].snapshot.toLocalMsat == 70_000_000)

        try pump.offer(alice, msat: 5_000_000, preimage: preimage)
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.command(bob, .failHTLC(id: 1, reason: [1, 2, 3]))
        try pump.deliverAll()
        #expect(states() == [.failing, .failing])

        // A fulfil lost to a disconnect waits to be replayed: still fulfilling.
        try pump.command(bob, .sign)
        try pump.deliverAll()
        try pump.offer(alice, msat: 6_000_000, preimage: preimage)
        try pump.command(alice, .sign)
        try pump.deliverAll()
        try pump.command(bob, .fulfillHTLC(id: 2, preimage: preimage))
        _ = try pump.channels[bob].handle(.disconnected, now: 0)
        #expect(pump.channels[bob].snapshot.htlcs.map(\.state) == [.fulfilling])
        #expect(pump.channels[bob].snapshot.connected == false)
        expectExactLimits(pump.channels[bob])
    }

    @Test func spendableIsExactWhereverItIsLimited() throws {
        // Limited by the balance: alice pays reserve and fee (she opened); bob has nothing.
        var pump = try TwoPartyPump.open()
        let aliceSnapshot = pump.channels[alice].snapshot
        #expect(aliceSnapshot.spendableBreakdown.limitedBy == "insufficient_balance")
        // 1,000,000 sat less the 10,000 sat reserve less the fee spike buffer: the fee at twice
        // the feerate with one more HTLC output than the new one (5000 * (724 + 2 * 172) / 1000).
        #expect(aliceSnapshot.spendableMsat == 1_000_000_000 - 10_000_000 - 5_340_000)
        let breakdown = aliceSnapshot.spendableBreakdown
        #expect([breakdown.balanceMsat, breakdown.reserveMsat, breakdown.commitFeeMsat, breakdown.pendingOutgoingMsat]
                == [1_000_000_000, 10_000_000, 5_340_000, 0])
        #expect(aliceSnapshot.receivableMsat == 0)
        #expect(pump.channels[bob].snapshot.spendableMsat == 0)
        // Bob accepts whatever keeps alice above her reserve; her fee is hers to keep.
        #expect(pump.channels[bob].snapshot.receivableMsat == 1_000_000_000 - 10_000_000)
        pump.channels.forEach { expectExactLimits($0) }
        // Spending exactly all of it works. Then an HTLC too small for an output of its own (even
        // at twice the feerate) needs a buffer of 5000 * (724 + 172) / 1000 = 4480 sat: 860 sat are left.
        try pump.pay(alice, msat: aliceSnapshot.spendableMsat, preimage: try TwoPartyPump.preimage("all"))
        #expect(pump.channels[alice].snapshot.spendableMsat == 860_000)
        pump.channels.forEach { expectExactLimits($0); expectConserved($0) }

        // Right below a trimming threshold: one msat more gets its own output, raising the fee
        // beyond what alice can pay, so spendable stops at the largest trimmed amount.
        // Alice has 10,000 sat and a 1,000 sat reserve. The buffer prices the commitment at twice
        // the feerate, where an offered HTLC is trimmed below 354 + 3315 (HTLC-timeout fee at
        // 5000 per kw) sat: trimmed, the buffer is 4480 sat; untrimmed, 5340 sat, which leaves
        // only 3660 sat, below the threshold. So spendable stops right under it.
        pump = try TwoPartyPump.open(OpeningOptions(capacity: Satoshi(100_000), push: MilliSatoshi(90_000_000)))
        let boundary = pump.channels[alice].snapshot
        #expect(boundary.spendableMsat == 3_668_999)
        #expect(boundary.spendableBreakdown.commitFeeMsat == 4_480_000)
        pump.channels.forEach { expectExactLimits($0) }

        // The non-opener may add only what the opener can still pay the fee for: alice's 2000 sat
        // pay the 1810 sat fee without HTLC output, not the 2240 sat with one.
        pump = try TwoPartyPump.open(OpeningOptions(capacity: Satoshi(100_000), push: MilliSatoshi(98_000_000)))
        pump.channels.forEach { expectExactLimits($0) }
        #expect(pump.channels[bob].snapshot.spendableMsat == 2_010_999)
        #expect(pump.channels[alice].snapshot.spendableMsat == 0)

        // Limited by the peer's max in flight, then by its max accepted HTLCs.
        var tight = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        tight.maxHTLCValueInFlight = MilliSatoshi(100_000_000)
        tight.maxAcceptedHTLCs = 2
        pump = try TwoPartyPump.open(OpeningOptions(bobConfig: tight))
        #expect(pump.channels[alice].snapshot.spendableMsat == 100_000_000)
        #expect(pump.channels[alice].snapshot.spendableBreakdown.limitedBy == "max_in_flight_exceeded")
        try pump.offer(alice, msat: 30_000_000, preimage: try TwoPartyPump.preimage("one"))
        #expect(pump.channels[alice].snapshot.spendableMsat == 70_000_000)
        #expect(pump.channels[alice].snapshot.spendableBreakdown.pendingOutgoingMsat == 30_000_000)
        pump.channels.forEach { expectExactLimits($0) }
        try pump.offer(alice, msat: 1_000, preimage: try TwoPartyPump.preimage("two"))
        #expect(pump.channels[alice].snapshot.spendableMsat == 0)
        #expect(pump.channels[alice].snapshot.spendableBreakdown.limitedBy == "too_many_htlcs")
        try pump.command(alice, .sign)
        try pump.deliverAll()
        pump.channels.forEach { expectExactLimits($0) }
        #expect(pump.channels[bob].snapshot.receivableBreakdown.limitedBy == "too_many_htlcs")

        // Limited by the HTLC minimum bob asks: with 500 msat of headroom, nothing can be sent.
        var minimum = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        minimum.htlcMinimum = MilliSatoshi(1_000)
        minimum.maxHTLCValueInFlight = MilliSatoshi(500)
        pump = try TwoPartyPump.open(OpeningOptions(bobConfig: minimum))
        #expect(pump.channels[alice].snapshot.spendableMsat == 0)
        #expect(pump.channels[alice].snapshot.spendableBreakdown.limitedBy == "max_in_flight_exceeded")
        pump.channels.forEach { expectExactLimits($0) }
    }

    @Test func spendableIsExactAcrossBalancesFeeratesAndPendingUpdates() throws {
        // Balances around the trimming thresholds and the reserve, at two feerates, each with
        // HTLCs and a fee update pending: both sides' limits must match the machine exactly.
        var opened = 0
        for feerate: UInt32 in [253, 5000] {
            for aliceSat: UInt64 in [1_300, 1_800, 2_500, 3_700, 4_100, 5_000, 5_300, 6_000, 50_000, 99_000] {
                let capacity = Satoshi(100_000)
                let push = MilliSatoshi((capacity.value - aliceSat) * 1000)
                // Some balances cannot pay the first commitment's fee at this feerate: no channel.
                guard var pump = try? TwoPartyPump.open(OpeningOptions(capacity: capacity, push: push, feeratePerKw: feerate)) else { continue }
                opened += 1
                pump.channels.forEach { expectExactLimits($0) }
                for (side, label) in [(alice, "x"), (bob, "y")] where pump.channels[side].snapshot.spendableMsat > 1_000 {
                    let amount = pump.channels[side].snapshot.spendableMsat / 3
                    try pump.offer(side, msat: amount, preimage: try TwoPartyPump.preimage(label))
                    pump.channels.forEach { expectExactLimits($0) }
                }
                try pump.deliverAll()
                if (try? pump.command(alice, .updateFee(feeratePerKw: feerate * 2))) != nil {
                    pump.channels.forEach { expectExactLimits($0) }
                }
                if (try? pump.command(alice, .sign)) != nil {
                    try pump.deliverNext(to: bob)
                    pump.channels.forEach { expectExactLimits($0); expectConserved($0) }
                }
                try pump.deliverAll()
                pump.channels.forEach { expectExactLimits($0); expectConserved($0) }
            }
        }
        #expect(opened >= 15)
    }

    @Test func snapshotsHoldNoSecret() throws {
        var pump = try TwoPartyPump.open()
        let preimages = try (0..<3).map { try TwoPartyPump.preimage("secret \($0)") }
        try pump.pay(alice, msat: 100_000_000, preimage: preimages[0])
        try pump.offer(alice, msat: 10_000_000, preimage: preimages[1])
        try pump.offer(bob, msat: 10_000_000, preimage: preimages[2])
        try pump.command(alice, .sign)
        try pump.command(bob, .sign)
        try pump.deliverAll()
        try pump.command(bob, .fulfillHTLC(id: 1, preimage: preimages[1]))

        var secrets: [String] = preimages.map { Hex.encode($0.bytes) }
        for label in ["alice", "bob"] {
            let keys = try TwoPartyPump.keys(label)
            secrets += [keys.funding, keys.revocationBasepointSecret, keys.paymentBasepointSecret,
                        keys.delayedPaymentBasepointSecret, keys.htlcBasepointSecret].map { Hex.encode($0.secretBytes) }
            secrets.append(Hex.encode(keys.shachainSeed))
            secrets += (0..<8).map { Hex.encode(keys.perCommitmentSecret(commitmentNumber: $0)) }
        }
        let encoder = JSONEncoder()
        for channel in pump.channels {
            let text = String(decoding: try encoder.encode(channel.snapshot), as: UTF8.self).lowercased()
            for secret in secrets {
                #expect(!text.contains(secret.lowercased()), "a secret leaked into the snapshot")
            }
        }
    }
}

@Suite struct JSONSchemaSubsetTests {
    @Test func theCheckerCatchesWhatTheSchemaForbids() throws {
        let pump = try TwoPartyPump.open()
        let data = try JSONEncoder().encode(pump.channels[alice].snapshot)
        guard case .object(var members) = try SchemaJSON.parse(data) else { Issue.record("not an object"); return }
        #expect(schema.violations(of: .object(members)).isEmpty)
        members["state"] = .string("dancing")
        members["capacity_sat"] = .number(1.5, integral: false)
        members["connected"] = .number(1, integral: true)
        members["channel_id"] = .string("XYZ")
        members["surprise"] = .null
        members["spendable_breakdown"] = .object([:])
        members.removeValue(forKey: "htlcs")
        let violations = schema.violations(of: .object(members))
        for path in ["$.state", "$.capacity_sat", "$.connected", "$.channel_id", "surprise", "$.spendable_breakdown", "htlcs"] {
            #expect(violations.contains { $0.contains(path) }, "\(path) not reported in \(violations)")
        }
    }
}
