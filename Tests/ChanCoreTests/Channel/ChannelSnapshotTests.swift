@testable import ChanCore // the change logs, to tell a pending fee update
import ChanCrypto
import ChanLedger
import ChanSim
import Foundation
import Testing

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
    let hash = PaymentHash(preimage: try! Preimage(label: "probe"))
    let expiry = channel.currentHeight + 40
    func add(_ msat: UInt64) throws(ChannelError) {
        var copy = channel
        _ = try copy.handle(.command(.addHTLC(amount: MilliSatoshi(msat), paymentHash: hash, cltvExpiry: expiry,
                                              onion: .zero)), now: 0)
    }
    let minimumSend = max(channel.commitments?.parameters.remoteConfig.htlcMinimum.value ?? 1, 1)
    if snapshot.spendableMsat > 0 {
        #expect(throws: Never.self, "spendable \(snapshot.spendableMsat) is refused", sourceLocation: sourceLocation) {
            try add(snapshot.spendableMsat)
        }
    }
    // The estimate without search never promises what the channel refuses (but past the
    // dust-exposure cap, which it ignores), and agrees with the exact limit wherever that is an
    // HTLC with an output even at the spike buffer's doubled feerate (no fee update pending),
    // bounded by the balance or the max in flight.
    let estimate = channel.sendEstimate.value
    if estimate > 0, snapshot.spendableBreakdown.limitedBy != "dust_exposure_exceeded" {
        #expect(throws: Never.self, "the estimate \(estimate) is refused", sourceLocation: sourceLocation) { try add(estimate) }
    }
    if let commitments = channel.commitments, snapshot.spendableMsat > 0,
       !(commitments.localChanges.all + commitments.remoteChanges.all).contains(where: { if case .fee = $0 { true } else { false } }),
       !commitments.isDust(MilliSatoshi(snapshot.spendableMsat), feeratePerKw: 2 * max(commitments.local.spec.feeratePerKw, commitments.latestRemote.spec.feeratePerKw)),
       ["insufficient_balance", "max_in_flight_exceeded"].contains(snapshot.spendableBreakdown.limitedBy) {
        #expect(estimate == snapshot.spendableMsat, "estimate vs exact (\(snapshot.spendableBreakdown.limitedBy))", sourceLocation: sourceLocation)
    }
    if snapshot.spendableBreakdown.limitedBy == "channel_invalid_state" {
        #expect(estimate == 0, sourceLocation: sourceLocation)
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
                                paymentHash: try! Hash32(hash.bytes), cltvExpiry: expiry, onionRoutingPacket: .zero)
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
        let (fresh, _) = try PairOpening(configuration: .defaults()).aliceOpens()
        let freshJSON = try checkedJSON(fresh)
        #expect(freshJSON["state"] == .string("opening"))
        #expect(freshJSON["remote_config"] == .null)
        #expect(freshJSON["funding_outpoint"] == .null)
        #expect(fresh.snapshot.spendableBreakdown.limitedBy == "channel_invalid_state")

        var harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        for channel in harness.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("opening"))
            #expect(json["capacity_sat"] == .number(1_000_000, integral: true))
        }
        #expect(harness[.alice].snapshot.opener == .local && harness[.bob].snapshot.opener == .remote)
        #expect(harness[.alice].snapshot.toLocalMsat == 1_000_000_000 && harness[.bob].snapshot.toRemoteMsat == 1_000_000_000)

        harness = try ChannelPairHarness.open(until: .awaitingFunding)
        for channel in harness.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("awaiting_funding"))
            #expect(json["funding_outpoint"] == .string("\(harness.wallets.fundingTxid.hex):0"))
            #expect(json["short_channel_id"] == .null)
            #expect(channel.snapshot.spendableMsat == 0)
        }

        // Normal, with HTLCs both ways in several stages.
        harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 300_000_000, preimage: try Preimage(label: "paid"))
        try harness.offer(.alice, msat: 50_000_000, preimage: try Preimage(label: "a1"))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.offer(.bob, msat: 20_000_000, preimage: try Preimage(label: "b1"))
        try harness.offer(.alice, msat: 1_000_000, preimage: try Preimage(label: "a2"))
        for channel in harness.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("normal"))
            #expect(json["short_channel_id"]?.string?.hasSuffix("x1x0") == true)
            expectConserved(channel)
            expectExactLimits(channel)
        }
        // Alice: her committed and her unsigned HTLC (bob's add is not delivered yet).
        #expect(harness[.alice].snapshot.htlcs.map(\.state) == [.committed, .adding])
        // Bob: his own unsigned add first (offered), then alice's committed one.
        #expect(harness[.bob].snapshot.htlcs.map(\.state) == [.adding, .committed])
        #expect(harness[.bob].snapshot.htlcs.map(\.direction) == [.offered, .received])
        #expect(harness[.alice].snapshot.revokedStatesHeld == 3)

        // Shutting down with an HTLC still pending.
        try harness.execute(.alice, .sign)
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        try harness.execute(.alice, .close)
        harness.deliverAll()
        for channel in harness.channels {
            #expect(try checkedJSON(channel)["state"] == .string("shutting_down"))
            #expect(channel.snapshot.spendableMsat == 0)
            expectExactLimits(channel)
        }

        // Closing: settle the HTLCs; the close is agreed and broadcast.
        try harness.execute(.bob, .fulfillHTLC(id: 1, preimage: try Preimage(label: "a1")))
        try harness.execute(.bob, .failHTLC(id: 2, reason: []))
        try harness.execute(.alice, .fulfillHTLC(id: 0, preimage: try Preimage(label: "b1")))
        try harness.execute(.bob, .sign)
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        for channel in harness.channels {
            let json = try checkedJSON(channel)
            #expect(json["state"] == .string("closing"))
            #expect(json["closing_txid"] == .string(channel.shutdown.closingTransaction!.txid.hex))
            #expect(json["htlcs"] == .array([]))
        }
        harness.mine()
        for side in PairSide.allCases {
            let json = try checkedJSON(harness[side])
            #expect(json["state"] == .string("closed"))
            #expect(json["on_chain_resolution"] == .null)
            // The history the driver kept from the `phaseChanged` effects, as a node shows it.
            let changes = ChannelSnapshot(harness[side], stateChanges: harness.stateChanges[side.rawValue]).stateChanges.map(\.new)
            #expect(changes == [.awaitingFunding, .normal, .shuttingDown, .closing, .closed])
        }
    }

    @Test func forceClosingAndClosedShowTheOnChainResolution() throws {
        var harness = try ChannelPairHarness.open()
        try harness.pay(.alice, msat: 300_000_000, preimage: try Preimage(label: "paid"))
        try harness.offer(.alice, msat: 40_000_000, preimage: try Preimage(label: "pending"))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.execute(.alice, .forceClose)
        var json = try checkedJSON(harness[.alice])
        #expect(json["state"] == .string("force_closing"))
        #expect(json["on_chain_resolution"] == .null)
        let commitment = harness[.alice].commitments!.local.transaction.transaction.txid.hex
        #expect(json["closing_txid"] == .string(commitment))

        #expect(harness[.alice].snapshot.htlcs.map(\.state) == [.committed])
        harness.mine()
        json = try checkedJSON(harness[.alice])
        #expect(json["on_chain_resolution"]?["kind"] == .string("local_commitment"))
        #expect(json["on_chain_resolution"]?["commitment_txid"] == .string(commitment))
        json = try checkedJSON(harness[.bob])
        #expect(json["state"] == .string("force_closing"))
        #expect(json["on_chain_resolution"]?["kind"] == .string("remote_commitment"))
        #expect(harness[.bob].snapshot.onChainResolution!.pendingOutputs >= 1)

        harness.mineUntilClosed(maxBlocks: 300)
        for channel in harness.channels {
            json = try checkedJSON(channel)
            #expect(json["state"] == .string("closed"))
            #expect(json["on_chain_resolution"]?["pending_outputs"] == .number(0, integral: true))
            #expect(json["htlcs"] == .array([]))
        }
    }

    @Test func htlcStatesFollowTheChangeLogsAndCommitments() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "follow")
        func states() -> [ChannelSnapshot.HTLC.State] { harness.channels.compactMap { $0.snapshot.htlcs.first?.state } }

        try harness.offer(.alice, msat: 70_000_000, preimage: preimage)
        #expect(harness[.alice].snapshot.htlcs.map(\.direction) == [.offered])
        #expect(states() == [.adding])
        harness.deliverAll()
        #expect(harness[.bob].snapshot.htlcs.map(\.direction) == [.received])
        #expect(states() == [.adding, .adding])
        try harness.execute(.alice, .sign)
        harness.deliverNext(to: .bob)    // commitment_signed: bob revokes and signs back
        #expect(states() == [.adding, .adding])
        harness.deliverNext(to: .alice)  // revoke_and_ack
        #expect(states() == [.adding, .adding])
        harness.deliverNext(to: .alice)  // bob's commitment_signed: alice revokes, the add is irrevocable for her
        #expect(states() == [.committed, .adding])
        harness.deliverNext(to: .bob)    // alice's revoke_and_ack
        #expect(states() == [.committed, .committed])
        let htlc = harness[.alice].snapshot.htlcs[0]
        #expect(htlc.amountMsat == 70_000_000 && htlc.paymentHash == preimage.hash.hex && htlc.id == 0)

        try harness.execute(.bob, .fulfillHTLC(id: 0, preimage: preimage))
        #expect(states() == [.committed, .fulfilling])
        harness.deliverNext(to: .alice)
        #expect(states() == [.fulfilling, .fulfilling])
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(states() == [])
        #expect(harness[.bob].snapshot.toLocalMsat == 70_000_000)

        try harness.offer(.alice, msat: 5_000_000, preimage: preimage)
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.execute(.bob, .failHTLC(id: 1, reason: [1, 2, 3]))
        harness.deliverAll()
        #expect(states() == [.failing, .failing])

        // A fulfil lost to a disconnect waits to be replayed: still fulfilling.
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        try harness.offer(.alice, msat: 6_000_000, preimage: preimage)
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        try harness.execute(.bob, .fulfillHTLC(id: 2, preimage: preimage))
        _ = try harness[.bob].handle(.disconnected, now: 0)
        #expect(harness[.bob].snapshot.htlcs.map(\.state) == [.fulfilling])
        #expect(harness[.bob].snapshot.connected == false)
        expectExactLimits(harness[.bob])
    }

    @Test func spendableIsExactWhereverItIsLimited() throws {
        // Limited by the balance: alice pays reserve and fee (she opened); bob has nothing.
        var harness = try ChannelPairHarness.open()
        let aliceSnapshot = harness[.alice].snapshot
        #expect(aliceSnapshot.spendableBreakdown.limitedBy == "insufficient_balance")
        // 1,000,000 sat less the 10,000 sat reserve less the fee spike buffer: the fee at twice
        // the feerate with one more HTLC output than the new one (5000 * (724 + 2 * 172) / 1000).
        #expect(aliceSnapshot.spendableMsat == 1_000_000_000 - 10_000_000 - 5_340_000)
        let breakdown = aliceSnapshot.spendableBreakdown
        #expect([breakdown.balanceMsat, breakdown.reserveMsat, breakdown.commitFeeMsat, breakdown.pendingOutgoingMsat]
                == [1_000_000_000, 10_000_000, 5_340_000, 0])
        #expect(aliceSnapshot.receivableMsat == 0)
        #expect(harness[.bob].snapshot.spendableMsat == 0)
        // Bob accepts whatever keeps alice above her reserve; her fee is hers to keep.
        #expect(harness[.bob].snapshot.receivableMsat == 1_000_000_000 - 10_000_000)
        harness.channels.forEach { expectExactLimits($0) }
        // Spending exactly all of it works. Then an HTLC too small for an output of its own (even
        // at twice the feerate) needs a buffer of 5000 * (724 + 172) / 1000 = 4480 sat: 860 sat are left.
        try harness.pay(.alice, msat: aliceSnapshot.spendableMsat, preimage: try Preimage(label: "all"))
        #expect(harness[.alice].snapshot.spendableMsat == 860_000)
        harness.channels.forEach { expectExactLimits($0); expectConserved($0) }

        // Right below a trimming threshold: one msat more gets its own output, raising the fee
        // beyond what alice can pay, so spendable stops at the largest trimmed amount.
        // Alice has 10,000 sat and a 1,000 sat reserve. The buffer prices the commitment at twice
        // the feerate, where an offered HTLC is trimmed below 354 + 3315 (HTLC-timeout fee at
        // 5000 per kw) sat: trimmed, the buffer is 4480 sat; untrimmed, 5340 sat, which leaves
        // only 3660 sat, below the threshold. So spendable stops right under it.
        harness = try ChannelPairHarness.open(.defaults(capacity: Satoshi(100_000), pushAmount: MilliSatoshi(90_000_000)))
        let boundary = harness[.alice].snapshot
        #expect(boundary.spendableMsat == 3_668_999)
        #expect(boundary.spendableBreakdown.commitFeeMsat == 4_480_000)
        harness.channels.forEach { expectExactLimits($0) }

        // The non-opener may add only what the opener can still pay the fee for: alice's 2000 sat
        // pay the 1810 sat fee without HTLC output, not the 2240 sat with one.
        harness = try ChannelPairHarness.open(.defaults(capacity: Satoshi(100_000), pushAmount: MilliSatoshi(98_000_000)))
        harness.channels.forEach { expectExactLimits($0) }
        #expect(harness[.bob].snapshot.spendableMsat == 2_010_999)
        #expect(harness[.alice].snapshot.spendableMsat == 0)

        // Limited by the peer's max in flight, then by its max accepted HTLCs.
        var tight = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        tight.maxHTLCValueInFlight = MilliSatoshi(100_000_000)
        tight.maxAcceptedHTLCs = 2
        harness = try ChannelPairHarness.open(.defaults(bobConfig: tight))
        #expect(harness[.alice].snapshot.spendableMsat == 100_000_000)
        #expect(harness[.alice].snapshot.spendableBreakdown.limitedBy == "max_in_flight_exceeded")
        try harness.offer(.alice, msat: 30_000_000, preimage: try Preimage(label: "one"))
        #expect(harness[.alice].snapshot.spendableMsat == 70_000_000)
        #expect(harness[.alice].snapshot.spendableBreakdown.pendingOutgoingMsat == 30_000_000)
        harness.channels.forEach { expectExactLimits($0) }
        try harness.offer(.alice, msat: 1_000, preimage: try Preimage(label: "two"))
        #expect(harness[.alice].snapshot.spendableMsat == 0)
        #expect(harness[.alice].snapshot.spendableBreakdown.limitedBy == "too_many_htlcs")
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        harness.channels.forEach { expectExactLimits($0) }
        #expect(harness[.bob].snapshot.receivableBreakdown.limitedBy == "too_many_htlcs")

        // Limited by the HTLC minimum bob asks: with 500 msat of headroom, nothing can be sent.
        var minimum = ChannelConfig.defaults(capacity: Satoshi(1_000_000))
        minimum.htlcMinimum = MilliSatoshi(1_000)
        minimum.maxHTLCValueInFlight = MilliSatoshi(500)
        harness = try ChannelPairHarness.open(.defaults(bobConfig: minimum))
        #expect(harness[.alice].snapshot.spendableMsat == 0)
        #expect(harness[.alice].snapshot.spendableBreakdown.limitedBy == "max_in_flight_exceeded")
        harness.channels.forEach { expectExactLimits($0) }
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
                guard var harness = try? ChannelPairHarness.open(.defaults(capacity: capacity, pushAmount: push, feeratePerKw: feerate)) else { continue }
                opened += 1
                harness.channels.forEach { expectExactLimits($0) }
                for (side, label) in [(PairSide.alice, "x"), (.bob, "y")] where harness[side].snapshot.spendableMsat > 1_000 {
                    let amount = harness[side].snapshot.spendableMsat / 3
                    try harness.offer(side, msat: amount, preimage: try Preimage(label: label))
                    harness.channels.forEach { expectExactLimits($0) }
                }
                harness.deliverAll()
                if (try? harness.execute(.alice, .updateFee(feeratePerKw: feerate * 2))) != nil {
                    harness.channels.forEach { expectExactLimits($0) }
                }
                if (try? harness.execute(.alice, .sign)) != nil {
                    harness.deliverNext(to: .bob)
                    harness.channels.forEach { expectExactLimits($0); expectConserved($0) }
                }
                harness.deliverAll()
                harness.channels.forEach { expectExactLimits($0); expectConserved($0) }
            }
        }
        #expect(opened >= 15)
    }

    @Test func snapshotsHoldNoSecret() throws {
        var harness = try ChannelPairHarness.open()
        let preimages = try (0..<3).map { try Preimage(label: "secret \($0)") }
        try harness.pay(.alice, msat: 100_000_000, preimage: preimages[0])
        try harness.offer(.alice, msat: 10_000_000, preimage: preimages[1])
        try harness.offer(.bob, msat: 10_000_000, preimage: preimages[2])
        try harness.execute(.alice, .sign)
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        try harness.execute(.bob, .fulfillHTLC(id: 1, preimage: preimages[1]))

        var secrets: [String] = preimages.map { Hex.encode($0.bytes) }
        for channel in harness.channels {
            let keys = channel.keys
            secrets += [keys.funding, keys.revocationBasepointSecret, keys.paymentBasepointSecret,
                        keys.delayedPaymentBasepointSecret, keys.htlcBasepointSecret].map { Hex.encode($0.secretBytes) }
            secrets.append(Hex.encode(keys.shachainSeed))
            secrets += (0..<8).map { Hex.encode(keys.perCommitmentSecret(commitmentNumber: $0)) }
        }
        let encoder = JSONEncoder()
        for channel in harness.channels {
            let text = String(decoding: try encoder.encode(channel.snapshot), as: UTF8.self).lowercased()
            for secret in secrets {
                #expect(!text.contains(secret.lowercased()), "a secret leaked into the snapshot")
            }
        }
    }
}

@Suite struct JSONSchemaSubsetTests {
    @Test func theCheckerCatchesWhatTheSchemaForbids() throws {
        let harness = try ChannelPairHarness.open()
        let data = try JSONEncoder().encode(harness[.alice].snapshot)
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
