import Foundation
import Testing

/// Twenty sends in parallel from different nodes, while another process mines in a loop.
@Suite struct ConcurrencyTests {
    @Test func parallelSendsWhileMining() throws {
        let temp = try TempHome()
        let chan = temp.chan
        try chan.ok("ledger", "init")
        let names = (0..<5).map { "n\($0)" }
        for name in names + ["miner"] { try chan.ok("node", "create", name) }
        // Four coins of 1,000,000 sat per node.
        for name in names {
            for _ in 0..<4 { try chan.ok("ledger", "faucet", try chan.address(name), "1000000") }
        }
        let minerAddress = try chan.address("miner")
        try chan.ok("mine", "--address", minerAddress)
        let minted: Int64 = 5 * 4 * 1_000_000

        // Each send pays the next node; destinations are issued before the race starts.
        let sends: [(from: String, to: String)] = try (0..<20).map { index in
            (names[index % 5], try chan.address(names[(index + 1) % 5]))
        }

        // The miner: a separate process mining in a loop until told to stop.
        let stop = temp.directory + "/stop-mining"
        let loop = """
            count=0
            while [ ! -e "$STOP" ]; do "$CHAN" mine --address "$MINER" >/dev/null || exit 1; count=$((count+1)); done
            echo $count
            """
        let miner = Process()
        miner.executableURL = URL(fileURLWithPath: "/bin/bash")
        miner.arguments = ["-c", loop]
        var environment = ProcessInfo.processInfo.environment
        environment["CHAN_HOME"] = temp.path
        environment["CHAN"] = ChanProcess.binary
        environment["MINER"] = minerAddress
        environment["STOP"] = stop
        miner.environment = environment
        let minerOutput = Pipe()
        miner.standardOutput = minerOutput
        try miner.run()

        let running = try sends.map { try chan.start(["-n", $0.from, "send", $0.to, "100000"]) }
        let outcomes = running.map { $0.wait() }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        let mineCount = String(decoding: minerOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        miner.waitUntilExit()
        #expect(miner.terminationStatus == 0, "the mining loop failed")
        #expect((Int(mineCount.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1)

        for outcome in outcomes { #expect(outcome.status == 0, "\(outcome.stderr)") }
        let txids = try outcomes.map { try #require(try $0.json["txid"]?.string) }
        #expect(Set(txids).count == 20)
        let fees = try outcomes.map { try #require(try $0.json["fee_sat"]?.int) }

        try chan.ok("mine", "--address", minerAddress)
        for txid in txids {
            #expect(try chan.ok("ledger", "tx", txid)["status"]?.string == "confirmed")
        }
        let audit = try chan.ok("ledger", "audit")
        #expect(audit["ok"]?.bool == true, "\(audit)")
        #expect(audit["minted_sat"]?.int == minted)
        #expect(audit["unspent_sat"]?.int == minted)
        #expect(audit["mempool_size"]?.int == 0)

        // Every satoshi is accounted for: each node paid four sends and received four; the
        // miner holds every fee.
        var total: Int64 = 0
        for (index, name) in names.enumerated() {
            let paid = (0..<20).filter { $0 % 5 == index }.map { fees[$0] }.reduce(0, +)
            #expect(try chan.balance(name) == (4_000_000 - paid, 0))
            total += try chan.balance(name).confirmed
        }
        #expect(try chan.balance("miner") == (fees.reduce(0, +), 0))
        total += try chan.balance("miner").confirmed
        #expect(total == minted)
    }
}
