import ChanCore
/// What `chan sim pair` asks of a random run.
public struct PairSimulationOptions: Hashable, Sendable {
    /// The largest seed: 2^53 - 1, the largest integer every JSON reader holds exactly (the
    /// summary prints the seed as a number).
    public static let maximumSeed: UInt64 = (1 << 53) - 1
    /// The most operations a run may ask for: a bound on how long one command runs.
    public static let maximumOperations = 10_000_000
    /// Steps of the closing negotiation during which the connection may still drop; after
    /// them it stays up, so a mutual close completes at any rate below 1.
    public static let closingStepsWithDisconnects = 100

    public var seed: UInt64
    /// Random operations before the ending.
    public var operations: Int
    /// The chance (0 <= rate < 1), at each step (an operation or a message delivered), that
    /// the connection drops; it comes back 0 to 2 steps later. While the channel closes, drops
    /// stop after `closingStepsWithDisconnects` steps.
    public var disconnectRate: Double
    /// End with a force close (by a random side) instead of a mutual close.
    public var forceClose: Bool
    /// End with a random side broadcasting one of its revoked commitments.
    public var breach: Bool
    /// The chance, after each operation, that the driver settles the pair (signs and delivers
    /// until fully synced) and checks the synced invariants.
    public var settleChance: Double
    /// How many of the last events the report keeps (0: none, and no cost).
    public var traceLength: Int
    /// The side that opens the channel (the seed's channel and operations are otherwise the
    /// same): runs where bob opens test the non-default roles of every check.
    public var opener: PairSide

    public init(seed: UInt64, operations: Int, disconnectRate: Double = 0, forceClose: Bool = false,
                breach: Bool = false, settleChance: Double = 0.02, traceLength: Int = 0, opener: PairSide = .alice) {
        self.seed = seed
        self.operations = operations
        self.disconnectRate = disconnectRate
        self.forceClose = forceClose
        self.breach = breach
        self.settleChance = settleChance
        self.traceLength = traceLength
        self.opener = opener
    }
}
