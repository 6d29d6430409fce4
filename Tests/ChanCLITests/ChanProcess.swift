import Foundation
import Testing

/// Runs the built `chan` binary (`CHAN_BIN`, else `.build/debug/chan` of this checkout) in a
/// temporary home.
struct ChanProcess {
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["CHAN_BIN"], !path.isEmpty { return path }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.appendingPathComponent(".build/debug/chan").path
    }()

    let home: String

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String

        /// The JSON on stdout.
        var json: JSON { get throws { try JSON.parse(stdout) } }

        /// The `error.code` of the JSON error on stderr, if there is one.
        var errorCode: String? { (try? JSON.parse(stderr))?["error"]?["code"]?.string }
    }

    /// Starts `chan ARGUMENTS`; `wait()` on the result collects it.
    func start(_ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CHAN_HOME"] = home
        environment["CHAN_NODE"] = nil
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return Running(process: process, output: output, errors: errors)
    }

    struct Running {
        let process: Process
        let output: Pipe
        let errors: Pipe

        func wait() -> Outcome {
            // Outputs are small: reading one pipe to its end cannot block the other.
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus,
                stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Outcome { try start(arguments).wait() }

    func run(_ arguments: [String]) throws -> Outcome { try start(arguments).wait() }

    /// Runs a command that must succeed and returns its JSON.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON {
        let outcome = try run(arguments)
        try #require(outcome.status == 0, "chan \(arguments.joined(separator: " ")) failed: \(outcome.stderr)", sourceLocation: sourceLocation)
        return try outcome.json
    }

    func address(_ node: String) throws -> String {
        try #require(try ok("-n", node, "address")["address"]?.string)
    }

    func balance(_ node: String) throws -> (confirmed: Int64, unconfirmed: Int64) {
        let json = try ok("-n", node, "balance")
        return (try #require(json["confirmed_sat"]?.int), try #require(json["unconfirmed_sat"]?.int))
    }
}

/// A fresh temporary directory; `home` names a path inside it that does not exist yet.
final class TempHome {
    let directory: String
    var path: String { directory + "/home" }
    var chan: ChanProcess { ChanProcess(home: path) }

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/chan-cli-test.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        directory = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

/// Just enough JSON to read chan's output.
enum JSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    static func parse(_ text: String) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSON].self)) }
    }

    subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    subscript(index: Int) -> JSON? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    var int: Int64? { if case .int(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var array: [JSON]? { if case .array(let value) = self { value } else { nil } }
    var isNull: Bool { self == .null }
}

extension ChanProcess {
    /// Runs a command that needs no state of its own (graph files, the simulator) in a fresh,
    /// empty home.
    static func run(_ arguments: [String]) throws -> Outcome {
        let home = try TempHome()
        return try home.chan.run(arguments)
    }

    /// `<repo>/../shared/data/graphs/NAME` (CI has shared/ beside the clone).
    static func graph(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/data/graphs/\(name)").path
    }
}

extension ChanProcess.Outcome {
    /// stdout as a Foundation JSON object, for tests that read nested values with `as?`.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
    }

    /// The `error` object printed on stderr.
    var error: [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: Data(stderr.utf8))) as? [String: Any]
        return object?["error"] as? [String: Any] ?? [:]
    }
}
