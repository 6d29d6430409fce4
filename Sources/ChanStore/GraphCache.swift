import ChanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cache file of one parsed graph file: magic, the identity of the source it was built from,
/// then a `GraphSnapshotCodec` image. It is used only for the very same source (absolute path,
/// device, inode, size, modification time, cache format), only when it belongs to this user
/// and no one else may write it, and never trusted beyond that: the image is decoded as outside
/// bytes. Reading and writing are best-effort: any failure means "parse the source".
enum GraphCache {
    static let magic: [UInt8] = Array("CHANGCAC".utf8)
    /// A cache larger than this is not read (a mainnet graph's is about 10 MB).
    static let sizeLimit = 1 << 31

    /// What identifies the source a cache was built from.
    struct SourceIdentity: Equatable {
        let absolutePath: String
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modifiedSeconds: Int64
        let modifiedNanoseconds: Int64

        init(absolutePath: String, _ info: stat) {
            self.absolutePath = absolutePath
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
            #else
            modifiedSeconds = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
            #endif
        }

        /// The bytes a cache of this source starts with (after the magic).
        var key: [UInt8] {
            var key: [UInt8] = []
            for value in [UInt64(GraphSnapshotCodec.version), device, inode, UInt64(bitPattern: size),
                          UInt64(bitPattern: modifiedSeconds), UInt64(bitPattern: modifiedNanoseconds)] {
                withUnsafeBytes(of: value.littleEndian) { key.append(contentsOf: $0) }
            }
            key.append(contentsOf: absolutePath.utf8)
            return key
        }
    }

    /// The graph of the first usable cache of `source`, or nil.
    static func read(_ source: SourceIdentity, policy: GraphCachePolicy) -> ChannelGraph? {
        for location in policy.locations(forSource: source.absolutePath) {
            if let graph = read(location, source) { return graph }
        }
        return nil
    }

    static func read(_ location: String, _ source: SourceIdentity) -> ChannelGraph? {
        let descriptor = open(location, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              info.st_uid == geteuid(), info.st_mode & 0o022 == 0,
              info.st_size > 0, info.st_size <= sizeLimit
        else { return nil }
        guard let bytes = readExactly(descriptor, count: Int(info.st_size)) else { return nil }
        let key = source.key
        let keyEnd = magic.count + 4 + key.count
        guard bytes.count > keyEnd, Array(bytes[0..<magic.count]) == magic,
              bytes[magic.count..<(magic.count + 4)].elementsEqual(lengthBytes(key.count)),
              bytes[(magic.count + 4)..<keyEnd].elementsEqual(key)
        else { return nil }
        let result: Result<ChannelGraph, GraphSnapshotError> = bytes.withUnsafeBytes { raw in
            Result { () throws(GraphSnapshotError) -> ChannelGraph in
                try GraphSnapshotCodec.decode(UnsafeRawBufferPointer(rebasing: raw[keyEnd...]))
            }
        }
        return try? result.get()
    }

    /// Writes the cache of `source` at the first location whose directory is writable and
    /// returns where; nil when none could be written (which is not an error).
    @discardableResult
    static func write(_ graph: ChannelGraph, _ source: SourceIdentity, policy: GraphCachePolicy) -> String? {
        let key = source.key
        var bytes: [UInt8]?  // encoded once a location can take it
        for (index, location) in policy.locations(forSource: source.absolutePath).enumerated() {
            if index > 0, let fallback = policy.fallbackDirectory { makeDirectories(fallback) }
            guard GraphCachePolicy.directoryIsWritable(of: location) else { continue }
            if bytes == nil { bytes = magic + lengthBytes(key.count) + key + GraphSnapshotCodec.encode(graph) }
            if let bytes, write(bytes, to: location) { return location }
        }
        return nil
    }

    /// Writes a temporary file beside `location` and renames it over, so a reader never sees
    /// half a cache (and a crash leaves at worst a stray temporary file).
    private static func write(_ bytes: [UInt8], to location: String) -> Bool {
        var template = Array((location + ".XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { return false }
        let temporary = String(cString: template)
        var offset = 0
        var ok = fchmod(descriptor, 0o644) == 0
        while ok, offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            ok = written > 0
            if ok { offset += written }
        }
        close(descriptor)
        if ok, rename(temporary, location) == 0 { return true }
        unlink(temporary)
        return false
    }

    private static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            mkdir(prefix, 0o700)
        }
    }

    /// `count` bytes read straight into their array (one copy: the cache is read at every
    /// command), nil when the file ends early or a read fails.
    private static func readExactly(_ descriptor: Int32, count: Int) -> [UInt8]? {
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var offset = 0
            while offset < count {
                let got = Glibc.read(descriptor, buffer.baseAddress! + offset, count - offset)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break }
                offset += got
            }
            initialized = offset
            complete = offset == count
        }
        return complete ? bytes : nil
    }

    private static func lengthBytes(_ count: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { Array($0) }
    }
}
