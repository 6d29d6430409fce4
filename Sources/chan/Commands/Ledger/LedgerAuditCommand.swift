import ArgumentParser
import ChanLedger

struct LedgerAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the ledger's invariant: unspent outputs add up to the minted total; the mempool is consistent.",
        discussion: "Prints the totals it compared and any problems; exits 1 (with an audit_failed error) when not ok.\n\nExample: chan ledger audit"
    )

    @OptionGroup var global: HomeOptions

    func run() throws {
        let report = try global.openLedger().read { try $0.audit() }
        try Output.json(AuditReportJSON(report))
        if !report.ok {
            Output.error(code: "audit_failed", message: report.problems.joined(separator: "; "))
            throw ExitCode(1)
        }
    }
}
