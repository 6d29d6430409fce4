import ArgumentParser
import ChanAPI
import ChanLedger

struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "A BOLT 11 invoice (lnbcrt...) signed by the node key, to be paid with `chan pay`.",
        discussion: """
            Without AMOUNT the payer chooses (`chan pay INVOICE --amount AMOUNT`). With --hold the \
            payment's HTLC waits, `held`, until `chan settle HASH` takes it or `chan cancel HASH` \
            refuses it (it is canceled on its own 6 blocks before its expiry).

            Example: chan -n dave invoice 50000 --description coffee
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What the payer pays.")
    var amount: String?

    @Option(help: "What the payment is for.")
    var description: String = ""

    @Option(help: "Seconds until the invoice expires.")
    var expiry: UInt64 = 3600

    @Flag(help: "Hold the payment until `settle` or `cancel`.")
    var hold = false

    func run() throws {
        let params = InvoiceParams(amountMsat: try amount.map { try MilliSatoshi.parse($0) }, description: description, expiry: expiry, hold: hold)
        try global.printCall("invoice", params)
    }
}

struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "settle", abstract: "Take a held payment (a --hold invoice's): its HTLC is fulfilled.", discussion: "Example: chan -n dave settle $HASH")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice's payment hash.")
    var paymentHash: String

    func run() throws { try global.printCall("settle", InvoiceHashParams(paymentHash: paymentHash)) }
}

struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel an invoice; a held payment's HTLC is failed back.", discussion: "Example: chan -n dave cancel $HASH")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice's payment hash.")
    var paymentHash: String

    func run() throws { try global.printCall("cancel", InvoiceHashParams(paymentHash: paymentHash)) }
}

struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "The node's invoices and their status (open, paid, expired).", discussion: "Example: chan -n dave invoices -H")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("invoices", NoParams(), human: display.human) }
}
