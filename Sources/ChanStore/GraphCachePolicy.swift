#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether and where `GraphFile` keeps a binary cache of a parsed graph file.
///
/// The cache of `DIR/NAME` is `DIR/NAME.chan-cache` when DIR is writable (and not made
/// read-only by its mode, which root would otherwise ignore); otherwise (a read-only data directory) it is `$XDG_CACHE_HOME/chan/NAME-HASH.chan-cache`, or
/// `~/.cache/chan/...` without XDG_CACHE_HOME, HASH being a hash of the source's absolute path.
/// Small files are not cached: they parse faster than a cache would pay back, and tests and
/// fixtures stay free of cache files. `CHAN_GRAPH_CACHE=0` turns the cache off.
public struct GraphCachePolicy: Sendable {
    public var enabled: Bool
    /// Sources smaller than this are always parsed.
    public var minimumSourceBytes: Int
    /// Where caches go when the source's own directory is not writable; nil: none.
    public var fallbackDirectory: String?

    public init(enabled: Bool = true, minimumSourceBytes: Int = 512 * 1024, fallbackDirectory: String?) {
        self.enabled = enabled
        self.minimumSourceBytes = minimumSourceBytes
        self.fallbackDirectory = fallbackDirectory
    }

    public static let disabled = GraphCachePolicy(enabled: false, fallbackDirectory: nil)

    /// The policy of this process's environment.
    public static func fromEnvironment() -> GraphCachePolicy {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name) else { return nil }
            let text = String(cString: value)
            return text.isEmpty ? nil : text
        }
        if let setting = variable("CHAN_GRAPH_CACHE"), ["0", "off", "no", "false"].contains(setting.lowercased()) {
            return .disabled
        }
        let base = variable("XDG_CACHE_HOME") ?? variable("HOME").map { $0 + "/.cache" }
        return GraphCachePolicy(fallbackDirectory: base.map { $0 + "/chan" })
    }

    /// Where the cache of the source at `absolutePath` may be, in the order to try.
    func locations(forSource absolutePath: String) -> [String] {
        let slash = absolutePath.lastIndex(of: "/")
        let directory = slash.map { String(absolutePath[..<$0]) }.flatMap { $0.isEmpty ? "/" : $0 } ?? "."
        let name = slash.map { String(absolutePath[absolutePath.index(after: $0)...]) } ?? absolutePath
        var locations = [directory + (directory.hasSuffix("/") ? "" : "/") + name + ".chan-cache"]
        if let fallbackDirectory {
            let hash = String(Self.fnv1a(absolutePath), radix: 16)
            locations.append(fallbackDirectory + "/" + String(name.prefix(80)) + "-" + hash + ".chan-cache")
        }
        return locations
    }

    /// Whether a cache may be created at `location`: its directory exists, is writable, and
    /// has a write permission bit at all (root passes `access` everywhere, but a directory
    /// made read-only, like a shared data directory, must stay untouched).
    static func directoryIsWritable(of location: String) -> Bool {
        let slash = location.lastIndex(of: "/")
        let directory = slash.map { String(location[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_mode & 0o222 != 0 else { return false }
        return access(directory, W_OK) == 0
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
