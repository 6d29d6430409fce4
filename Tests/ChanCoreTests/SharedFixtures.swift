import Foundation

/// Reads files from `../shared` beside the repository (CI has the same layout), or from
/// `../../shared` when the repository is a git worktree inside another checkout.
enum SharedFixtures {
    static var sharedDirectory: URL {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let beside = repository.deletingLastPathComponent().appendingPathComponent("shared")
        let aboveWorktree = repository.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: beside.path) ? beside
            : FileManager.default.fileExists(atPath: aboveWorktree.path) ? aboveWorktree : beside
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: sharedDirectory.appendingPathComponent(relativePath))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
