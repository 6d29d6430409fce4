import ChanCrypto
import ChanLedger

/// The payer's engine for one payment (one payment hash): routes it, splits it into parts when
/// it may, learns from every failure, and retries until it is paid, fails for good, runs out
/// of time or reaches its attempt cap. A value the node (and the simulator) drives:
///
/// 1. `plan(...)` with the current graph (gossip + our channels + the invoice's hints), the
///    node's mission control, height and time: launch the attempts it returns, wait, or stop.
/// 2. When an attempt's HTLC fails: `attemptFailed(...)`, apply the `channel_update` it
///    returns (if any) to the graph, then `plan(...)` again.
/// 3. When one returns the preimage: `attemptSucceeded(...)`; the payment is paid. Parts still
///    in flight are recorded as they resolve; the payment is over when `isOver`.
///
/// No I/O, no clock, no randomness: time, height and session keys come from the caller, so the
/// same inputs give the same attempts.
public struct PaymentSession: Equatable, Sendable {
    /// The safety net under the deadline: at most this many attempts per payment (lnd has
    /// none, relying on its 60 s timeout; 50 lets a 16-part payment retry each part twice).
    public static let defaultMaxAttempts = 50
    /// A deadline the node may give a payment it was given none for: lnd's 60 s.
    public static let defaultTimeout = Duration.seconds(60)
    /// Blocks added to the payee's `min_final_cltv_expiry` when routing, for blocks found while
    /// the HTLC travels.
    public static let finalCLTVMargin: UInt32 = 2
    /// Session keys tried for one attempt before giving up (a key can fail to blind; never in
    /// practice).
    static let sessionKeyTries = 4

    public enum State: Equatable, Sendable {
        /// Not paid yet, still trying.
        case active
        /// A preimage came back; `fee` is what the succeeded attempts paid so far.
        case succeeded(preimage: Preimage, fee: MilliSatoshi)
        /// No more attempts will be launched; some may still be in flight (`isOver`).
        case failed(PaymentSessionError)
    }

    public let payer: NodeID
    public let payee: NodeID
    /// What the payee is to receive, all parts together.
    public let amount: MilliSatoshi
    public let paymentHash: PaymentHash
    /// The final hop's proof and the payee's `min_final_cltv_expiry`.
    public let recipient: PaymentRecipient
    /// Whether the payment may be split (an invoice with `payment_secret` and `basic_mpp`).
    public let multiPart: Bool
    /// The most fee all parts together may pay; nil for no limit.
    public let maxFee: MilliSatoshi?
    /// No attempt is launched at or after this time (same clock as `now`).
    public let deadline: Duration
    /// The pathfinder's options; the session sets the final CLTV delta, the fee limit left,
    /// the parts allowed and caps the CLTV limit at what a channel accepts.
    public let options: RouteOptions
    public let maxAttempts: Int

    public private(set) var state: State = .active
    /// Every attempt launched, in order.
    public private(set) var attempts: [Attempt] = []
    /// Channel sides whose new `channel_update` already excused a failure (lnd's second chance).
    private var secondChances: Set<MissionControl.ChannelSide> = []
    /// What every attempt launched sends, added up (checked when launched, so any sum over
    /// attempts fits).
    private var launchedTotal = MilliSatoshi.zero

    /// A payment of `amount` to `payee`, proved by `proof` (an invoice's payment secret with
    /// `total_msat` = `amount`, or a keysend preimage).
    public init(payer: NodeID, payee: NodeID, amount: MilliSatoshi, paymentHash: PaymentHash, proof: PaymentRecipient.Proof,
                minFinalCLTVExpiry: UInt32, paymentMetadata: [UInt8]? = nil, multiPart: Bool, maxFee: MilliSatoshi?,
                deadline: Duration, options: RouteOptions = RouteOptions(),
                maxAttempts: Int = PaymentSession.defaultMaxAttempts) throws(PaymentSessionError) {
        guard amount > .zero else { throw .zeroAmount }
        guard payer != payee else { throw .samePayerAndPayee }
        switch proof {
        case .paymentSecret(_, let total):
            guard total == amount else { throw .totalAmountMismatch(total: total, amount: amount) }
        case .keysend(let preimage):
            guard preimage.hash == paymentHash else { throw .keysendPreimageMismatch }
            guard !multiPart else { throw .keysendMultiPart }
        }
        self.payer = payer
        self.payee = payee
        self.amount = amount
        self.paymentHash = paymentHash
        recipient = PaymentRecipient(proof: proof, minFinalCLTVExpiry: minFinalCLTVExpiry, paymentMetadata: paymentMetadata)
        self.multiPart = multiPart
        self.maxFee = maxFee
        self.deadline = deadline
        self.options = options
        self.maxAttempts = max(maxAttempts, 1)
    }

    // MARK: Reading

    public var inFlight: [Attempt] { attempts.filter(\.isInFlight) }

    /// What the attempts in flight would deliver.
    public var amountInFlight: MilliSatoshi { MilliSatoshi(inFlight.reduce(0) { $0 + $1.amount.value }) }

    /// What the succeeded attempts paid in fees.
    public var feePaid: MilliSatoshi { MilliSatoshi(attempts.filter(\.isSucceeded).reduce(0) { $0 + $1.fee.value }) }

    /// The payment is decided and nothing of it is in flight any more.
    public var isOver: Bool {
        switch state {
        case .active: false
        case .succeeded, .failed: inFlight.isEmpty
        }
    }

    // MARK: Planning

    /// What to do now, on `graph` (built by the caller: gossip, our channels, the invoice's
    /// hints as extra edges) with what `missionControl` knows at `now`, at block `height`.
    /// `sessionKey` gives a fresh random key per attempt (tests: fixed ones).
    public mutating func plan(graph: ChannelGraph, missionControl: MissionControl, height: UInt32, now: Duration,
                              sessionKey: () -> PrivateKey) -> Step {
        plan(pathfinder: Pathfinder(graph: graph), missionControl: missionControl, height: height, now: now, sessionKey: sessionKey)
    }

    /// As `plan(graph:...)`, with a pathfinder the caller keeps for its graph.
    public mutating func plan(pathfinder: Pathfinder, missionControl: MissionControl, height: UInt32, now: Duration,
                              sessionKey: () -> PrivateKey) -> Step {
        switch state {
        case .succeeded(let preimage, let fee): return .succeeded(preimage: preimage, fee: fee)
        case .failed(let error): return .failed(error)
        case .active: break
        }
        let pending = inFlight
        let pendingAmount = amountInFlight
        guard pendingAmount < amount else { return .wait }
        guard now < deadline else { return fail(.timeout(attempts: attempts.count)) }
        let slots = maxAttempts - attempts.count
        guard slots > 0 else { return fail(.attemptLimit(attempts.count)) }

        let graph = pathfinder.graph
        guard let payerIndex = graph.node(payer) else { return fail(.noRoute("the payer \(payer.hex) is not in the graph")) }
        guard let payeeIndex = graph.node(payee) else { return fail(.noRoute("the payee \(payee.hex) is not in the graph")) }

        var routeOptions = options
        // No minimum probability: a payment learns from each failed attempt and its attempt
        // limit and deadline bound what trying costs, while the capacity-based estimate of a
        // first attempt is pessimistic for large amounts (it would refuse payments that go through).
        routeOptions.minProbability = 0
        let (finalDelta, overflow) = recipient.minFinalCLTVExpiry.addingReportingOverflow(Self.finalCLTVMargin)
        routeOptions.finalCltvDelta = overflow ? .max : finalDelta
        routeOptions.cltvLimit = min(options.cltvLimit, Commitments.maxCLTVExpiryDelta)
        var budget: MilliSatoshi?
        if let maxFee {
            let committed = pending.reduce(feePaid.value) { $0 + $1.fee.value }
            budget = MilliSatoshi(maxFee.value > committed ? maxFee.value - committed : 0)
        }
        routeOptions.maxFee = budget
        if multiPart {
            let parts = min(options.maxParts - pending.count, slots)
            guard parts >= 1 else {
                return pending.isEmpty ? fail(.noRoute("no part may be sent: at most \(options.maxParts) parts")) : .wait
            }
            routeOptions.maxParts = parts
        }
        var used: [MissionControl.ChannelSide: MilliSatoshi] = [:]
        for attempt in pending {
            for hop in attempt.route.hops {
                let side = Self.side(hop)
                used[side] = MilliSatoshi((used[side]?.value ?? 0) + hop.amount.value)
            }
        }
        let query = RouteQuery(payer: payerIndex, payee: payeeIndex, amount: MilliSatoshi(amount.value - pendingAmount.value),
                               options: routeOptions, missionControl: missionControl, now: now, inFlight: used)

        let routes: [Route]
        switch findRoutes(pathfinder, query, budget: budget) {
        case .success(let found): routes = found
        case .failure(let error): return fail(error)
        }
        var total = launchedTotal
        var launched: [Attempt] = []
        for route in routes {
            do {
                total = try total.adding(route.totalAmount)
            } catch {
                return fail(.amount(error))
            }
            let htlc: PaymentAttempt
            do {
                htlc = try buildAttempt(route, height: height, sessionKey: sessionKey)
            } catch {
                return fail(.attempt(error))
            }
            let id = UInt64(attempts.count + launched.count + 1)
            launched.append(Attempt(id: id, route: route, htlc: htlc, status: .inFlight, resolvedAt: nil))
        }
        launchedTotal = total
        attempts += launched
        return .launch(launched)
    }

    private mutating func fail(_ error: PaymentSessionError) -> Step {
        state = .failed(error)
        return .failed(error)
    }

    private func buildAttempt(_ route: Route, height: UInt32, sessionKey: () -> PrivateKey) throws(PaymentAttemptError) -> PaymentAttempt {
        var lastError = PaymentAttemptError.emptyRoute
        for _ in 0..<Self.sessionKeyTries {
            do {
                return try PaymentAttempt(route: route, paymentHash: paymentHash, recipient: recipient, currentHeight: height,
                                          sessionKey: sessionKey())
            } catch {
                // Another key may do for the onion; nothing else changes with the key.
                guard case .onion(.keyDerivationFailed) = error else { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    // MARK: Results

    /// Attempt `id` failed with `failure` (`attempt.htlc.failure(from:)`): learns from it in
    /// `missionControl` and decides whether the payment goes on (`state`). Nil when `id` is not
    /// an attempt in flight (already resolved: a replay changes nothing).
    @discardableResult
    public mutating func attemptFailed(id: UInt64, failure: PaymentFailure, now: Duration,
                                       missionControl: inout MissionControl) -> FailureOutcome? {
        guard let index = attempts.firstIndex(where: { $0.id == id }), attempts[index].isInFlight else { return nil }
        attempts[index].status = .failed(failure)
        attempts[index].resolvedAt = now
        let route = attempts[index].route
        let interpretation = FailureInterpretation(failure, hopCount: route.hops.count)
        let update = failure.channelUpdate
        var learned = true
        if let channel = interpretation.updatableChannel, let update, Self.changesRoute(update, channel: channel, of: route) {
            // lnd's rule: a new policy excuses the failure once per channel; retry with it.
            learned = !secondChances.insert(Self.side(route.hops[channel])).inserted
        }
        if learned { Self.learn(interpretation, route: route, at: now, missionControl: &missionControl) }
        if interpretation.endsPayment, case .active = state { state = .failed(.terminal(failure)) }
        return FailureOutcome(channelUpdate: update, interpretation: interpretation, learned: learned)
    }

    /// Attempt `id` returned the preimage: the payment is paid (whatever happened before), and
    /// every channel of its route carried its amount. False when `id` is not an attempt in
    /// flight or the preimage is not this payment's.
    @discardableResult
    public mutating func attemptSucceeded(id: UInt64, preimage: Preimage, now: Duration, missionControl: inout MissionControl) -> Bool {
        guard preimage.hash == paymentHash, let index = attempts.firstIndex(where: { $0.id == id }), attempts[index].isInFlight
        else { return false }
        attempts[index].status = .succeeded
        attempts[index].resolvedAt = now
        missionControl.recordSuccess(of: attempts[index].route, at: now)
        state = .succeeded(preimage: preimage, fee: feePaid)
        return true
    }

    // MARK: Learning

    static func side(_ hop: RouteHop) -> MissionControl.ChannelSide { MissionControl.ChannelSide(hop.shortChannelID, hop.direction) }

    /// Whether `bytes`, the `channel_update` a failure carried, changes what `route` assumed of
    /// channel `channel` (its forwarder's fee and CLTV delta, the amount within its HTLC limits,
    /// enabled): only then is it new to this payment.
    static func changesRoute(_ bytes: [UInt8], channel: Int, of route: Route) -> Bool {
        guard channel >= 1, channel < route.hops.count, let update = try? ChannelUpdateMessage(failureField: bytes) else { return false }
        let hop = route.hops[channel]
        let forwarder = route.hops[channel - 1]
        guard update.shortChannelID == hop.shortChannelID, update.direction == hop.direction else { return false }
        let policy = update.policy
        guard !policy.disabled, UInt32(policy.cltvExpiryDelta) == forwarder.cltvExpiryDelta,
              policy.htlcMinimum <= hop.amount, hop.amount <= policy.htlcMaximum,
              let fee = try? policy.fee(forwarding: hop.amount)
        else { return true }
        return fee != forwarder.fee
    }

    /// Records `interpretation` of a failure along `route`.
    static func learn(_ interpretation: FailureInterpretation, route: Route, at now: Duration, missionControl: inout MissionControl) {
        let hops = route.hops
        for hop in hops.prefix(interpretation.carried) {
            missionControl.recordAtLeast(hop.amount, on: side(hop), capacity: hop.capacity, at: now)
        }
        for penalty in interpretation.penalties {
            switch penalty {
            case .belowAmount(let channel):
                guard hops.indices.contains(channel) else { continue }
                let hop = hops[channel]
                missionControl.recordBelow(hop.amount, on: side(hop), capacity: hop.capacity, at: now)
            case .anyAmount(let channel):
                guard hops.indices.contains(channel) else { continue }
                let hop = hops[channel]
                let reverse: ChannelDirection = hop.direction == .fromNode1 ? .fromNode2 : .fromNode1
                for side in [side(hop), MissionControl.ChannelSide(hop.shortChannelID, reverse)] {
                    missionControl.recordBelow(MilliSatoshi(1), on: side, capacity: hop.capacity, at: now)
                }
            }
        }
    }

    // MARK: Routes within the fee budget

    /// The routes for `query`: one, or a plan of parts, whose fees together stay within
    /// `budget`; else why not.
    private func findRoutes(_ pathfinder: Pathfinder, _ query: RouteQuery, budget: MilliSatoshi?) -> Result<[Route], PaymentSessionError> {
        func within(_ fee: MilliSatoshi) -> Bool { budget.map { fee <= $0 } ?? true }
        var cheapest: MilliSatoshi?
        func note(_ fee: MilliSatoshi) { cheapest = min(cheapest ?? fee, fee) }

        if multiPart {
            // The planner keeps the plan's total fee within the budget; checked here all the same.
            if let plan = pathfinder.multiPartRoute(query) {
                if within(plan.fee) { return .success(plan.parts) }
                note(plan.fee)
                // One route, then fewer parts, may fit where many do not.
                if let single = pathfinder.route(query) { return .success([single]) }
                var fewer = query
                fewer.options.maxParts = plan.parts.count / 2
                while fewer.options.maxParts >= 2 {
                    if let smaller = pathfinder.multiPartRoute(fewer) {
                        if within(smaller.fee) { return .success(smaller.parts) }
                        note(smaller.fee)
                    }
                    fewer.options.maxParts /= 2
                }
            }
        } else if let route = pathfinder.route(query) {
            return .success([route])
        }
        var unlimited = query
        unlimited.options.maxFee = nil
        if let budget, let maxFee {
            // Nothing within the budget: is it the fee?
            if multiPart, let plan = pathfinder.multiPartRoute(unlimited) {
                if within(plan.fee) { return .success(plan.parts) }
                note(plan.fee)
            } else if !multiPart, let route = pathfinder.route(unlimited) {
                if within(route.fee) { return .success([route]) }
                note(route.fee)
            }
            if let cheapest { return .failure(.feeLimitExceeded(cheapest: cheapest, left: budget, limit: maxFee)) }
        }
        // Every search above came back empty (`unlimited` is `query` without a budget): say why.
        do throws(RoutingError) {
            try pathfinder.validate(unlimited)
            throw .noRoute(multiPart ? pathfinder.diagnoseSplit(unlimited) : pathfinder.diagnose(unlimited))
        } catch {
            return .failure(.noRoute(error.message))
        }
    }
}
