import ChanSim
import ChanCore
import ChanLedger
import Testing

/// The simulator's parts on their own: the generator, the link, the violation log and the
/// commitment accounting (which must catch a commitment that does not match its spec).
@Suite struct SimulationPartsTests {
    @Test func theGeneratorIsDeterministicAndInRange() {
        var a = SimulationRandom(seed: 99), b = SimulationRandom(seed: 99), c = SimulationRandom(seed: 100)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        // xoshiro256** seeded by SplitMix64 with seed 0: the reference implementations' first output.
        var zero = SimulationRandom(seed: 0)
        let firstOfZero = zero.next()
        #expect(firstOfZero == 0x99EC5F36CB75F2B4)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<6000 {
            let value = a.int(in: 10...15)
            #expect((10...15).contains(value))
            counts[value - 10] += 1
        }
        #expect(counts.allSatisfy { (800...1200).contains($0) }, "\(counts)")
        let picks = (a.uint64(in: 5...5), a.weightedIndex([0, 0, 7, 0]), a.weightedIndex([0, 0]))
        #expect(picks.0 == 5 && picks.1 == 2 && picks.2 == nil)
        let unit = (0..<1000).map { _ in a.unit() }
        #expect(unit.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func theLinkKeepsEachDirectionInOrderAndLosesWhatIsInFlight() throws {
        var link = MessageLink()
        let id = try ChannelID([UInt8](repeating: 1, count: 32))
        let messages = (0..<3).map { WireMessage.updateFee(UpdateFee(channelID: id, feeratePerKw: UInt32(300 + $0))) }
        for message in messages { link.send(message, to: .bob) }
        link.send(messages[0], to: .alice)
        #expect(link.inFlight(to: .bob) == 3 && link.inFlightCount == 4)
        let received = [link.receive(at: .bob), link.receive(at: .bob)]
        #expect(received == [messages[0], messages[1]])
        let lost = link.drop()
        #expect(lost == 2 && !link.isUp && link.isEmpty)
        let sentWhileDown = link.send(messages[2], to: .bob)
        #expect(!sentWhileDown, "nothing travels while the connection is down")
        link.restore()
        link.send(messages[2], to: .bob)
        let afterRestore = [link.receive(at: .bob), link.receive(at: .bob)]
        #expect(afterRestore == [messages[2], nil])
    }

    @Test func theViolationLogCountsEverythingAndKeepsTheFirst() {
        var log = ViolationLog()
        for index in 0..<30 { log.record("problem \(index)") }
        #expect(log.count == 30 && log.messages.count == ViolationLog.keptMessages && log.messages.first == "problem 0")
    }

    @Test func theAccountingCatchesACommitmentThatDoesNotMatchItsSpec() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 100_000)
        harness.mustAdd(from: .alice, sat: 700) // trimmed
        harness.mustAdd(from: .bob, sat: 5_000)
        harness.mustSettle()
        let channel = harness.channel(.alice)
        let commitments = try #require(channel.commitments)
        let local = commitments.local
        let honest = CommitmentAccounting.problems(
            of: local.transaction, spec: local.spec, capacity: commitments.parameters.capacity,
            ownerIsOpener: true, ownerDustLimit: commitments.parameters.localConfig.dustLimit)
        #expect(honest.isEmpty, "\(honest)")
        #expect(local.transaction.trimmedHTLCs.count == 1 && local.transaction.htlcOutputs.count == 2)

        // One msat moved from alice to bob: the spec no longer matches the transaction.
        var shifted = local.spec
        shifted.toLocal = MilliSatoshi(shifted.toLocal.value - 1000)
        shifted.toRemote = MilliSatoshi(shifted.toRemote.value + 1000)
        #expect(!CommitmentAccounting.problems(of: local.transaction, spec: shifted, capacity: commitments.parameters.capacity,
                                               ownerIsOpener: true, ownerDustLimit: commitments.parameters.localConfig.dustLimit).isEmpty)
        // The opener named wrongly: the fee would come out of the other output.
        #expect(!CommitmentAccounting.problems(of: local.transaction, spec: local.spec, capacity: commitments.parameters.capacity,
                                               ownerIsOpener: false, ownerDustLimit: commitments.parameters.localConfig.dustLimit).isEmpty)
        // Another dust limit trims other HTLCs.
        #expect(!CommitmentAccounting.problems(of: local.transaction, spec: local.spec, capacity: commitments.parameters.capacity,
                                               ownerIsOpener: true, ownerDustLimit: Satoshi(10_000)).isEmpty)
        // A msat missing from the capacity.
        var short = local.spec
        short.toLocal = MilliSatoshi(short.toLocal.value - 1)
        #expect(!CommitmentAccounting.problems(of: local.transaction, spec: short, capacity: commitments.parameters.capacity,
                                               ownerIsOpener: true, ownerDustLimit: commitments.parameters.localConfig.dustLimit).isEmpty)
    }

    @Test func aCopyOfTheHarnessIsAnIndependentWorld() throws {
        let original = try ChannelPairHarness.standard()
        var copy = original
        copy.mustAdd(from: .alice, sat: 10_000)
        copy.mustSettle()
        copy.mine(blocks: 3)
        #expect(original.payments.pending.isEmpty && original.height + 3 == copy.height)
        #expect(original.channel(.alice).commitments?.local.number == 0)
        #expect(copy.channel(.alice).commitments?.local.number == 1)
    }

    @Test func anOpeningStopsAtEachStageAndKeepsHistoryOnlyWhenAsked() throws {
        let stages: [(ChannelPairHarness.OpeningStage, [ChannelPhase], String?)] = [
            (.fundingCreatedSent, [.opening, .opening], "funding_created"),
            (.fundingSignedSent, [.opening, .awaitingFunding], "funding_signed"),
            (.awaitingFunding, [.awaitingFunding, .awaitingFunding], nil),
            (.normal, [.normal, .normal], nil),
        ]
        for (stage, phases, inFlight) in stages {
            let harness = try ChannelPairHarness(configuration: .defaults(), until: stage)
            #expect(harness.channels.map(\.phase) == phases, "\(stage)")
            #expect(harness.link.inFlightCount == (inFlight == nil ? 0 : 1), "\(stage)")
            if let inFlight {
                #expect(PairSide.allCases.compactMap { harness.link.peek(at: $0)?.name } == [inFlight])
            }
            #expect(harness.ledger.store.mempoolTransactions().count == (stage == .awaitingFunding ? 1 : 0), "\(stage)")
        }

        // Nothing kept by default: the simulator's harness stays cheap to copy.
        var quiet = try ChannelPairHarness(configuration: .defaults(pushAmount: MilliSatoshi(100_000_000)))
        var kept = try ChannelPairHarness(configuration: .defaults(pushAmount: MilliSatoshi(100_000_000)), keepsHistory: true)
        quiet.mustAdd(from: .bob, sat: 10_000)
        quiet.mustSettle()
        kept.mustAdd(from: .bob, sat: 10_000)
        kept.mustSettle()
        #expect(PairSide.allCases.allSatisfy { side in
            quiet.history[side].received.isEmpty && quiet.history[side].resolutions.isEmpty && quiet.history[side].broadcasts.isEmpty
        })
        #expect(kept.history[.bob].received.first?.name == "open_channel")
        #expect(kept.history[.alice].received.first?.name == "accept_channel")
        #expect(kept.history[.alice].broadcasts.map(\.txid) == [kept.wallets.fundingTxid])
        #expect(kept.history[.alice].resolutions.count == 1)  // bob's HTLC, committed
        // Every message delivered, and the two exchanged before the harness existed.
        let received = kept.history[.alice].received.count + kept.history[.bob].received.count
        #expect(received == kept.statistics.messagesDelivered + 2)
    }
}
