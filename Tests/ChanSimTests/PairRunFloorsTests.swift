@testable import ChanSim // the floors' option
import ChanCore
import ChanLedger
import Testing

/// The floors on what a run must have done: a channel that refuses everything breaks no
/// invariant, and must fail them all the same.
@Suite struct PairRunFloorsTests {
    /// 1,000 random operations on `configuration`, messages delivered in random order (so
    /// commitments cross), then the floors.
    static func run(_ configuration: PairConfiguration) throws -> ChannelPairHarness {
        var harness = try ChannelPairHarness(configuration: configuration)
        var random = SimulationRandom(seed: 5)
        for _ in 0..<PairRunFloors.checkedFromOperations {
            harness.perform(PairOperation.random(in: harness, using: &random))
            while random.chance(0.6), harness.deliverRandom(using: &random) != nil {}
        }
        harness.settle()
        harness.checkFloors(disconnected: false)
        return harness
    }

    @Test func aWorkingChannelClearsTheFloors() throws {
        let harness = try Self.run(.standard())
        expectNoViolations(harness)
        #expect(harness.statistics.operations == PairRunFloors.checkedFromOperations)
    }

    /// Each side asks for HTLCs of at least the whole capacity: every add is refused, so
    /// nothing is ever fulfilled or failed; only fee updates get signed.
    @Test func aChannelThatRefusesEveryAddFailsTheFloors() throws {
        var configuration = PairConfiguration.standard()
        configuration.aliceConfig.htlcMinimum = MilliSatoshi(configuration.capacity.value * 1000)
        configuration.bobConfig.htlcMinimum = configuration.aliceConfig.htlcMinimum
        let harness = try Self.run(configuration)
        let messages = harness.violations.messages
        #expect(harness.statistics.htlcsAdded == 0 && harness.statistics.commandsRefused > 300)
        #expect(messages.contains("floors: 0 HTLCs added in 1000 operations, the floor is 50"), "\(messages)")
        #expect(messages.contains("floors: 0 HTLCs fulfilled in 1000 operations, the floor is 10"), "\(messages)")
        #expect(messages.contains("floors: 0 HTLCs failed in 1000 operations, the floor is 10"), "\(messages)")
    }

    @Test func eachFloorSpeaksForItself() {
        var statistics = PairStatistics()
        statistics.operations = 2000
        statistics.htlcsAdded = 500
        statistics.commitmentsExchanged = 400
        statistics.htlcsSettled = 200
        statistics.htlcsFailed = 100
        statistics.feeUpdates = 10
        statistics.crossedCommitments = 50
        #expect(PairRunFloors.problems(statistics, disconnected: false).isEmpty)
        #expect(PairRunFloors.problems(statistics, disconnected: true) == [
            "0 disconnects in 2000 operations, the floor is 1", "0 retransmissions in 2000 operations, the floor is 1",
        ])
        var noFees = statistics
        noFees.feeUpdates = 3
        #expect(PairRunFloors.problems(noFees, disconnected: false) == ["3 fee updates in 2000 operations, the floor is 4"])
        var neverCrossed = statistics
        neverCrossed.crossedCommitments = 0
        #expect(PairRunFloors.problems(neverCrossed, disconnected: false) == ["0 crossed commitments in 2000 operations, the floor is 20"])
        var fewCommitments = statistics
        fewCommitments.commitmentsExchanged = 99
        #expect(PairRunFloors.problems(fewCommitments, disconnected: false) == ["99 commitments exchanged in 2000 operations, the floor is 100"])
    }

    /// Short runs are not held to the floors; the simulation holds every long one to them.
    @Test func onlyLongRunsAreHeldToTheFloors() throws {
        var harness = try ChannelPairHarness.standard()
        harness.checkFloors(disconnected: true)
        expectNoViolations(harness)
        #expect(PairSimulationOptions(seed: 1, operations: 1000, disconnectRate: 0.02).expectsDisconnects)
        #expect(!PairSimulationOptions(seed: 1, operations: 1000, disconnectRate: 0.01).expectsDisconnects)
        #expect(PairSimulationOptions(seed: 1, operations: 1000, disconnectRate: 0.1).isHeldToFloors)
        #expect(!PairSimulationOptions(seed: 1, operations: 1000, disconnectRate: 0.3).isHeldToFloors)
    }
}
