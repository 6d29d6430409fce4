import Foundation

/// Reads files from `../shared` beside the repository (CI has the same layout).
enum SharedFixtures {
    /// The nearest `shared` directory above this file: beside the repository, or beside the
    /// main checkout when the tests run in a git worktree nested inside it.
    static var sharedDirectory: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        while directory.path != "/" {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("shared")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: sharedDirectory.appendingPathComponent(relativePath))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
