/// `chan sim pair --human`: the summary as a field/value table for people.
extension SimPairResult {
    var humanTable: String {
        func count(_ value: Int) -> String { Human.grouped(Int64(value)) }
        func sat(_ value: UInt64) -> String { Human.grouped(Int64(clamping: value)) + " sat" }
        func satFromMsat(_ value: UInt64) -> String {
            let whole = Human.grouped(Int64(clamping: value / 1000))
            // The msat remainder as three digits: 1005 -> "005".
            return (value % 1000 == 0 ? whole : whole + "." + String(value % 1000 + 1000).dropFirst()) + " sat"
        }
        var table = Table(header: ["FIELD", "VALUE"], alignsNumbers: false)
        table.rows = [
            ["seed", "\(seed)"],
            ["operations", count(operations) + (interrupted ? " (interrupted)" : "")],
            ["htlcs added", count(htlcsAdded)],
            ["htlcs settled", count(htlcsSettled)],
            ["htlcs failed", count(htlcsFailed)],
            ["commands refused", count(commandsRefused)],
            ["commitments exchanged", count(commitmentsExchanged)],
            ["htlc signatures", count(htlcSignaturesExchanged)],
            ["disconnects", count(disconnects)],
            ["messages delivered", count(messagesDelivered)],
            ["messages dropped", count(messagesDropped)],
            ["blocks mined", count(blocksMined)],
            ["invariant checks", count(invariantChecks)],
            ["penalties", count(penalties)],
            ["ending", ending.sentence],
        ]
        if let channel {
            table.rows.append(["capacity", sat(channel.capacitySat)])
            table.rows.append(["push", satFromMsat(channel.pushMsat)])
            table.rows.append(["feerate", "\(channel.feeratePerKw) sat/kw"])
        }
        if let finalState { table.rows.append(["final state", "alice \(finalState.alice), bob \(finalState.bob)"]) }
        if let funds {
            table.rows += [["alice got", sat(funds.aliceSat)], ["bob got", sat(funds.bobSat)],
                           ["fees", sat(funds.feesSat)], ["unclaimed", sat(funds.unclaimedSat)]]
        }
        table.rows.append(["violations", count(invariantViolations)])
        table.rows += violations.map { ["", $0] }
        if let audit { table.rows.append(["ledger audit", audit.ok ? "ok" : "failed: " + audit.problems.joined(separator: "; ")]) }
        return table.render()
    }
}
