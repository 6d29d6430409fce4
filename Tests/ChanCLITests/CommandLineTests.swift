import Foundation
import Testing

/// The command-line conventions: one code and exit 64 for every mistake in the arguments,
/// misspellings named with a suggestion, help that shows what means something, `-H` tables.
@Suite struct CommandLineTests {
    private let alice = "0367cec75158a4129177bfb8b269cb586efe93d751b43800d456485e81c2620ca6"
    private let carol = "03c19f0027ffbb0ae0e14a4d958788793f9d74e107462473ec0c3891e4feb12e99"
    private var spec: String { ChanProcess.graph("lnd_spec_example.json") }

    private func expectUsage(_ outcome: ChanProcess.Outcome, _ code: String, mentioning parts: [String] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 64, "\(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.error["code"] as? String == code, "\(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, sourceLocation: sourceLocation)
        let message = outcome.error["message"] as? String ?? ""
        for part in parts { #expect(message.contains(part), "\(message) lacks \(part)", sourceLocation: sourceLocation) }
    }

    @Test func aMisspeltCommandIsNamedWithASuggestion() throws {
        expectUsage(try ChanProcess.run(["ledgr", "info"]), "unknown_command", mentioning: ["unknown command 'ledgr'", "did you mean 'ledger'?", "chan --help"])
        expectUsage(try ChanProcess.run(["ledger", "infoo"]), "unknown_command", mentioning: ["did you mean 'info'?", "chan ledger --help"])
        expectUsage(try ChanProcess.run(["ledger", "burn"]), "unknown_command", mentioning: ["unknown command 'burn'"])
    }

    @Test func aMisspeltOptionIsNamedWithASuggestion() throws {
        let outcome = try ChanProcess.run(["route", "--grph", spec, "--from", alice, "--to", carol, "--amount", "1000"])
        expectUsage(outcome, "unknown_option", mentioning: ["unknown option '--grph'", "did you mean '--graph'?", "chan route --help"])
        expectUsage(try ChanProcess.run(["ledger", "info", "--hme", "/tmp"]), "unknown_option", mentioning: ["did you mean '--home'?"])
    }

    @Test func helpOnAnUnknownCommandIsAnError() throws {
        expectUsage(try ChanProcess.run(["help", "ledgr"]), "unknown_command", mentioning: ["did you mean 'ledger'?"])
        expectUsage(try ChanProcess.run(["help", "ledger", "fawcet"]), "unknown_command", mentioning: ["did you mean 'faucet'?"])
        let help = try ChanProcess.run(["help", "ledger", "faucet"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: chan ledger faucet"))
    }

    /// The parser reads `-0.5` as an option; the option is named with what it accepts.
    @Test func aNegativeNumberIsJudgedByItsOption() throws {
        let rate = try ChanProcess.run(["sim", "pair", "--seed", "1", "--ops", "10", "--disconnect-rate", "-0.5"])
        expectUsage(rate, "usage", mentioning: ["--disconnect-rate"])
        #expect(!(rate.error["message"] as? String ?? "").contains("amounts"))
        let cltv = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "1000", "--cltv-limit", "-5"])
        expectUsage(cltv, "usage", mentioning: ["--cltv-limit"])
        expectUsage(try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "-5"]), "invalid_amount")
    }

    @Test func routeArgumentMistakesExit64AndTheGraphsAnswersExit1() throws {
        let badKey = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", "04abcd", "--amount", "1000"])
        expectUsage(badKey, "invalid_pubkey", mentioning: ["--to '04abcd'", "Usage: chan route", "See 'chan route --help'"])
        let payee = "029c0ef0df5bee00db8cac95e1e8fbbda12d08630b5618eba5a6961e76ac757ffa"
        let noPayer = try ChanProcess.run(["route", "--graph", ChanProcess.graph("mainnet-2026-02-03.listchannels.json.gz"), "--to", payee, "--amount", "1000"])
        expectUsage(noPayer, "missing_payer")
        let unknown = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", "02" + String(repeating: "ab", count: 32), "--amount", "1000"])
        #expect(unknown.status == 1 && unknown.error["code"] as? String == "unknown_node")
    }

    /// A zero payment is refused by the command line, not by the daemon (which need not run).
    @Test func aZeroPaymentIsAUsageError() throws {
        expectUsage(try ChanProcess.run(["-n", "alice", "pay", "--keysend", alice, "0"]), "invalid_amount", mentioning: ["Usage: chan pay"])
        expectUsage(try ChanProcess.run(["-n", "alice", "pay", "lnbcrt1anything", "--amount", "0msat"]), "invalid_amount")
    }

    /// ArgumentParser's own mistakes keep its usage line and --help pointer.
    @Test func aMissingArgumentShowsTheUsage() throws {
        expectUsage(try ChanProcess.run(["route", "--graph", spec, "--to", carol]), "usage",
                    mentioning: ["--amount", "Usage: chan route", "See 'chan route --help'"])
    }

    private func help(_ command: [String]) throws -> String {
        let outcome = try ChanProcess.run(command + ["--help"])
        #expect(outcome.status == 0)
        return outcome.stdout
    }

    @Test func commandsThatActOnNoNodeDoNotOfferDashN() throws {
        for command in [["ledger", "info"], ["ledger", "faucet"], ["mine"], ["node", "list"], ["node", "start"], ["network", "up"]] {
            let text = try help(command)
            #expect(!text.contains("--node"), "\(command)")
            #expect(text.contains("--home"), "\(command)")
        }
        for command in [["balance"], ["route"], ["channels"]] { #expect(try help(command).contains("-n, --node"), "\(command)") }
    }

    /// `-n` is the same as CHAN_NODE, wherever it is given: a command that acts on no node
    /// ignores it (its help does not offer it).
    @Test func dashNOnANonNodeCommandIsIgnored() throws {
        let temp = try TempHome()
        try temp.chan.ok("ledger", "init")
        #expect(try temp.chan.run("-n", "alice", "ledger", "info").status == 0)
        #expect(try temp.chan.run("ledger", "info", "-n", "alice").status == 0)
        // An inherited option is not taken for a misspelling when something else is wrong.
        expectUsage(try temp.chan.run("ledger", "faucet", "-n", "alice", "x"), "usage", mentioning: ["<amount>"])
    }

    /// Every leaf command's help has one example (sim is another change's).
    @Test func everyLeafCommandHasAnExample() throws {
        let dump = try ChanProcess.run(["--experimental-dump-help"])
        let root = try #require((try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])?["command"] as? [String: Any])
        var missing: [String] = []
        func visit(_ command: [String: Any], _ path: [String]) {
            let name = command["commandName"] as? String ?? ""
            let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["commandName"] as? String != "help" }
            if subcommands.isEmpty, name != "help", !path.contains("sim"),
               !((command["discussion"] as? String) ?? "").contains("Example") {
                missing.append((path + [name]).joined(separator: " "))
            }
            for subcommand in subcommands { visit(subcommand, path + [name]) }
        }
        visit(root, [])
        #expect(missing.isEmpty, "no example: \(missing)")
    }

    private func header(_ table: String) -> [String] {
        table.split(separator: "\n").first.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } ?? []
    }

    @Test func humanTablesForNodeListAndLedgerInfo() throws {
        let temp = try TempHome()
        try temp.chan.ok("ledger", "init")
        try temp.chan.ok("node", "create", "alice")
        let nodes = try temp.chan.run("node", "list", "-H")
        #expect(nodes.status == 0)
        #expect(header(nodes.stdout) == ["NAME", "ALIAS", "NODE", "ID", "PORT", "RUNNING", "PID"])
        let rows = nodes.stdout.split(separator: "\n")
        try #require(rows.count == 2, "\(nodes.stdout)")
        #expect(rows[1].hasPrefix("alice"))
        let ledger = try temp.chan.run("ledger", "info", "--human")
        #expect(ledger.status == 0)
        #expect(header(ledger.stdout) == ["FIELD", "VALUE"])
        #expect(ledger.stdout.contains("height"))
    }

    @Test func humanTableForARoute() throws {
        let single = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "4999999msat", "-H"])
        #expect(single.status == 0, "\(single.stderr)")
        let lines = single.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("route: 4,999.999 sat delivered, fee 10.199 sat") == true, "\(single.stdout)")
        #expect(header(lines.dropFirst().joined(separator: "\n")) == ["HOP", "NODE", "SCID", "AMOUNT", "FEE", "CLTV"])
        try #require(lines.count == 4, "\(single.stdout)")
        #expect(lines[2].contains("0x0x12345") && lines[2].contains("5,010.198"))

        let mpp = try ChanProcess.run(["route", "--graph", spec, "--from", alice, "--to", carol, "--amount", "150000", "--mpp", "--min-probability", "0", "-H"])
        #expect(mpp.status == 0, "\(mpp.stderr)")
        #expect(mpp.stdout.hasPrefix("route of "))
        #expect(mpp.stdout.contains("part 1:") && mpp.stdout.contains("part 2:"))
        #expect(mpp.stdout.components(separatedBy: "HOP  NODE").count >= 3)
    }
}
