import ArgumentParser
import ChanAPI
import ChanLedger

struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "A BOLT 11 invoice (lnbcrt...) signed by the node key, to be paid with `chan pay`.",
        discussion: "Without AMOUNT the payer chooses (`chan pay INVOICE --amount AMOUNT`)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What the payer pays.")
    var amount: String?

    @Option(help: "What the payment is for.")
    var description: String = ""

    @Option(help: "Seconds until the invoice expires.")
    var expiry: UInt64 = 3600

    func run() throws {
        let params = InvoiceParams(amountMsat: try amount.map { try MilliSatoshi.parse($0) }, description: description, expiry: expiry)
        try global.printCall("invoice", params)
    }
}

struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "The node's invoices and their status (open, paid, expired).")

    @OptionGroup var global: GlobalOptions

    func run() throws { try global.printCall("invoices", NoParams()) }
}
