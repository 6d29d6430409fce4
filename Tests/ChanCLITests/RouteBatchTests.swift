import Foundation
import Testing

@Suite("chan route --batch / --graph -")
struct RouteBatchTests {
    private let alice = "0367cec75158a4129177bfb8b269cb586efe93d751b43800d456485e81c2620ca6"
    private let carol = "03c19f0027ffbb0ae0e14a4d958788793f9d74e107462473ec0c3891e4feb12e99"
    private var spec: String { ChanProcess.graph("lnd_spec_example.json") }

    /// `chan ARGUMENTS` with `input` on its standard input, in a fresh home.
    private func run(_ arguments: [String], input: [UInt8]) throws -> ChanProcess.Outcome {
        let home = try TempHome()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChanProcess.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CHAN_HOME"] = home.path
        process.environment = environment
        let stdin = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write from another thread: a large input must not wait on output nobody reads yet.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        return ChanProcess.Running(process: process, output: output, errors: errors).wait()
    }

    /// What the single-query command prints (stdout) or its error (stderr), as JSON.
    private func single(_ arguments: [String]) throws -> JSON {
        let outcome = try ChanProcess.run(["route", "--graph", spec] + arguments)
        return try JSON.parse(outcome.status == 0 ? outcome.stdout : outcome.stderr)
    }

    @Test func answersEachLineInOrderAsTheSingleCommandWould() throws {
        let lines = [
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999}"#,
            #"{"from": "\#(alice)", "to": "#,  // broken JSON
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999, "cltv_limit": 37}"#,
            #"{"to": "\#(carol)", "amount_msat": 1000000, "no_probability": true}"#,  // the graph's default payer
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 150000000, "mpp": true, "min_probability": 0}"#,
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999, "explain": true, "final_cltv": 40, "risk_factor": 0}"#,
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999, "max_fe_msat": 1}"#,  // misspelt option
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 0}"#,
            "",
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999, "max_fee_msat": 10198}"#,
        ]
        let result = try run(["route", "--graph", spec, "--batch"], input: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let answers = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(answers.count == lines.count)
        #expect(answers.allSatisfy { !$0.isEmpty && !$0.contains("\n") })
        let json = try answers.map { try JSON.parse(String($0)) }

        #expect(json[0] == (try single(["--from", alice, "--to", carol, "--amount", "4999999msat"])))
        #expect(json[1]["error"]?["code"]?.string == "invalid_query")
        #expect(json[1]["error"]?["message"]?.string?.hasPrefix("line 2:") == true)
        // Options on a line take effect, and each answer equals what `chan route` prints.
        #expect(json[2]["error"]?["code"]?.string == "no_route")
        #expect(json[2]["error"]?["code"] == (try single(["--from", alice, "--to", carol, "--amount", "4999999msat", "--cltv-limit", "37"]))["error"]?["code"])
        #expect(json[3] == (try single(["--to", carol, "--amount", "1000", "--no-probability"])))
        #expect(json[3]["probability"] == .int(1))
        #expect(json[4] == (try single(["--from", alice, "--to", carol, "--amount", "150000", "--mpp", "--min-probability", "0"])))
        #expect(json[4]["parts"]?.array != nil)
        #expect(json[5] == (try single(["--from", alice, "--to", carol, "--amount", "4999999msat", "--explain", "--final-cltv", "40", "--risk-factor", "0"])))
        #expect(json[5]["total_cltv"] == .int(60))
        #expect(json[6]["error"]?["code"]?.string == "invalid_query")
        #expect(json[6]["error"]?["message"]?.string?.contains("max_fe_msat") == true)
        #expect(json[7]["error"]?["code"]?.string == "invalid_amount")
        #expect(json[8]["error"]?["code"]?.string == "invalid_query")
        #expect(json[9]["error"]?["code"]?.string == "no_route")
    }

    @Test func commandLineOptionsAreDefaultsALineOverrides() throws {
        let lines = [
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999}"#,
            #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999, "cltv_limit": null}"#,
        ]
        let result = try run(["route", "--graph", spec, "--batch", "--cltv-limit", "37"], input: Array(lines.joined(separator: "\n").utf8))
        let answers = try result.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
        try #require(answers.count == 2)
        #expect(answers[0]["error"]?["code"]?.string == "no_route")
        #expect(answers[1]["total_cltv"] == .int(38))
    }

    @Test func aLineTooLongIsRefusedAndTheNextStillAnswered() throws {
        let long = #"{"from": ""# + String(repeating: "a", count: 70_000) + #""}"#
        let good = #"{"from": "\#(alice)", "to": "\#(carol)", "amount_msat": 4999999}"#
        let result = try run(["route", "--graph", spec, "--batch"], input: Array((long + "\n" + good + "\n").utf8))
        #expect(result.status == 0)
        let answers = try result.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
        try #require(answers.count == 2)
        #expect(answers[0]["error"]?["code"]?.string == "line_too_long")
        #expect(answers[1]["fee_msat"] == .int(10_199))
    }

    /// A script may feed one line and wait for its answer before writing the next.
    @Test func eachAnswerComesBeforeTheNextLineIsWritten() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChanProcess.binary)
        process.arguments = ["route", "--graph", spec, "--batch"]
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        try process.run()
        for amount in [1000, 2000] {
            stdin.fileHandleForWriting.write(Data(#"{"to": "\#(carol)", "amount_msat": \#(amount)}"#.utf8 + [0x0a]))
            var answer = Data()
            while !answer.contains(0x0a) {
                let more = output.fileHandleForReading.availableData
                try #require(!more.isEmpty, "the batch ended before answering")
                answer += more
            }
            #expect(try JSON.parse(String(decoding: answer, as: UTF8.self))["amount_msat"] == .int(Int64(amount)))
        }
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func batchUsageErrors() throws {
        let empty: [UInt8] = []
        for arguments in [
            ["route", "--batch"],
            ["route", "--graph", spec, "--batch", "--to", carol],
            ["route", "--graph", spec, "--batch", "--amount", "1000"],
            ["route", "--graph", spec, "--batch", "--from", alice],
            ["route", "--graph", "-", "--batch"],
        ] {
            let result = try run(arguments, input: empty)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errorCode == "usage", "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
        // Without --batch, --to and --amount stay required.
        let missing = try run(["route", "--graph", spec, "--to", carol], input: empty)
        #expect(missing.status == 64)
        #expect(missing.errorCode == "usage")
    }

    @Test func graphFromStandardInput() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: spec)))
        let piped = try run(["route", "--graph", "-", "--from", alice, "--to", carol, "--amount", "4999999msat"], input: bytes)
        #expect(piped.status == 0)
        #expect(try piped.json == (try single(["--from", alice, "--to", carol, "--amount", "4999999msat"])))

        let stats = try run(["graph", "stats", "--graph", "-"], input: bytes)
        #expect(stats.status == 0)
        #expect(try stats.json == (try JSON.parse(try ChanProcess.run(["graph", "stats", "--graph", spec]).stdout)))

        let garbage = try run(["graph", "stats", "--graph", "-"], input: Array("not a graph".utf8))
        #expect(garbage.status == 1)
        #expect(garbage.stdout.isEmpty)
        #expect(garbage.errorCode != nil)
    }
}
