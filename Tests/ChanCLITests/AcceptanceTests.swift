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
