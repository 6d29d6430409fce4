import ChanCore
import ChanLedger

/// What `chan sim network` asks of a random run.
public struct NetworkSimulationOptions: Hashable, Sendable {
    public var seed: UInt64
    /// Random operations before the ending.
    public var operations: Int
    public var nodeCount: Int
    public var topology: NetworkTopology
    /// The chance (0 <= rate < 1), at each step (an operation or a message delivered), that a
    /// random link drops; it comes back 0 to 3 operations later.
    public var disconnectRate: Double
    /// The chance (0 <= rate < 1), at each operation, that a random node crashes and restarts
    /// from its persisted channel records; its links come back 0 to 3 operations later.
    public var restartRate: Double
    /// The chance, after each operation, that the driver settles the whole network and checks
    /// the synced invariants.
    public var settleChance: Double
    /// How many of the last events the report keeps (0: none).
    public var traceLength: Int

    public init(seed: UInt64, operations: Int, nodeCount: Int = 3, topology: NetworkTopology = .triangle,
                disconnectRate: Double = 0.01, restartRate: Double = 0.005, settleChance: Double = 0.01, traceLength: Int = 0) {
        self.seed = seed
        self.operations = operations
        self.nodeCount = nodeCount
        self.topology = topology
        self.disconnectRate = disconnectRate
        self.restartRate = restartRate
        self.settleChance = settleChance
        self.traceLength = traceLength
    }
}
