import Foundation
import Testing

/// `chan sim pair` through the built binary (`CHAN_BIN`, else `.build/debug/chan` of this
/// checkout): 2,000 operations with disconnects, ending in a mutual close, a force close and
/// a breach; every invariant holds and the ledger audit is ok.
@Suite struct SimPairCommandTests {
    private static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["CHAN_BIN"], !path.isEmpty { return path }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.appendingPathComponent(".build/debug/chan").path
    }()

    /// Runs `chan ARGUMENTS`; returns the exit status, the JSON object on stdout and stderr.
    private static func run(_ arguments: [String]) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The summary is small: reading one pipe to its end cannot block the other.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any], "no JSON object on stdout")
        return (process.terminationStatus, json, String(decoding: err, as: UTF8.self))
    }

    @Test(arguments: [[], ["--force-close"], ["--breach"]])
    func twoThousandOperationsKeepEveryInvariant(ending: [String]) throws {
        let arguments = ["sim", "pair", "--seed", "1", "--ops", "2000", "--disconnect-rate", "0.05"] + ending
        let (status, json, stderr) = try Self.run(arguments)
        #expect(status == 0, "chan \(arguments.joined(separator: " ")): \(stderr)")
        #expect(json["invariant_violations"] as? Int == 0, "\(json["violations"] ?? "")")
        let audit = try #require(json["audit"] as? [String: Any])
        #expect(audit["ok"] as? Bool == true, "\(audit["problems"] ?? "")")
        for field in ["minted_sat", "unspent_sat", "utxo_count", "height", "problems"] {
            #expect(audit[field] != nil, "audit.\(field) missing")
        }
        #expect(json["seed"] as? Int == 1 && json["operations"] as? Int == 2000)
        #expect((json["htlcs_added"] as? Int ?? 0) > 100 && (json["commitments_exchanged"] as? Int ?? 0) > 100)
        #expect((json["disconnects"] as? Int ?? 0) > 10)
        let state = try #require(json["final_state"] as? [String: String])
        #expect(state == ["alice": "closed", "bob": "closed"])
        #expect(json["force_closed"] as? Bool == !ending.isEmpty)
        if ending == ["--breach"] { #expect((json["penalties"] as? Int ?? 0) >= 1) }
        #expect(json["interrupted"] as? Bool == false)
    }

    /// `ending` is an object of fixed keys, one type each, nulls present.
    @Test func theEndingIsAnObjectWithItsOwnFields() throws {
        let base = ["sim", "pair", "--seed", "4", "--ops", "200"]
        let mutual = try #require(try Self.run(base).json["ending"] as? [String: Any])
        #expect(mutual["kind"] as? String == "mutual_close")
        for key in ["closer", "cheater", "revoked_commitment_number"] { #expect(mutual[key] is NSNull, "\(key)") }
        let forced = try #require(try Self.run(base + ["--force-close"]).json["ending"] as? [String: Any])
        #expect(forced["kind"] as? String == "force_close")
        #expect(["alice", "bob"].contains(forced["closer"] as? String ?? ""))
        #expect(forced["cheater"] is NSNull && forced["revoked_commitment_number"] is NSNull)
        let breach = try Self.run(base + ["--breach"]).json
        let ending = try #require(breach["ending"] as? [String: Any])
        #expect(ending["kind"] as? String == "breach")
        #expect(["alice", "bob"].contains(ending["cheater"] as? String ?? ""))
        #expect(ending["revoked_commitment_number"] is Int && ending["closer"] is NSNull)
        #expect((breach["channel"] as? [String: Any])?["cheater"] as? String == ending["cheater"] as? String)
    }

    /// The same seed with and without `--breach`: the same channel, the same operations.
    @Test func aBreachDoesNotChangeTheSeedsChannel() throws {
        for seed in ["1", "2", "3"] {
            let base = ["sim", "pair", "--seed", seed, "--ops", "150", "--disconnect-rate", "0.05"]
            let plain = try Self.run(base).json, breach = try Self.run(base + ["--breach"]).json
            var plainChannel = try #require(plain["channel"] as? [String: Any])
            var breachChannel = try #require(breach["channel"] as? [String: Any])
            #expect(plainChannel.removeValue(forKey: "cheater") is NSNull)
            #expect(breachChannel.removeValue(forKey: "cheater") is String)
            #expect(NSDictionary(dictionary: plainChannel) == NSDictionary(dictionary: breachChannel), "seed \(seed)")
            #expect(plain["operations"] as? Int == breach["operations"] as? Int)
        }
    }

    /// Seeds are capped at 2^53-1, the largest integer every JSON reader holds exactly.
    @Test func seedsAboveTwoToThe53AreUsageErrors() throws {
        let tooBig = try Self.runRaw(["sim", "pair", "--seed", "9007199254740992", "--ops", "1"])
        #expect(tooBig.status == 64 && tooBig.stdout.isEmpty, "\(tooBig.stderr)")
        #expect(tooBig.stderr.contains("\"usage\"") && tooBig.stderr.contains("2^53"))
        let largest = try Self.run(["sim", "pair", "--seed", "9007199254740991", "--ops", "3"])
        #expect(largest.status == 0, "\(largest.stderr)")
        #expect((largest.json["seed"] as? NSNumber)?.uint64Value == 9_007_199_254_740_991)
    }

    @Test(arguments: [["--ops", "10000001"], ["--disconnect-rate", "1"], ["--disconnect-rate", "-0.5"]])
    func outOfRangeOptionsAreUsageErrors(option: [String]) throws {
        let arguments = ["sim", "pair", "--seed", "1", "--ops", "10"] + option
        let (status, stdout, stderr) = try Self.runRaw(arguments)
        #expect(status == 64 && stdout.isEmpty, "\(arguments): \(stderr)")
    }

    @Test func humanPrintsATable() throws {
        let (status, stdout, stderr) = try Self.runRaw(["sim", "pair", "--seed", "1", "--ops", "50", "--breach", "-H"])
        #expect(status == 0, "\(stderr)")
        #expect(!stdout.hasPrefix("{"))
        let lines = stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("FIELD") == true)
        #expect(lines.contains { $0.hasPrefix("ending") && $0.contains("breach by") })
        #expect(lines.contains { $0.hasPrefix("ledger audit") && $0.hasSuffix("ok") })
    }

    /// Ctrl-C stops at the next operation, and the summary of what ran comes out, marked
    /// interrupted, with exit status 130.
    @Test func ctrlCPrintsAPartialSummary() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["sim", "pair", "--seed", "5", "--ops", "10000000"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        try Self.waitUntilCatching(SIGINT, pid: process.processIdentifier)
        Thread.sleep(forTimeInterval: 0.5)
        process.interrupt()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(String(decoding: err, as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect(json["interrupted"] as? Bool == true)
        let operations = try #require(json["operations"] as? Int)
        #expect(operations > 0 && operations < 10_000_000)
        #expect((json["audit"] as? [String: Any])?["ok"] as? Bool == true)
        #expect(json["final_state"] as? [String: String] == ["alice": "closed", "bob": "closed"])
    }

    @Test func theSameSeedPrintsTheSameSummary() throws {
        let arguments = ["sim", "pair", "--seed", "7", "--ops", "300", "--disconnect-rate", "0.1"]
        let first = try Self.runRaw(arguments), second = try Self.runRaw(arguments)
        #expect(first.status == 0 && !first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let (status, _, stderr) = try Self.runRaw(["sim", "pair", "--seed", "1", "--ops", "10", "--disconnect-rate", "2"])
        #expect(status == 64, "\(stderr)")
        #expect(stderr.contains("\"usage\""))
    }

    /// Waits until `pid` has its handler for `signal` installed (Linux: `SigCgt` in
    /// /proc/PID/status), so that the signal does not meet the default action; elsewhere, a
    /// generous pause.
    private static func waitUntilCatching(_ signal: Int32, pid: Int32) throws {
        #if os(Linux)
        for _ in 0..<200 {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
               let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16),
               mask & (1 << UInt64(signal - 1)) != 0 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("chan never installed its handler for signal \(signal)")
        #else
        Thread.sleep(forTimeInterval: 3)
        #endif
    }

    private static func runRaw(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
