import ChanCore
import ChanCrypto
import ChanLedger
@testable import ChanSim  // the harness's node keys, to read a channel record back
import Testing

/// What the node asks of a channel's HTLCs (`ChannelHTLCs.swift`): which incoming HTLCs wait for
/// its decision and with which onion, whether a payment still has an outgoing HTLC; and the
/// incoming onions kept in the channel's record until their HTLC is removed.
@Suite struct ChannelHTLCTests {
    /// A recognisable onion (the harness's own HTLCs all carry `.zero`).
    static func onion(_ seed: Int) -> OnionRoutingPacket { try! OnionRoutingPacket(SampleMessages.pattern(OnionRoutingPacket.byteCount, seed: seed)) }

    /// Alice offers `msat` to `preimage`'s hash with `onion`; nothing signed.
    static func offer(_ harness: inout ChannelPairHarness, msat: UInt64, preimage: Preimage, onion: OnionRoutingPacket) throws -> CommitmentHTLC {
        let expiry = harness[.alice].currentHeight + 40
        let id = harness[.alice].commitments!.localNextHTLCID
        try harness.execute(.alice, .addHTLC(amount: MilliSatoshi(msat), paymentHash: preimage.hash, cltvExpiry: expiry, onion: onion))
        return CommitmentHTLC(id: id, direction: .received, amount: MilliSatoshi(msat), paymentHash: preimage.hash, cltvExpiry: expiry)
    }

    static func isRevokeAndAck(_ message: WireMessage) -> Bool { if case .revokeAndAck = message { true } else { false } }

    @Test func anIncomingHTLCWaitsForADecisionWithItsOnionUntilSettled() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "undecided")
        let onion = Self.onion(1)
        let htlc = try Self.offer(&harness, msat: 20_000_000, preimage: preimage, onion: onion)

        // Proposed only: bob holds nothing yet; alice's payment has its HTLC.
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil)
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
        #expect(!harness[.bob].hasOutgoingHTLC(paymentHash: preimage.hash))

        // Signed into bob's commitment, but alice's has not revoked its old one: not yet irrevocable.
        try harness.execute(.alice, .sign)
        let next = harness.deliver { side, message in side == .bob && Self.isRevokeAndAck(message) }
        #expect(next != nil, "the dance stops before bob receives alice's revocation")
        #expect(harness[.bob].commitments!.local.spec.htlcs.contains(htlc))
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil)

        // Committed both ways: bob owes a decision, from the onion alice sent.
        harness.deliverAll()
        #expect(harness[.bob].undecidedIncomingHTLCs == [htlc])
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == onion)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id + 1) == nil)
        #expect(harness[.alice].undecidedIncomingHTLCs.isEmpty, "alice's own HTLC is not hers to decide")
        #expect(harness[.alice].onion(ofIncomingHTLC: htlc.id) == nil)
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))

        // Bob decides: no longer undecided, and the onion goes (the decision is in the fulfil,
        // which both commitments still have to take).
        try harness.execute(.bob, .fulfillHTLC(id: htlc.id, preimage: preimage))
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil)
        #expect(harness[.bob].commitments!.incomingOnions.isEmpty)
        #expect(harness[.bob].commitments!.local.spec.htlcs.contains(htlc))
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))

        // Removed from every commitment: no onion left, no outgoing HTLC left.
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(harness[.bob].commitments!.local.spec.htlcs.isEmpty && harness[.bob].commitments!.remote.spec.htlcs.isEmpty)
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil)
        #expect(harness[.bob].commitments!.incomingOnions.isEmpty)
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
        expectNoChannelViolations(harness)
    }

    /// Two parts of one payment on one channel share a payment hash: fulfilling the first must
    /// leave the second to decide (found by `chan sim network`: the second part was never
    /// fulfilled and forced the channel closed at its expiry).
    @Test func aSecondPartOfTheSameHashStaysUndecidedAfterTheFirstIsFulfilled() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "two parts")
        let first = try Self.offer(&harness, msat: 5_000_000, preimage: preimage, onion: Self.onion(3))
        let second = try Self.offer(&harness, msat: 5_000_000, preimage: preimage, onion: Self.onion(4))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        #expect(harness[.bob].undecidedIncomingHTLCs == [first, second])

        try harness.execute(.bob, .fulfillHTLC(id: first.id, preimage: preimage))
        #expect(harness[.bob].undecidedIncomingHTLCs == [second])
        try harness.execute(.bob, .fulfillHTLC(id: second.id, preimage: preimage))
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(harness[.bob].commitments!.local.spec.htlcs.isEmpty)
        expectNoChannelViolations(harness)
    }

    @Test func aFailedHTLCLeavesNoOnionBehind() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "failed")
        let htlc = try Self.offer(&harness, msat: 5_000_000, preimage: preimage, onion: Self.onion(2))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        #expect(harness[.bob].undecidedIncomingHTLCs == [htlc])

        try harness.execute(.bob, .failHTLC(id: htlc.id, reason: Array("no".utf8)))
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil, "the failure carries the decision")
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(harness[.bob].onion(ofIncomingHTLC: htlc.id) == nil)
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
        expectNoChannelViolations(harness)
    }

    @Test func onionsAreKeptPerHTLCAndOnlyForTheRemovedOneDropped() throws {
        var harness = try ChannelPairHarness.open()
        let first = try Preimage(label: "first"), second = try Preimage(label: "second")
        let one = try Self.offer(&harness, msat: 3_000_000, preimage: first, onion: Self.onion(3))
        let two = try Self.offer(&harness, msat: 4_000_000, preimage: second, onion: Self.onion(4))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        #expect(harness[.bob].undecidedIncomingHTLCs.sorted { $0.id < $1.id } == [one, two])
        #expect(harness[.bob].onion(ofIncomingHTLC: one.id) == Self.onion(3))
        #expect(harness[.bob].onion(ofIncomingHTLC: two.id) == Self.onion(4))

        try harness.execute(.bob, .fulfillHTLC(id: one.id, preimage: first))
        #expect(harness[.bob].undecidedIncomingHTLCs == [two])
        #expect(harness[.bob].onion(ofIncomingHTLC: one.id) == nil)
        #expect(harness[.bob].onion(ofIncomingHTLC: two.id) == Self.onion(4))
        try harness.execute(.bob, .sign)
        harness.deliverAll()
        #expect(harness[.bob].onion(ofIncomingHTLC: one.id) == nil)
        #expect(harness[.bob].onion(ofIncomingHTLC: two.id) == Self.onion(4))
        #expect(harness[.bob].undecidedIncomingHTLCs == [two])
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: first.hash))
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: second.hash))
    }

    @Test func anOutgoingHTLCLostToADisconnectIsGone() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "lost")
        _ = try Self.offer(&harness, msat: 2_000_000, preimage: preimage, onion: Self.onion(5))
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: try Preimage(label: "other").hash))
        // Never signed: the disconnect discards it.
        harness.disconnect()
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
    }

    @Test func anOutgoingHTLCSignedButNotYetInOurCommitmentCounts() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "signed")
        _ = try Self.offer(&harness, msat: 2_000_000, preimage: preimage, onion: Self.onion(6))
        try harness.execute(.alice, .sign)
        // Only in the commitment alice signed for bob (latestRemote): neither proposed nor in her own.
        #expect(harness[.alice].commitments!.localChanges.proposed.isEmpty)
        #expect(harness[.alice].commitments!.local.spec.htlcs.isEmpty)
        #expect(harness[.alice].hasOutgoingHTLC(paymentHash: preimage.hash))
    }

    @Test func aChannelStillOpeningHasNoHTLCs() throws {
        let harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        #expect(harness[.bob].undecidedIncomingHTLCs.isEmpty)
        #expect(harness[.bob].onion(ofIncomingHTLC: 0) == nil)
        #expect(!harness[.alice].hasOutgoingHTLC(paymentHash: try Preimage(label: "x").hash))
    }

    @Test func theRecordKeepsIncomingOnions() throws {
        var harness = try ChannelPairHarness.open()
        let preimage = try Preimage(label: "record")
        let htlc = try Self.offer(&harness, msat: 7_000_000, preimage: preimage, onion: Self.onion(7))
        _ = try Self.offer(&harness, msat: 8_000_000, preimage: try Preimage(label: "record 2"), onion: Self.onion(8))
        try harness.execute(.alice, .sign)
        harness.deliverAll()
        let bob = harness[.bob]
        #expect(bob.commitments!.incomingOnions == [htlc.id: Self.onion(7), htlc.id + 1: Self.onion(8)])

        let record = try ChannelRecord.encode(bob)
        let restored = try ChannelRecord.decode(record, nodeKeys: harness.nodeKeys[PairSide.bob.rawValue])
        #expect(restored == bob)
        #expect(restored.commitments!.incomingOnions == bob.commitments!.incomingOnions)
        #expect(restored.onion(ofIncomingHTLC: htlc.id) == Self.onion(7))
        // After a restart, the node decides again on the same HTLCs.
        #expect(restored.undecidedIncomingHTLCs == bob.undecidedIncomingHTLCs)
        #expect(restored.undecidedIncomingHTLCs.count == 2)
        // The onions are in the bytes: the record without them is at least two onions shorter.
        var settled = harness
        try settled.execute(.bob, .fulfillHTLC(id: htlc.id, preimage: preimage))
        try settled.execute(.bob, .failHTLC(id: htlc.id + 1, reason: []))
        try settled.execute(.bob, .sign)
        settled.deliverAll()
        #expect(settled[.bob].commitments!.incomingOnions.isEmpty)
        let settledRecord = try ChannelRecord.encode(settled[.bob])
        #expect(record.count >= settledRecord.count + 2 * OnionRoutingPacket.byteCount)
        #expect(try ChannelRecord.decode(settledRecord, nodeKeys: harness.nodeKeys[PairSide.bob.rawValue]) == settled[.bob])
    }

    // MARK: messageChannelIDs

    @Test func messageChannelIDsFollowTheFundingOutpoint() throws {
        let created = try ChannelPairHarness.open(until: .fundingCreatedSent)
        let temporary = created[.alice].temporaryChannelID
        #expect(created[.bob].temporaryChannelID == temporary)
        // Output 0: the funding-derived id is the txid's bytes as they are (nothing to XOR in).
        let funded = try ChannelID(created.wallets.fundingTxid.bytes)
        #expect(funded != temporary)
        // Alice knows the outpoint once funding_created is sent, before she has commitments.
        #expect(created[.alice].commitments == nil)
        #expect(created[.alice].messageChannelIDs == [temporary, funded])
        #expect(created[.alice].channelID == temporary)
        // Bob has not received it.
        #expect(created[.bob].messageChannelIDs == [temporary])

        var signed = try ChannelPairHarness.open(until: .fundingSignedSent)
        #expect(signed[.bob].messageChannelIDs == [temporary, funded])
        #expect(signed[.bob].channelID == funded)
        // The funding_signed in flight already carries the id alice must route to her channel.
        let message = try signed.intercept(to: .alice, "funding_signed")
        guard case .fundingSigned(let fundingSigned) = message else { return }
        #expect(fundingSigned.channelID == funded)
        #expect(signed[.alice].messageChannelIDs.contains(fundingSigned.channelID))

        let normal = try ChannelPairHarness.open()
        for side in PairSide.allCases {
            #expect(normal[side].messageChannelIDs == [temporary, funded])
            #expect(normal[side].channelID == funded)
        }
    }

    // MARK: The funding output

    /// The funding output as the ledger holds it.
    static func fundingOutput(_ harness: ChannelPairHarness) -> TxOutput { harness[.alice].fundingTransaction!.outputs[0] }

    static let shortChannelID = try! ShortChannelID(block: 500, transactionIndex: 1, outputIndex: 0)

    @Test func aFundingOutputOfTheWrongAmountOrConditionClosesTheChannel() throws {
        let harness = try ChannelPairHarness.open(until: .awaitingFunding)
        let right = Self.fundingOutput(harness)
        #expect(right.amount == harness.configuration.capacity)
        let stranger = try PrivateKey(secretBytes: [UInt8](repeating: 0x44, count: 32)).publicKey
        guard case .multisig2(let first, _) = right.condition else {
            Issue.record("the funding output is not a 2-of-2: \(right.condition)")
            return
        }
        let wrongOutputs = [
            TxOutput(amount: Satoshi(right.amount.value - 1), condition: right.condition),
            TxOutput(amount: Satoshi(right.amount.value + 1), condition: right.condition),
            TxOutput(amount: right.amount, condition: .key(stranger)),
            TxOutput(amount: right.amount, condition: .funding(first, stranger)),
        ]
        for side in PairSide.allCases {
            for output in wrongOutputs {
                var channel = harness[side]
                #expect(channel.phase == .awaitingFunding)
                let id = channel.channelID
                let effects = try channel.handle(.ledger(.fundingConfirmed(depth: 6, shortChannelID: Self.shortChannelID, output: output)), now: 4242)
                #expect(effects.count == 3, "\(side): \(effects)")
                guard effects.count == 3 else { continue }
                #expect(effects[0] == .persist())
                guard case .send(.error(let error)) = effects[1], case .phaseChanged(let change) = effects[2] else {
                    Issue.record("\(side): not an error then a change of phase: \(effects)")
                    continue
                }
                #expect(error.channelID == id)
                #expect(change.old == .awaitingFunding && change.new == .closed && change.time == 4242)
                #expect(String(decoding: error.data, as: UTF8.self) == change.cause, "the peer hears why")
                #expect(change.cause.contains("\(output.amount.value) sat"))
                #expect(channel.phase == .closed)
                #expect(channel.shortChannelID == nil && channel.fundingDepth == 0 && !channel.channelReadySent)
            }
        }
    }

    @Test func theRightFundingOutputLeadsToChannelReady() throws {
        let harness = try ChannelPairHarness.open(until: .awaitingFunding)
        let output = Self.fundingOutput(harness)
        var bob = harness[.bob]
        let depth = bob.opening.minimumDepth
        #expect(depth >= 2, "the test needs a depth below the minimum")

        // Below the minimum depth: recorded, nothing sent.
        #expect(try bob.handle(.ledger(.fundingConfirmed(depth: depth - 1, shortChannelID: Self.shortChannelID, output: output)), now: 10) == [])
        #expect(bob.phase == .awaitingFunding && bob.fundingDepth == depth - 1 && bob.shortChannelID == Self.shortChannelID)

        let effects = try bob.handle(.ledger(.fundingConfirmed(depth: depth, shortChannelID: Self.shortChannelID, output: output)), now: 11)
        #expect(effects.first == .persist())
        let ready = effects.compactMap { effect -> ChannelReady? in if case .send(.channelReady(let ready)) = effect { ready } else { nil } }
        #expect(ready.count == 1)
        #expect(ready.first?.channelID == bob.channelID)
        #expect(!effects.contains { if case .send(.error) = $0 { true } else { false } })
        #expect(bob.channelReadySent && bob.fundingDepth == depth)
        // Normal only once alice's channel_ready arrives too.
        #expect(bob.phase == .awaitingFunding)
        // Confirmations after that send nothing more.
        #expect(try bob.handle(.ledger(.fundingConfirmed(depth: depth + 1, shortChannelID: Self.shortChannelID, output: output)), now: 12) == [])
        #expect(bob.fundingDepth == depth + 1)
    }

    @Test func aWrongOutputReportedToANormalChannelChangesNothing() throws {
        let harness = try ChannelPairHarness.open()
        var bob = harness[.bob]
        let wrong = TxOutput(amount: Satoshi(1), condition: Self.fundingOutput(harness).condition)
        #expect(try bob.handle(.ledger(.fundingConfirmed(depth: 9, shortChannelID: Self.shortChannelID, output: wrong)), now: 1) == [])
        #expect(bob == harness[.bob])
    }

    @Test func aFundingConfirmationBeforeTheCommitmentsIsIgnored() throws {
        let harness = try ChannelPairHarness.open(until: .fundingCreatedSent)
        var bob = harness[.bob]
        let wrong = TxOutput(amount: Satoshi(1), condition: .key(bob.keys.funding.publicKey))
        #expect(try bob.handle(.ledger(.fundingConfirmed(depth: 9, shortChannelID: Self.shortChannelID, output: wrong)), now: 1) == [])
        #expect(bob == harness[.bob])
    }
}

/// No violation but the payment book's: these tests add HTLCs with their own onions, past the
/// harness's `addHTLC`, so the book does not know their payments (warnings, errors and
/// records that do not read back are still violations).
func expectNoChannelViolations(_ harness: ChannelPairHarness, sourceLocation: SourceLocation = #_sourceLocation) {
    let channelViolations = harness.violations.messages.filter { !$0.hasPrefix("payments: ") }
    #expect(channelViolations.isEmpty, "\(channelViolations)", sourceLocation: sourceLocation)
}
