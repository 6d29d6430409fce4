import ArgumentParser
import ChanAPI
import ChanLedger

struct PayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Pay a BOLT 11 invoice over a channel with its payee; waits for the outcome.",
        discussion: """
            Prints status, payment_hash, preimage (the proof of payment), amount_msat, fee_msat and \
            duration_ms. A failure is an error with the failure's code (e.g. \
            incorrect_or_unknown_payment_details, insufficient_balance) and exit status 1.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice (lnbcrt...).")
    var invoice: String

    @Option(help: "How much to pay, for an invoice without an amount.")
    var amount: String?

    @Option(help: "Seconds to wait for the outcome.")
    var timeout: UInt64 = 60

    func run() throws {
        let params = PayParams(invoice: invoice, amountMsat: try amount.map { try MilliSatoshi.parse($0) }, timeoutSeconds: timeout)
        try global.printCall("pay", params)
    }
}

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payments", abstract: "The node's payments and their status (pending, succeeded, failed).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("payments", NoParams(), human: display.human) }
}
