import ChanCore
import ChanLedger

/// A random run of a channel pair: a channel shape drawn from the seed, `operations` random
/// operations with messages delivered in a random interleaving of the two directions (each
/// in order) and random disconnects, then an ending (mutual close, force close or breach)
/// resolved on the ledger. Every invariant is checked along the way; the report counts what
/// happened and every violation. The seed alone decides everything.
public enum PairSimulation {
    /// Blocks allowed for a force close or breach to resolve: the furthest HTLC expiry, two
    /// of the longest delays (HTLC then second stage), and slack.
    static let resolutionBlocks = Int(PairOperation.expiryDeltas.upperBound) + 2 * Int(Channel.maximumToSelfDelay) + 100

    /// The tag of the breach's own random stream (`SimulationRandom(seed:stream:)`): who
    /// cheats and with which commitment is drawn from it, so `--breach` changes nothing else
    /// (same channel, same operations) of the run the seed gives.
    static let breachStream: UInt64 = 0x6272_6561_6368 // "breach"

    /// `shouldContinue` hears the number of operations done before each operation; false
    /// stops the operations there (the run is `interrupted`) and the channel is closed as usual.
    public static func run(_ options: PairSimulationOptions, shouldContinue: ((Int) -> Bool)? = nil) -> PairSimulationReport {
        var random = SimulationRandom(seed: options.seed)
        var breachRandom = SimulationRandom(seed: options.seed, stream: breachStream)
        let cheater: PairSide? = options.breach ? (breachRandom.chance(0.5) ? .alice : .bob) : nil
        var configuration = PairConfiguration.random(keySeed: options.seed, using: &random, cheater: cheater)
        configuration.opener = options.opener
        var harness: ChannelPairHarness
        do {
            harness = try ChannelPairHarness(configuration: configuration)
        } catch {
            var violations = ViolationLog()
            violations.record(error.message)
            return PairSimulationReport(options: options, configuration: configuration, statistics: PairStatistics(),
                                        violations: violations, ending: .notOpened, finalStates: nil, audit: nil, funds: nil,
                                        trace: [], interrupted: false)
        }

        if options.traceLength > 0 { harness.trace = SimulationTrace(isEnabled: true, capacity: options.traceLength) }
        var driver = Driver(harness: harness, random: random, breachRandom: breachRandom, options: options)
        let interrupted = !driver.runOperations(shouldContinue: shouldContinue)
        driver.harness.trace.record("operations done")
        let ending = driver.end()
        harness = driver.harness
        harness.checkEveryPaymentEnded()
        harness.checkFundsAfterClose()
        if options.isHeldToFloors { harness.checkFloors(disconnected: options.expectsDisconnects) }
        let audit = harness.auditLedger()
        return PairSimulationReport(
            options: options, configuration: configuration, statistics: harness.statistics, violations: harness.violations,
            ending: ending, finalStates: harness.channels.map(\.phase), audit: audit, funds: harness.closedChannelFunds,
            trace: harness.trace.lines, interrupted: interrupted)
    }

    /// The random policy around a harness: what happens next, and when the connection drops.
    struct Driver {
        var harness: ChannelPairHarness
        var random: SimulationRandom
        /// Draws for the breach only (see `breachStream`).
        var breachRandom: SimulationRandom
        let options: PairSimulationOptions
        /// Steps until the dropped connection comes back.
        var reconnectIn = 0
        /// Set once the close has had its steps with disconnects: the connection no longer
        /// drops, so that the close completes however high the rate.
        var linkIsSteady = false

        /// One step of the world: maybe the connection drops, or comes back.
        mutating func stepConnection() {
            if !harness.link.isUp {
                if reconnectIn == 0 { harness.reconnect() } else { reconnectIn -= 1 }
            } else if !linkIsSteady, random.chance(options.disconnectRate) {
                harness.disconnect()
                reconnectIn = random.int(in: 0...2)
            }
        }

        /// Delivers a random number of messages, each direction in order, directions interleaved
        /// at random; a message may wait across several operations (a delay).
        mutating func deliverSome() {
            while !harness.link.isEmpty, random.chance(0.5) || harness.link.inFlightCount > 12 {
                stepConnection()
                harness.deliverRandom(using: &random)
            }
        }

        /// False if `shouldContinue` stopped the operations early.
        mutating func runOperations(shouldContinue: ((Int) -> Bool)?) -> Bool {
            for done in 0..<options.operations {
                guard harness.channels.allSatisfy({ $0.phase == .normal }) else { return true }
                if let shouldContinue, !shouldContinue(done) { return false }
                stepConnection()
                harness.perform(PairOperation.random(in: harness, using: &random))
                deliverSome()
                if random.chance(options.settleChance), harness.settle() { harness.checkSynced() }
            }
            return true
        }

        mutating func end() -> PairSimulationReport.Ending {
            guard harness.channels.allSatisfy({ $0.phase == .normal }) else {
                harness.disconnect()
                harness.mineUntilClosed(maxBlocks: PairSimulation.resolutionBlocks)
                return .unexpectedClose
            }
            if options.breach, let cheater = harness.configuration.cheater {
                // Let the revocations in flight arrive, so the honest side knows the most.
                if harness.settle() { harness.checkSynced() }
                if let number = breachRandom.element(of: harness.breachableCommitmentNumbers) {
                    harness.breach(with: number)
                    harness.mineUntilClosed(maxBlocks: PairSimulation.resolutionBlocks)
                    return .breach(by: cheater, commitmentNumber: number)
                }
                // No revoked commitment yet (a run too short): close normally.
            }
            if options.forceClose {
                return forceClose()
            }
            return mutualClose()
        }

        /// A random side force closes, maybe in the middle of a commit cycle; each pending
        /// incoming HTLC's receiver claims it on chain with its preimage or lets it time out.
        mutating func forceClose() -> PairSimulationReport.Ending {
            harness.reconnect()
            deliverSome()
            let closer: PairSide = random.chance(0.5) ? .alice : .bob
            harness.forceClose(closer)
            harness.disconnect()
            var revealed = Set<PaymentHash>()
            for payment in harness.payments.pending.values.sorted(by: { $0.paymentHash.bytes.lexicographicallyPrecedes($1.paymentHash.bytes) })
            where random.chance(0.5) {
                revealed.insert(payment.paymentHash)
            }
            harness.mineUntilClosed(maxBlocks: PairSimulation.resolutionBlocks) { revealed.contains($0.paymentHash) }
            return .forceClose(by: closer)
        }

        /// A random side asks to close while HTLCs may still be pending; both settle them
        /// (with disconnects still happening for `closingStepsWithDisconnects` steps, then
        /// none), negotiate the fee, and the close is mined.
        mutating func mutualClose() -> PairSimulationReport.Ending {
            let closer: PairSide = random.chance(0.5) ? .alice : .bob
            for step in 0..<10_000 {
                if harness.channels.allSatisfy({ $0.phase == .closing || $0.phase == .closed }) { break }
                if step == PairSimulationOptions.closingStepsWithDisconnects { linkIsSteady = true }
                // A force close here is a violation already recorded; the ledger resolves it.
                if harness.channels.contains(where: { $0.phase == .forceClosing }) { break }
                stepConnection()
                if harness.link.isUp, harness.channel(closer).phase == .normal {
                    harness.command(closer, .close)
                }
                for side in PairSide.allCases {
                    if let id = random.element(of: harness.payments.settleableIDs(at: side)) {
                        if random.chance(0.7) { harness.fulfil(at: side, id: id) } else { harness.fail(at: side, id: id) }
                    }
                }
                harness.command(random.chance(0.5) ? .alice : .bob, .sign)
                deliverSome()
            }
            harness.mineUntilClosed(maxBlocks: PairSimulation.resolutionBlocks)
            return .mutualClose
        }
    }
}

extension ChannelPairHarness {
    /// Every payment ended exactly once, except the cheater's (its channel gave up on them).
    public mutating func checkEveryPaymentEnded() {
        let unresolved = payments.pending.values.filter { !cheated.contains($0.sender) }
        for payment in unresolved.prefix(3) {
            violations.record("\(payment.sender)'s HTLC \(payment.htlcID) of \(payment.amount.value) msat never ended")
        }
        if unresolved.count > 3 { violations.record("\(unresolved.count - 3) more payments never ended") }
    }

    /// After a close: both channels closed, every satoshi in a wallet or paid as fees, a
    /// cheater left with nothing, and each side's wallet gain its final balance less the fees
    /// it paid (`CloseShare`).
    public mutating func checkFundsAfterClose() {
        guard channels.allSatisfy({ $0.phase == .closed }) else {
            violations.record("the run ended with the channels \(channels.map(\.phase.rawValue))")
            return
        }
        violations.record(closedChannelFunds.problems(cheater: cheated.first), context: "funds")
        switch closeShares {
        case .success(let shares): violations.record(shares.flatMap(\.problems), context: "shares")
        case .failure(let error): violations.record(error.message, context: "shares")
        }
    }
}
