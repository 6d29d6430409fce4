import ArgumentParser
import ChanAPI
import ChanLedger

struct PayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Pay a BOLT 11 invoice (or keysend to a node) over any route; waits for the outcome.",
        discussion: """
            Finds routes on the node's graph (gossip, its own channels, the invoice's route \
            hints), retries around failures and splits the payment into parts when one path is \
            not likely enough, until it is paid, fails for good, or --timeout passes. Prints \
            status, payment_hash, preimage (the proof of payment), amount_msat, fee_msat (what \
            the forwarding nodes kept), duration_ms and attempts (each HTLC sent: its route, hop \
            by hop, and how it ended: failing_node, failing_hop, failure_code). A failure is an \
            error with the failure's code (no_route, fee_limit_exceeded, \
            incorrect_or_unknown_payment_details, insufficient_balance, ...) and exit status 1.

            Examples: chan -n alice pay lnbcrt500u1...; chan -n alice pay --keysend dave 25000
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice (lnbcrt...); with --keysend, the amount.")
    var target: String

    @Option(help: "How much to pay, for an invoice without an amount.")
    var amount: String?

    @Option(help: "Keysend: pay this node (a local node name or a node id) without an invoice; TARGET is the amount.")
    var keysend: String?

    @Option(help: "The most fee to pay, all parts together (an amount).")
    var maxFee: String?

    @Option(help: "Seconds to try and wait for the outcome.")
    var timeout: UInt64 = 60

    @Flag(help: ArgumentHelp("Damage the first attempt's onion for the hop after our peer (demos of BOLT 4 errors).", visibility: .hidden))
    var corruptOnion = false

    func run() throws {
        let maxFee = try self.maxFee.map { try MilliSatoshi.parse($0) }
        let params: PayParams
        if let keysend {
            guard amount == nil else { throw ValidationError("with --keysend the amount is the argument: chan pay --keysend NODE AMOUNT") }
            let payee = try PeerAddress.resolve(keysend, home: global.resolvedHome)
            params = PayParams(invoice: nil, amountMsat: try MilliSatoshi.parsePositiveArgument(target), timeoutSeconds: timeout, maxFeeMsat: maxFee,
                               keysend: payee.nodeID, corruptOnion: corruptOnion)
        } else {
            params = PayParams(invoice: target, amountMsat: try amount.map { try MilliSatoshi.parsePositiveArgument($0) }, timeoutSeconds: timeout,
                               maxFeeMsat: maxFee, corruptOnion: corruptOnion)
        }
        try global.printCall("pay", params)
    }
}

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payments", abstract: "The node's payments and their status (pending, succeeded, failed).", discussion: "Example: chan -n alice payments -H")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("payments", NoParams(), human: display.human) }
}
