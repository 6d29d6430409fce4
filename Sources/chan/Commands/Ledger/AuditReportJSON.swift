import ChanLedger

/// `AuditReport` as `chan ledger audit` prints it (the same fields, snake_case through
/// `Output.json`), for every command that reports an audit.
struct AuditReportJSON: Encodable {
    let ok: Bool
    let height: UInt32
    let mintedSat: Satoshi
    let unspentSat: Satoshi
    let utxoCount: Int
    let mempoolSize: Int
    let mempoolFeeSat: Satoshi
    let mempoolMintedSat: Satoshi
    let problems: [String]

    init(_ report: AuditReport) {
        ok = report.ok
        height = report.height
        mintedSat = report.mintedTotal
        unspentSat = report.unspentTotal
        utxoCount = report.utxoCount
        mempoolSize = report.mempoolSize
        mempoolFeeSat = report.mempoolFees
        mempoolMintedSat = report.mempoolMinted
        problems = report.problems
    }
}
