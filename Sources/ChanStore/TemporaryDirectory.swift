import Foundation

/// A fresh private directory (mode 0700) that is removed with everything in it when the value
/// goes away: a temporary home for benchmarks and tests. `home` is a path inside it that does
/// not exist yet.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "chan") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw StoreError.fileError(path: NSTemporaryDirectory(), errno: errno) }
        path = String(cString: made)
    }

    public var home: Home { Home(path: path + "/home") }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
