import Foundation
import Testing

/// `chan sim network` through the built binary (`CHAN_BIN`, else `.build/debug/chan` of this
/// checkout): the JSON summary's shape on a clean run, exit 64 for argument mistakes.
@Suite struct SimNetworkCommandTests {
    /// Runs `chan ARGUMENTS`; returns the exit status, stdout and stderr.
    private static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let outcome = try ChanProcess.run(arguments)
        return (outcome.status, outcome.stdout, outcome.stderr)
    }

    @Test func aRunWithRestartsPrintsItsSummaryAndPasses() throws {
        let arguments = ["sim", "network", "--seed", "3", "--ops", "200", "--nodes", "4", "--topology", "ring",
                         "--restart-rate", "0.03", "--disconnect-rate", "0.03"]
        let (status, stdout, stderr) = try Self.run(arguments)
        #expect(status == 0, "\(stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "no JSON object on stdout")
        #expect(json["seed"] as? Int == 3 && json["nodes"] as? Int == 4 && json["operations"] as? Int == 200)
        #expect(json["topology"] as? String == "ring" && json["channels"] as? Int == 4)
        #expect(json["invariant_violations"] as? Int == 0 && (json["violations"] as? [Any])?.isEmpty == true, "\(json["violations"] ?? "")")
        #expect((json["restarts"] as? Int ?? 0) > 0 && (json["messages_delivered"] as? Int ?? 0) > 100)
        for key in ["disconnects", "reconnects", "retransmissions", "fee_updates", "blocks_mined", "forwards", "forwards_settled",
                    "commitments_exchanged", "commit_cycle_checks", "mutual_closes", "interrupted"] {
            #expect(json[key] != nil, "\(key) missing")
        }
        let payments = try #require(json["payments"] as? [String: [String: Int]])
        #expect(Set(payments.keys) == ["direct", "two_hop", "multi_part"])
        for (kind, counts) in payments {
            #expect(Set(counts.keys) == ["succeeded", "failed", "pending"], "\(kind)")
            #expect(counts["pending"] == 0, "\(kind)")
        }
        #expect(payments.values.reduce(0) { $0 + ($1["succeeded"] ?? 0) } > 0)
        let audit = try #require(json["audit"] as? [String: Any])
        #expect(audit["ok"] as? Bool == true)
        let states = try #require(json["final_states"] as? [[String]])
        #expect(states.count == 4 && states.allSatisfy { $0 == ["closed", "closed"] })
    }

    @Test(arguments: [
        ["--nodes", "2"], ["--nodes", "6"], ["--topology", "star"], ["--restart-rate", "1"], ["--restart-rate", "-0.1"],
        ["--disconnect-rate", "1"], ["--ops", "-1"], ["--seed", "9007199254740992"], ["--trace", "-1"],
    ])
    func argumentMistakesExit64(mistake: [String]) throws {
        var arguments = ["sim", "network", "--seed", "1", "--ops", "10"]
        if let index = arguments.firstIndex(of: mistake[0]) { arguments.removeSubrange(index...index + 1) }
        let (status, stdout, stderr) = try Self.run(arguments + mistake)
        #expect(status == 64 && stdout.isEmpty, "\(mistake): \(stderr)")
    }

    @Test func theHelpHasAnExample() throws {
        let (status, stdout, _) = try Self.run(["sim", "network", "--help"])
        #expect(status == 0)
        #expect(stdout.contains("Example: chan sim network --seed"))
        #expect(stdout.contains("--restart-rate") && stdout.contains("--topology"))
    }
}
