import ChanCore
import ChanCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads a channel graph file (`.json` or `.json.gz`, any format `GraphImporter` reads), or
/// standard input for the path `-`. A large file's parsed graph is cached in binary
/// (`GraphCachePolicy` says where) and loaded from there while the file is unchanged.
public enum GraphFile {
    /// The path that means standard input.
    public static let standardInput = "-"

    public static func load(path: String, cache: GraphCachePolicy = .fromEnvironment()) throws(GraphFileError) -> ChannelGraph {
        try loadReporting(path: path, cache: cache).graph
    }

    /// A loaded graph and where it came from.
    public struct Loaded: Sendable {
        public let graph: ChannelGraph
        public let origin: Origin

        public enum Origin: String, Sendable, Encodable {
            /// Parsed from the file; no cache was written (small file, cache off, or unwritable).
            case parsed
            /// Parsed from the file, and a cache written for the next load.
            case parsedAndCached = "parsed_and_cached"
            /// Read from the cache.
            case cache
        }
    }

    public static func loadReporting(path: String, cache policy: GraphCachePolicy = .fromEnvironment()) throws(GraphFileError) -> Loaded {
        if path == standardInput {
            return Loaded(graph: try parse(try readAll(descriptor: STDIN_FILENO, name: "standard input"), name: "standard input"), origin: .parsed)
        }
        let (descriptor, before) = try openFile(path)
        defer { close(descriptor) }

        var source: GraphCache.SourceIdentity?
        if policy.enabled, (before.st_mode & S_IFMT) == S_IFREG, Int(before.st_size) >= policy.minimumSourceBytes,
           let absolute = realpath(path, nil) {
            source = GraphCache.SourceIdentity(absolutePath: String(cString: absolute), before)
            free(absolute)
        }
        if let source, let graph = GraphCache.read(source, policy: policy) {
            return Loaded(graph: graph, origin: .cache)
        }

        let graph = try parse(try readAll(descriptor: descriptor, name: path), name: path)
        // Cache only what was read from an unchanged file: a file rewritten while we read it
        // must not leave a cache that claims its new identity.
        var after = stat()
        if let source, fstat(descriptor, &after) == 0, GraphCache.SourceIdentity(absolutePath: source.absolutePath, after) == source,
           GraphCache.write(graph, source, policy: policy) != nil {
            return Loaded(graph: graph, origin: .parsedAndCached)
        }
        return Loaded(graph: graph, origin: .parsed)
    }

    /// Inflates gzip'd bytes and parses the graph.
    private static func parse(_ bytes: [UInt8], name: String) throws(GraphFileError) -> ChannelGraph {
        var bytes = bytes
        if Gunzip.isGzip(bytes) {
            switch Gunzip.decompress(bytes) {
            case .success(let inflated): bytes = inflated
            case .failure(let failure): throw .corrupt(name, failure.reason)
            }
        }
        do {
            return try GraphImporter.parse(bytes)
        } catch {
            throw .invalid(name, error)
        }
    }

    /// The whole file, read with plain POSIX calls.
    public static func readAll(path: String) throws(GraphFileError) -> [UInt8] {
        let (descriptor, _) = try openFile(path)
        defer { close(descriptor) }
        return try readAll(descriptor: descriptor, name: path)
    }

    /// An open descriptor of the file at `path` and its status; a directory is refused.
    private static func openFile(_ path: String) throws(GraphFileError) -> (Int32, stat) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .notFound(path) : .unreadable(path, errno)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadable(path, code)
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            close(descriptor)
            throw .unreadable(path, EISDIR)
        }
        return (descriptor, info)
    }

    /// Everything left to read from an open descriptor (a file or a pipe), refusing more than
    /// `limit` bytes.
    static func readAll(descriptor: Int32, name: String, limit: Int = Int.max) throws(GraphFileError) -> [UInt8] {
        var info = stat()
        var bytes = [UInt8]()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            bytes.reserveCapacity(Int(info.st_size) + 1)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(name, errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= limit else { throw .unreadable(name, EFBIG) }
        }
    }
}

public enum GraphFileError: CodedError, Equatable {
    case notFound(String)
    case unreadable(String, Int32)
    case corrupt(String, String)
    case invalid(String, GraphImportError)

    public var code: String {
        switch self {
        case .notFound: "graph_file_not_found"
        case .unreadable: "graph_file_unreadable"
        case .corrupt: "graph_corrupt"
        case .invalid(_, let error): error.code
        }
    }

    public var message: String {
        switch self {
        case .notFound(let path): "the graph file \(path) does not exist"
        case .unreadable(let path, let errno): "cannot read the graph file \(path): \(String(cString: strerror(errno)))"
        case .corrupt(let path, let reason): "the graph file \(path) is damaged: \(reason)"
        case .invalid(let path, let error): "\(path): \(error.message)"
        }
    }
}
