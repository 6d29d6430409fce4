import Foundation
import Testing

/// The issue's acceptance scenario, run through the binary from a fresh home.
@Suite struct AcceptanceTests {
    @Test func faucetSendMineAudit() throws {
        let temp = try TempHome()
        let chan = temp.chan
        let initialized = try chan.ok("ledger", "init")
        #expect(initialized["height"]?.int == 0)
        let chainHash = try #require(initialized["chain_hash"]?.string)
        #expect(chainHash.count == 64)

        let alice = try chan.ok("node", "create", "alice")
        #expect(alice["name"]?.string == "alice")
        #expect(alice["node_id"]?.string?.count == 66)
        #expect((alice["port"]?.int ?? 0) > 0)
        _ = try chan.ok("node", "create", "bob")
        let nodes = try #require(try chan.ok("node", "list")["nodes"]?.array)
        #expect(nodes.compactMap { $0["name"]?.string } == ["alice", "bob"])

        let aliceAddress = try chan.address("alice")
        #expect(aliceAddress.hasPrefix("bcrt1"))
        let faucet = try chan.ok("ledger", "faucet", aliceAddress, "1btc")
        #expect(faucet["amount_sat"]?.int == 100_000_000)
        #expect(faucet["status"]?.string == "mempool")
        #expect(try chan.balance("alice") == (0, 100_000_000))
        let mined = try chan.ok("mine")
        #expect(mined["height"]?.int == 1)
        #expect(try chan.balance("alice") == (100_000_000, 0))

        let bobAddress = try chan.address("bob")
        let sent = try chan.ok("-n", "alice", "send", bobAddress, "20000000")
        let fee = try #require(sent["fee_sat"]?.int)
        #expect(fee == 198)  // 198 bytes: one key input, two key outputs, at 1 sat/byte
        #expect(sent["amount_sat"]?.int == 20_000_000)
        #expect(sent["change_sat"]?.int == 100_000_000 - 20_000_000 - fee)
        let txid = try #require(sent["txid"]?.string)
        #expect(try chan.balance("alice") == (0, 100_000_000 - 20_000_000 - fee))
        #expect(try chan.balance("bob") == (0, 20_000_000))
        #expect(try chan.ok("ledger", "tx", txid)["status"]?.string == "mempool")

        _ = try chan.ok("mine")
        #expect(try chan.balance("bob") == (20_000_000, 0))
        #expect(try chan.balance("alice") == (79_999_802, 0))
        #expect(try chan.ok("-n", "bob", "balance")["total_sat"]?.int == 20_000_000)

        let audit = try chan.ok("ledger", "audit")
        #expect(audit["ok"]?.bool == true)
        #expect(audit["minted_sat"]?.int == 100_000_000)
        #expect(audit["unspent_sat"]?.int == 100_000_000)

        let tx = try chan.ok("ledger", "tx", txid)
        #expect(tx["txid"]?.string == txid)
        #expect(tx["kind"]?.string == "regular")
        #expect(tx["status"]?.string == "confirmed")
        #expect(tx["block_height"]?.int == 2)
        #expect(tx["confirmations"]?.int == 1)
        #expect(tx["fee_sat"]?.int == 198)
        #expect(tx["inputs"]?[0]?["witness"]?.string == "key_signature")
        #expect(tx["outputs"]?[0]?["address"]?.string == bobAddress)
        #expect(tx["outputs"]?[0]?["amount_sat"]?.int == 20_000_000)
        #expect(tx["outputs"]?[0]?["condition"]?.string == "key")
        let mint = try chan.ok("ledger", "tx", try #require(faucet["txid"]?.string))
        #expect(mint["kind"]?.string == "mint" && mint["confirmations"]?.int == 2 && mint["fee_sat"]?.isNull == true)

        let info = try chan.ok("ledger", "info")
        #expect(info["height"]?.int == 2)
        #expect(info["chain_hash"]?.string == chainHash)
        #expect(info["mempool_size"]?.int == 0)
        #expect(info["utxo_count"]?.int == 3)  // bob, alice's change, the miner's fee
        #expect(info["minted_sat"]?.int == 100_000_000)
    }

    @Test("send: change below dust goes to the fee, says how much, and --max-fee bounds it")
    func sendWithDustChange() throws {
        let temp = try TempHome()
        let chan = temp.chan
        try chan.ok("ledger", "init")
        try chan.ok("node", "create", "alice")
        try chan.ok("node", "create", "bob")
        try chan.ok("ledger", "faucet", try chan.address("alice"), "1btc")
        try chan.ok("mine")
        let bob = try chan.address("bob")
        // 400 sat left over: less than a change output's fee plus the dust limit.
        let amount = "\(100_000_000 - 400)"

        let refused = try chan.run("-n", "alice", "send", bob, amount, "--max-fee", "399")
        #expect(refused.status == 1 && refused.errorCode == "fee_above_limit")
        #expect(refused.stderr.contains("400 sat"))
        #expect(try chan.balance("alice") == (100_000_000, 0))
        #expect(try chan.ok("ledger", "info")["mempool_size"]?.int == 0)

        let sent = try chan.ok("-n", "alice", "send", bob, amount, "--max-fee", "400")
        #expect(sent["fee_sat"]?.int == 400)
        #expect(sent["change_sat"]?.int == 0)
        #expect(sent["change_address"]?.isNull == true)
        let txid = try #require(sent["txid"]?.string)
        let sizeFee = try #require(try chan.ok("ledger", "tx", txid)["size_bytes"]?.int)
        #expect(sent["change_to_fee_sat"]?.int == 400 - sizeFee)
        #expect(try chan.balance("bob") == (0, 100_000_000 - 400))
    }

    @Test("ledger init prints the home as an absolute path and restricts an open home to its owner")
    func homeIsAbsoluteAndPrivate() throws {
        let temp = try TempHome()
        try FileManager.default.createDirectory(atPath: temp.path, withIntermediateDirectories: true)
        chmod(temp.path, 0o755)
        let outcome = try temp.chan.run("--home", temp.path + "/./", "ledger", "init")
        #expect(outcome.status == 0)
        #expect(try outcome.json["home"]?.string == temp.path.replacingOccurrences(of: "//", with: "/"))
        #expect((try? JSON.parse(outcome.stderr))?["warning"]?["code"]?.string == "home_permissions_restricted")
        let mode = try FileManager.default.attributesOfItem(atPath: temp.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("node create refuses an alias that is empty or longer than BOLT 7's 32 bytes")
    func aliasLimits() throws {
        let temp = try TempHome()
        let chan = temp.chan
        try chan.ok("ledger", "init")
        for alias in ["", String(repeating: "é", count: 17)] {
            let outcome = try chan.run("node", "create", "alice", "--alias", alias)
            #expect(outcome.status != 0 && outcome.errorCode == "invalid_alias", "alias '\(alias)'")
        }
        #expect(try chan.ok("node", "create", "alice", "--alias", String(repeating: "a", count: 32))["alias"]?.string?.count == 32)
        #expect(try chan.ok("node", "list")["nodes"]?.array?.count == 1)
    }

    @Test func helpExplainsEveryCommand() throws {
        let temp = try TempHome()
        let commands: [[String]] = [
            [], ["ledger"], ["ledger", "init"], ["ledger", "info"], ["ledger", "mine"], ["ledger", "faucet"],
            ["ledger", "tx"], ["ledger", "audit"], ["mine"], ["node"], ["node", "create"], ["node", "list"],
            ["address"], ["balance"], ["send"],
        ]
        for command in commands {
            let outcome = try temp.chan.run(command + ["--help"])
            #expect(outcome.status == 0)
            #expect(outcome.stdout.contains("OVERVIEW:"), "chan \(command.joined(separator: " ")) --help")
        }
        #expect(!FileManager.default.fileExists(atPath: temp.path))
    }
}
