import ChanCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a network's files live: `$CHAN_HOME/ledger.sqlite` and `$CHAN_HOME/nodes/NAME/...`
/// (DESIGN.md section 7).
public struct Home: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The home named by the `--home` option, else `CHAN_HOME`, else `~/.chan`, as an
    /// absolute path (daemons and printed paths must not depend on the working directory).
    public static func resolve(option: String?) -> Home {
        if let option, !option.isEmpty { return Home(path: FileSystem.absolutePath(option)) }
        if let env = getenv("CHAN_HOME"), let text = String(validatingCString: env), !text.isEmpty {
            return Home(path: FileSystem.absolutePath(text))
        }
        let base = getenv("HOME").flatMap { String(validatingCString: $0) } ?? "."
        return Home(path: FileSystem.absolutePath(base + "/.chan"))
    }

    /// Takes group and other permissions off an existing home (it holds node seeds); returns
    /// the mode it had when that changed anything, nil otherwise.
    public func restrictPermissions() -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 != 0, chmod(path, mode & 0o700) == 0 else { return nil }
        return mode
    }

    public var ledgerPath: String { path + "/ledger.sqlite" }
    public var nodesPath: String { path + "/nodes" }
    public func nodePath(_ name: String) -> String { nodesPath + "/" + name }

    public var exists: Bool { FileSystem.isDirectory(path) }

    /// Fails with `home_not_found` unless the home directory exists.
    public func requireExists() throws(HomeError) {
        guard exists else { throw .notFound(path) }
    }
}

public enum HomeError: CodedError, Equatable {
    case notFound(String)
    case cannotCreate(String, Int32)

    public var code: String {
        switch self {
        case .notFound: "home_not_found"
        case .cannotCreate: "home_not_writable"
        }
    }

    public var message: String {
        switch self {
        case .notFound(let path): "the chan home \(path) does not exist (run `chan ledger init` first, or set --home / CHAN_HOME)"
        case .cannotCreate(let path, let errno): "cannot create \(path): \(String(cString: strerror(errno)))"
        }
    }
}

/// The few file-system calls the stores need, without Foundation.
public enum FileSystem {
    /// `path` made absolute against the working directory, without `.` components, repeated
    /// or trailing slashes (symbolic links and `..` are left as they are).
    public static func absolutePath(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                full = cwd + "/" + path
            }
        }
        let components = full.split(separator: "/").filter { $0 != "." }
        return full.hasPrefix("/") ? "/" + components.joined(separator: "/") : components.joined(separator: "/")
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Creates the directory and any missing parents with the given mode.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(HomeError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if isDirectory(prefix) { continue }
            if mkdir(prefix, mode) != 0 && errno != EEXIST { throw .cannotCreate(prefix, errno) }
        }
    }
}
