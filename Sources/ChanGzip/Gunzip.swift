import CZlib

/// Inflates gzip data (one or several concatenated members) with the system zlib.
public enum Gunzip {
    /// True when the bytes start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The most a file may decompress to by default: about 3 times the largest mainnet graph
    /// we know (45 MB); memory peaks near twice this while the output array grows.
    /// Deflate expands up to ~1000:1, so without a cap a 1 MiB file of zeros takes 1 GB.
    public static let defaultOutputLimit = 128 << 20

    /// The decompressed bytes; a reason when the data is not intact gzip or would decompress
    /// to more than `limit` bytes.
    public static func decompress(_ compressed: [UInt8], limit: Int = defaultOutputLimit) -> Result<[UInt8], GunzipFailure> {
        guard isGzip(compressed) else { return .failure(GunzipFailure(reason: "not gzip data")) }
        // The trailer's ISIZE is the size of the (last) member mod 2^32: a first guess, but an
        // outside claim, so never more than a plausible ratio of the input or the limit.
        let trailerSize = compressed.count >= 4
            ? Int(UInt32(compressed[compressed.count - 4]) | UInt32(compressed[compressed.count - 3]) << 8
                | UInt32(compressed[compressed.count - 2]) << 16 | UInt32(compressed[compressed.count - 1]) << 24)
            : 0
        var output = [UInt8]()
        output.reserveCapacity(min(max(trailerSize, compressed.count * 4), compressed.count * 16, limit) + 1)
        var stream = z_stream()
        // 15 + 32: maximum window, and let zlib detect the gzip header.
        guard chan_inflate_init2(&stream, 15 + 32) == Z_OK else {
            return .failure(GunzipFailure(reason: "zlib could not start"))
        }
        defer { inflateEnd(&stream) }

        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return compressed.withUnsafeBufferPointer { input -> Result<[UInt8], GunzipFailure> in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                guard produced <= limit - output.count else {
                    return .failure(GunzipFailure(reason: "the data decompresses to more than \(limit) bytes"))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Another member may follow (as `cat a.gz b.gz` makes).
                    if stream.avail_in == 0 { return .success(output) }
                    guard inflateReset(&stream) == Z_OK else {
                        return .failure(GunzipFailure(reason: "zlib could not restart"))
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(GunzipFailure(reason: "the data ends before the gzip stream does (truncated file)"))
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    return .failure(GunzipFailure(reason: "corrupt gzip data: \(detail)"))
                }
            }
        }
    }
}

public struct GunzipFailure: Error, Equatable, Sendable {
    public let reason: String
}
