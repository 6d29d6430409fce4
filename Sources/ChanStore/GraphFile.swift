import ChanCore
import ChanCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads a channel graph file (`.json` or `.json.gz`, any format `GraphImporter` reads).
public enum GraphFile {
    public static func load(path: String) throws(GraphFileError) -> ChannelGraph {
        var bytes = try readAll(path: path)
        if Gunzip.isGzip(bytes) {
            switch Gunzip.decompress(bytes) {
            case .success(let inflated): bytes = inflated
            case .failure(let failure): throw .corrupt(path, failure.reason)
            }
        }
        do {
            return try GraphImporter.parse(bytes)
        } catch {
            throw .invalid(path, error)
        }
    }

    /// The whole file, read with plain POSIX calls.
    public static func readAll(path: String) throws(GraphFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .notFound(path) : .unreadable(path, errno)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path, errno) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path, EISDIR) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path, errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
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
