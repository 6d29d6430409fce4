/// XXH64 (seed 0), the record's checksum: it tells a damaged record (a flipped bit, a
/// truncation, bytes of something else) from a channel, at a fraction of SHA-256's cost, which
/// matters because a node checks it at every restart and the simulator at every persist. Not a
/// MAC: it guards against damage, not against someone who can write the database.
///
/// Spec: https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md (little-endian lanes).
public enum RecordChecksum {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// Public so the record fuzz target can reseal a mutated record and reach the reader behind it.
    public static func xxh64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { buffer in
            let count = buffer.count
            var offset = 0
            func word() -> UInt64 {
                defer { offset += 8 }
                return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
            var hash: UInt64
            if count >= 32 {
                var lanes = (prime1 &+ prime2, prime2, UInt64(0), 0 &- prime1)
                while offset + 32 <= count {
                    lanes.0 = round(lanes.0, word())
                    lanes.1 = round(lanes.1, word())
                    lanes.2 = round(lanes.2, word())
                    lanes.3 = round(lanes.3, word())
                }
                hash = lanes.0.rotated(1) &+ lanes.1.rotated(7) &+ lanes.2.rotated(12) &+ lanes.3.rotated(18)
                hash = merge(hash, lanes.0)
                hash = merge(hash, lanes.1)
                hash = merge(hash, lanes.2)
                hash = merge(hash, lanes.3)
            } else {
                hash = prime5
            }
            hash &+= UInt64(count)
            while offset + 8 <= count {
                hash ^= round(0, word())
                hash = hash.rotated(27) &* prime1 &+ prime4
            }
            if offset + 4 <= count {
                let half = UInt64(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                hash ^= half &* prime1
                hash = hash.rotated(23) &* prime2 &+ prime3
            }
            while offset < count {
                hash ^= UInt64(buffer[offset]) &* prime5
                hash = hash.rotated(11) &* prime1
                offset += 1
            }
            hash ^= hash >> 33
            hash &*= prime2
            hash ^= hash >> 29
            hash &*= prime3
            hash ^= hash >> 32
            return hash
        }
    }

    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        (accumulator &+ input &* prime2).rotated(31) &* prime1
    }

    private static func merge(_ hash: UInt64, _ lane: UInt64) -> UInt64 {
        (hash ^ round(0, lane)) &* prime1 &+ prime4
    }
}

private extension UInt64 {
    func rotated(_ bits: UInt64) -> UInt64 { self << bits | self >> (64 - bits) }
}
