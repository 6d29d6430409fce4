#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations the node directories need, beyond `Home`'s: exclusive creation with a
/// mode, whole-file reads and writes, listing, renaming, removal.
extension FileSystem {
    /// Creates `path` with `mode`, failing with `EEXIST` if it exists, and writes `bytes`.
    static func createFile(_ path: String, bytes: [UInt8] = [], mode: mode_t = 0o600) throws(StoreError) {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .fileError(path: path, errno: errno) }
        defer { _ = close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw .fileError(path: path, errno: errno) }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw .fileError(path: path, errno: errno) }
    }

    /// The whole file, refusing files larger than `limit` bytes.
    public static func readFile(_ path: String, limit: Int = 1 << 20) throws(StoreError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC, 0)
        guard descriptor >= 0 else { throw .fileError(path: path, errno: errno) }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .fileError(path: path, errno: errno) }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
            guard bytes.count <= limit else { throw .corruptFile(path: path, why: "larger than \(limit) bytes") }
        }
    }

    /// The names in a directory, without `.` and `..`; empty if it does not exist.
    static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(StoreError) {
        guard mkdir(path, mode) == 0 else { throw .fileError(path: path, errno: errno) }
    }

    /// Renames a directory; fails (`EEXIST` or `ENOTEMPTY`) when the target is a non-empty directory.
    static func renameItem(_ from: String, to: String) throws(StoreError) {
        guard rename(from, to) == 0 else { throw .fileError(path: to, errno: errno) }
    }

    /// Removes a directory's files and then the directory (one level: node directories are flat).
    public static func removeFlatDirectory(_ path: String) {
        for name in list(path) { unlink(path + "/" + name) }
        rmdir(path)
    }
}
