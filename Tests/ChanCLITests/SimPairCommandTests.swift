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
