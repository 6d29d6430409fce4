import ChanSim

/// The JSON summary of `chan sim network`.
struct SimNetworkResult: Encodable {
    /// Payments of one kind by outcome.
    struct PaymentCounts: Encodable {
        let succeeded: Int
        let failed: Int
        let pending: Int
    }

    struct Payments: Encodable {
        let direct: PaymentCounts
        let twoHop: PaymentCounts
        let multiPart: PaymentCounts
    }

    let seed: UInt64
    let nodes: Int
    let topology: String
    let channels: Int
    let operations: Int
    let payments: Payments
    let forwards: Int
    let forwardsSettled: Int
    let forwardsFailed: Int
    let messagesDelivered: Int
    let messagesDropped: Int
    let disconnects: Int
    let reconnects: Int
    let retransmissions: Int
    let restarts: Int
    let feeUpdates: Int
    let blocksMined: Int
    let commandsRefused: Int
    let commitmentsExchanged: Int
    let commitCycleChecks: Int
    let syncChecks: Int
    let mutualCloses: Int
    /// Each channel's phase at its opener and acceptor at the end.
    let finalStates: [[String]]?
    let interrupted: Bool
    let invariantViolations: Int
    let violations: [String]
    var audit: AuditReportJSON?

    init(_ report: NetworkSimulationReport) {
        let statistics = report.statistics
        let book = report.payments
        func counts(_ kind: NetworkPaymentBook.Kind) -> PaymentCounts {
            PaymentCounts(succeeded: book.count(kind, .succeeded), failed: book.count(kind, .failed), pending: book.count(kind, .pending))
        }
        seed = report.options.seed
        nodes = report.options.nodeCount
        topology = report.options.topology.rawValue
        channels = report.configuration?.edges.count ?? 0
        operations = statistics.operations
        payments = Payments(direct: counts(.direct), twoHop: counts(.twoHop), multiPart: counts(.multiPart))
        forwards = statistics.forwards
        forwardsSettled = statistics.forwardsSettled
        forwardsFailed = statistics.forwardsFailed
        messagesDelivered = statistics.messagesDelivered
        messagesDropped = statistics.messagesDropped
        disconnects = statistics.disconnects
        reconnects = statistics.reconnects
        retransmissions = statistics.retransmissions
        restarts = statistics.restarts
        feeUpdates = statistics.feeUpdates
        blocksMined = statistics.blocksMined
        commandsRefused = statistics.commandsRefused
        commitmentsExchanged = statistics.commitmentsExchanged
        commitCycleChecks = statistics.commitCycleChecks
        syncChecks = statistics.syncChecks
        mutualCloses = statistics.mutualCloses
        finalStates = report.finalStates.map { $0.map { $0.map(\.rawValue) } }
        interrupted = report.interrupted
        invariantViolations = report.violations.count
        violations = report.violations.messages
        audit = report.audit.map(AuditReportJSON.init)
    }
}
