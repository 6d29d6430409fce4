import ChanSim

/// The JSON summary of `chan sim pair`.
struct SimPairResult: Encodable {
    struct FinalState: Encodable {
        let alice: String
        let bob: String
    }

    struct ChannelShape: Encodable {
        let capacitySat: UInt64
        let pushMsat: UInt64
        let feeratePerKw: UInt32
        var cheater: String?
    }

    struct Funds: Encodable {
        let aliceSat: UInt64
        let bobSat: UInt64
        let feesSat: UInt64
        let unclaimedSat: UInt64
    }

    let seed: UInt64
    let operations: Int
    let htlcsAdded: Int
    let htlcsSettled: Int
    let htlcsFailed: Int
    let commandsRefused: Int
    let commitmentsExchanged: Int
    let htlcSignaturesExchanged: Int
    let disconnects: Int
    let messagesDelivered: Int
    let messagesDropped: Int
    let blocksMined: Int
    let invariantChecks: Int
    let penalties: Int
    let forceClosed: Bool
    let ending: SimPairEnding
    /// True if Ctrl-C stopped the operations early (`operations` says how many ran).
    let interrupted: Bool
    var channel: ChannelShape?
    var finalState: FinalState?
    var funds: Funds?
    let invariantViolations: Int
    let violations: [String]
    var audit: AuditReportJSON?

    init(_ report: PairSimulationReport) {
        let statistics = report.statistics
        seed = report.options.seed
        operations = statistics.operations
        htlcsAdded = statistics.htlcsAdded
        htlcsSettled = statistics.htlcsSettled
        htlcsFailed = statistics.htlcsFailed
        commandsRefused = statistics.commandsRefused
        commitmentsExchanged = statistics.commitmentsExchanged
        htlcSignaturesExchanged = statistics.htlcSignaturesExchanged
        disconnects = statistics.disconnects
        messagesDelivered = statistics.messagesDelivered
        messagesDropped = statistics.messagesDropped
        blocksMined = statistics.blocksMined
        invariantChecks = statistics.invariantChecks
        penalties = statistics.penalties
        forceClosed = report.forceClosed
        ending = SimPairEnding(report.ending)
        interrupted = report.interrupted
        channel = report.configuration.map { (configuration: PairConfiguration) -> ChannelShape in
            ChannelShape(capacitySat: configuration.capacity.value, pushMsat: configuration.pushAmount.value,
                         feeratePerKw: configuration.feeratePerKw, cheater: configuration.cheater?.description)
        }
        finalState = report.finalStates.map { FinalState(alice: $0[0].rawValue, bob: $0[1].rawValue) }
        funds = report.funds.map {
            Funds(aliceSat: $0.aliceGain, bobSat: $0.bobGain, feesSat: $0.fees, unclaimedSat: $0.unclaimedTotal)
        }
        invariantViolations = report.violations.count
        violations = report.violations.messages
        audit = report.audit.map(AuditReportJSON.init)
    }
}
