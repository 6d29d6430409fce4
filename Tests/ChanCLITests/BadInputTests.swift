import Foundation
import Testing

/// Bad input gets a coded JSON error and a non-zero exit, and changes nothing.
@Suite struct BadInputTests {
    /// A home with alice (1 BTC confirmed) and bob.
    final class Network {
        let temp: TempHome
        let alice: String
        let bob: String

        init() throws {
            temp = try TempHome()
            let chan = temp.chan
            try chan.ok("ledger", "init")
            try chan.ok("node", "create", "alice")
            try chan.ok("node", "create", "bob")
            alice = try chan.address("alice")
            bob = try chan.address("bob")
            try chan.ok("ledger", "faucet", alice, "1btc")
            try chan.ok("mine")
        }

        /// What a failed command must leave as it was.
        func snapshot() throws -> [String] {
            let chan = temp.chan
            return [
                try chan.run("ledger", "info").stdout,
                try chan.run("node", "list").stdout,
                try chan.run("-n", "alice", "balance").stdout,
                try chan.run("-n", "bob", "balance").stdout,
                try FileManager.default.contentsOfDirectory(atPath: temp.path).sorted().joined(separator: ","),
                try FileManager.default.contentsOfDirectory(atPath: temp.path + "/nodes").sorted().joined(separator: ","),
            ]
        }
    }

    /// One character changed: the bech32 checksum must catch it.
    static func typo(_ address: String) -> String {
        var characters = Array(address)
        let index = characters.count - 10
        characters[index] = characters[index] == "q" ? "p" : "q"
        return String(characters)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: @Sendable (_ alice: String, _ bob: String) -> [String]
        let code: String
        let status: Int32
        let label: String

        init(_ label: String, _ code: String, status: Int32 = 1, _ arguments: @escaping @Sendable (_ alice: String, _ bob: String) -> [String]) {
            self.label = label
            self.code = code
            self.status = status
            self.arguments = arguments
        }

        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case("faucet negative", "invalid_amount", status: 64) { a, _ in ["ledger", "faucet", a, "-5"] },
        Case("faucet zero", "invalid_amount", status: 64) { a, _ in ["ledger", "faucet", a, "0"] },
        Case("faucet non-numeric", "invalid_amount", status: 64) { a, _ in ["ledger", "faucet", a, "abc"] },
        Case("faucet fraction of sat", "amount_not_whole_sat", status: 64) { a, _ in ["ledger", "faucet", a, "1500msat"] },
        Case("faucet overflow", "amount_overflow", status: 64) { a, _ in ["ledger", "faucet", a, "99999999999999999999"] },
        Case("faucet past max money", "amount_overflow", status: 64) { a, _ in ["ledger", "faucet", a, "21000001btc"] },
        Case("faucet dust", "dust_output") { a, _ in ["ledger", "faucet", a, "353"] },
        Case("faucet malformed address", "invalid_address", status: 64) { a, _ in ["ledger", "faucet", typo(a), "1000"] },
        Case("faucet garbage address", "invalid_address", status: 64) { _, _ in ["ledger", "faucet", "not-an-address", "1000"] },
        Case("send negative", "invalid_amount", status: 64) { _, b in ["-n", "alice", "send", b, "-1"] },
        Case("send zero", "invalid_amount", status: 64) { _, b in ["-n", "alice", "send", b, "0"] },
        Case("send non-numeric", "invalid_amount", status: 64) { _, b in ["-n", "alice", "send", b, "lots"] },
        Case("send overflow", "amount_overflow", status: 64) { _, b in ["-n", "alice", "send", b, "18446744073709551616"] },
        Case("send more than the balance", "insufficient_funds") { _, b in ["-n", "alice", "send", b, "2btc"] },
        Case("send all without the fee", "insufficient_funds") { _, b in ["-n", "alice", "send", b, "100000000"] },
        Case("send from an empty wallet", "insufficient_funds") { a, _ in ["-n", "bob", "send", a, "1000"] },
        Case("send dust", "amount_below_dust") { _, b in ["-n", "alice", "send", b, "353"] },
        Case("send malformed address", "invalid_address", status: 64) { _, b in ["-n", "alice", "send", typo(b), "1000"] },
        Case("send huge fee rate", "insufficient_funds") { _, b in ["-n", "alice", "send", b, "1000", "--fee-rate", "1000000"] },
        Case("unknown node balance", "node_not_found") { _, _ in ["-n", "carol", "balance"] },
        Case("unknown node address", "node_not_found") { _, _ in ["-n", "carol", "address"] },
        Case("unknown node send", "node_not_found") { _, b in ["-n", "carol", "send", b, "1000"] },
        Case("path as node name", "node_not_found") { _, _ in ["-n", "../home", "balance"] },
        Case("no node given", "usage", status: 64) { _, _ in ["balance"] },
        Case("malformed txid", "malformed_txid", status: 64) { _, _ in ["ledger", "tx", "xyz"] },
        Case("unknown txid", "tx_not_found") { _, _ in ["ledger", "tx", String(repeating: "0", count: 64)] },
        Case("ledger init twice", "ledger_exists") { _, _ in ["ledger", "init"] },
        Case("mine zero blocks", "invalid_block_count", status: 64) { _, _ in ["mine", "0"] },
        Case("mine negative blocks", "invalid_block_count", status: 64) { _, _ in ["ledger", "mine", "-2"] },
        Case("mine to a malformed address", "invalid_address", status: 64) { a, _ in ["mine", "--address", typo(a)] },
        Case("node create existing", "node_exists") { _, _ in ["node", "create", "alice"] },
        Case("node create bad name", "invalid_node_name", status: 64) { _, _ in ["node", "create", "Alice!"] },
        Case("mine too many blocks", "invalid_block_count", status: 64) { _, _ in ["mine", "1000000"] },
        Case("mine non-numeric", "usage", status: 64) { _, _ in ["mine", "abc"] },
        Case("faucet amount missing", "usage", status: 64) { a, _ in ["ledger", "faucet", a] },
        Case("node create long name", "invalid_node_name", status: 64) { _, _ in ["node", "create", String(repeating: "a", count: 33)] },
        Case("unknown command", "unknown_command", status: 64) { _, _ in ["ledger", "burn"] },
    ]

    @Test(arguments: cases)
    func refusedAndNothingChanged(_ testCase: Case) throws {
        let network = try Network()
        let before = try network.snapshot()
        let outcome = try network.temp.chan.run(testCase.arguments(network.alice, network.bob))
        #expect(outcome.status == testCase.status, "\(outcome.stderr)")
        #expect(outcome.errorCode == testCase.code, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(try network.snapshot() == before)
        let audit = try network.temp.chan.ok("ledger", "audit")
        #expect(audit["ok"]?.bool == true)
        #expect(audit["unspent_sat"]?.int == 100_000_000)
    }

    static let homeCommands: [[String]] = [
        ["ledger", "info"], ["ledger", "mine"], ["mine", "3"], ["ledger", "audit"],
        ["ledger", "tx", String(repeating: "a", count: 64)],
        ["ledger", "faucet", "bcrt1qqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqsw3pm4a", "1000"],
        ["node", "create", "alice"], ["node", "list"],
        ["-n", "alice", "address"], ["-n", "alice", "balance"], ["-n", "alice", "send", "x", "1000"],
    ]

    @Test(arguments: homeCommands)
    func aHomeThatDoesNotExistIsReportedAndNotCreated(_ arguments: [String]) throws {
        let temp = try TempHome()
        let outcome = try temp.chan.run(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.errorCode == "home_not_found", "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: temp.path))
    }

    @Test func aLedgerThatDoesNotExistIsReported() throws {
        let temp = try TempHome()
        try FileManager.default.createDirectory(atPath: temp.path, withIntermediateDirectories: false)
        let outcome = try temp.chan.run("ledger", "info")
        #expect(outcome.status == 1 && outcome.errorCode == "ledger_not_found")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).isEmpty)
    }
}
