import Foundation
import Testing

/// The README's shell examples, run against the built binary so the README cannot drift from
/// the code. Two kinds of fenced blocks are checked:
/// - `console` blocks: each `$ chan ...` line (with `\` continuations) is run and what it
///   prints (stdout, then stderr) must match the lines after it: as JSON values when they
///   parse as JSON, else as text. `<!-- readme: keys -->` on the line before the fence
///   compares JSON keys only, for outputs with timings.
/// - `sh` blocks: run as one script with `set -euo pipefail`; it must exit 0. Every daemon of
///   the script's home is stopped when it ends.
/// `<!-- readme: skip -->` before a fence leaves the block out. Commands run in a scratch
/// directory that has the repository's `Examples/` and `../shared` beside it, with a fresh
/// `CHAN_HOME`.
@Suite("README examples")
struct ReadmeExampleTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README has checked examples of both kinds")
    func readmeHasExamples() throws {
        let blocks = try ReadmeBlock.all(in: Self.repository.appendingPathComponent("README.md").path)
        #expect(blocks.contains { if case .console = $0.kind { true } else { false } })
        #expect(blocks.contains { if case .script = $0.kind { true } else { false } })
    }

    @Test("each README example runs as shown", arguments: try ReadmeBlock.all(
        in: ReadmeExampleTests.repository.appendingPathComponent("README.md").path))
    func example(_ block: ReadmeBlock) throws {
        let scratch = try ReadmeScratch(repository: Self.repository)
        switch block.kind {
        case .script(let script):
            let outcome = try scratch.bash("""
                set -euo pipefail
                trap 'chan network down >/dev/null 2>&1 || true' EXIT
                \(script)
                """)
            #expect(outcome.status == 0, "README line \(block.line): the block failed:\n\(outcome.stderr)")
        case .console(let steps):
            for step in steps {
                let outcome = try scratch.bash(step.command)
                let printed = outcome.stdout + outcome.stderr
                let context = "README line \(step.line): \(step.command)\nprinted:\n\(printed)"
                if let expected = try? JSON.parse(step.expected) {
                    let actual = try? JSON.parse(printed)
                    if block.keysOnly {
                        #expect(actual.map(ReadmeBlock.keys) == ReadmeBlock.keys(expected), "\(context)")
                    } else {
                        #expect(actual == expected, "\(context)")
                    }
                } else {
                    #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == step.expected, "\(context)")
                }
            }
        }
    }
}

/// One checked fenced block of the README.
struct ReadmeBlock: CustomTestStringConvertible, Sendable {
    enum Kind: Sendable {
        case console([Step])
        case script(String)
    }

    struct Step: Sendable {
        let line: Int
        let command: String
        let expected: String
    }

    let line: Int
    let kind: Kind
    let keysOnly: Bool

    var testDescription: String { "README line \(line)" }

    static func all(in path: String) throws -> [ReadmeBlock] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [ReadmeBlock] = []
        var index = 0
        while index < lines.count {
            let fence = lines[index]
            guard fence.hasPrefix("```") else { index += 1; continue }
            let info = fence.dropFirst(3).trimmingCharacters(in: .whitespaces)
            let end = lines[(index + 1)...].firstIndex { $0.hasPrefix("```") } ?? lines.count
            let body = Array(lines[(index + 1)..<end])
            let marker = index > 0 ? lines[index - 1].trimmingCharacters(in: .whitespaces) : ""
            if marker != "<!-- readme: skip -->" {
                let keysOnly = marker == "<!-- readme: keys -->"
                switch info {
                case "console": blocks.append(ReadmeBlock(line: index + 1, kind: .console(steps(body, firstLine: index + 2)), keysOnly: keysOnly))
                case "sh": blocks.append(ReadmeBlock(line: index + 1, kind: .script(body.joined(separator: "\n")), keysOnly: keysOnly))
                default: break
                }
            }
            index = end + 1
        }
        return blocks
    }

    /// `$ command` lines (joined across trailing backslashes) and the output after each.
    private static func steps(_ body: [String], firstLine: Int) -> [Step] {
        var steps: [Step] = []
        var index = 0
        while index < body.count {
            guard body[index].hasPrefix("$ ") else { index += 1; continue }
            let line = firstLine + index
            var command = String(body[index].dropFirst(2))
            while command.hasSuffix("\\"), index + 1 < body.count {
                index += 1
                command = String(command.dropLast()) + " " + body[index].trimmingCharacters(in: .whitespaces)
            }
            index += 1
            var output: [String] = []
            while index < body.count, !body[index].hasPrefix("$ ") {
                output.append(body[index])
                index += 1
            }
            steps.append(Step(line: line, command: command, expected: output.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return steps
    }

    /// The value with every number, string and boolean replaced by its type: what a block
    /// marked `keys` must match.
    static func keys(_ value: JSON) -> JSON {
        switch value {
        case .null: .null
        case .bool: .string("bool")
        case .int, .double: .string("number")
        case .string: .string("string")
        case .array(let items): .array(items.map(keys))
        case .object(let object): .object(object.mapValues(keys))
        }
    }
}

/// A scratch directory laid out like a checkout (`main/Examples`, `shared`) with a fresh home.
final class ReadmeScratch {
    let directory: TempHome
    let workingDirectory: String

    init(repository: URL) throws {
        directory = try TempHome()
        let files = FileManager.default
        workingDirectory = directory.directory + "/main"
        try files.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: workingDirectory + "/Examples", withDestinationPath: repository.appendingPathComponent("Examples").path)
        try files.createSymbolicLink(
            atPath: directory.directory + "/shared",
            withDestinationPath: repository.deletingLastPathComponent().appendingPathComponent("shared").path)
    }

    func bash(_ script: String) throws -> ChanProcess.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        var environment = ProcessInfo.processInfo.environment
        environment["CHAN_HOME"] = directory.path
        environment["CHAN_NODE"] = nil
        let binaryDirectory = URL(fileURLWithPath: ChanProcess.binary).deletingLastPathComponent().path
        environment["PATH"] = binaryDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return ChanProcess.Running(process: process, output: output, errors: errors).wait()
    }
}
