import Foundation

/// Runs the built `chan` binary: `CHAN_BIN` when set, else `<repo>/.build/debug/chan`.
struct ChanProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }

        /// The `error` object printed on stderr.
        var error: [String: Any] {
            let object = (try? JSONSerialization.jsonObject(with: Data(stderr.utf8))) as? [String: Any]
            return object?["error"] as? [String: Any] ?? [:]
        }
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `<repo>/../shared/data/graphs/NAME`
    static func graph(_ name: String) -> String {
        repository.deletingLastPathComponent().appendingPathComponent("shared/data/graphs/\(name)").path
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CHAN_BIN"], !path.isEmpty { return path }
        return repository.appendingPathComponent(".build/debug/chan").path
    }

    static func run(_ arguments: [String]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ["CHAN_HOME": directory.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
