/// BOLT 11's data part is a string of 5-bit words. These regroup bits between words and
/// bytes and read and write big-endian integers; none of them can trap on any input.
enum InvoiceWords {
    /// Bytes to words, the last word padded with zero bits (how a writer encodes field data).
    static func words(fromBytes bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        for byte in bytes {
            accumulator = (accumulator << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(UInt8((accumulator >> bits) & 31))
            }
            accumulator &= (1 << bits) - 1
        }
        if bits > 0 { out.append(UInt8((accumulator << (5 - bits)) & 31)) }
        return out
    }

    /// Words to bytes for field data. Nil unless the padding is under 5 bits and all zero,
    /// so each byte string has exactly one accepted encoding.
    static func bytes(fromWords words: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(words.count * 5 / 8)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        for word in words {
            guard word < 32 else { return nil }
            accumulator = (accumulator << 5) | UInt32(word)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> bits) & 0xff))
            }
            accumulator &= (1 << bits) - 1
        }
        guard bits < 5, accumulator == 0 else { return nil }
        return out
    }

    /// Words to bytes with zero bits appended to a byte boundary: the message a signature
    /// covers (the spec pads rather than refusing a partial byte).
    static func paddedBytes(fromWords words: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((words.count * 5 + 7) / 8)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        for word in words {
            accumulator = (accumulator << 5) | UInt32(word & 31)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> bits) & 0xff))
            }
            accumulator &= (1 << bits) - 1
        }
        if bits > 0 { out.append(UInt8((accumulator << (8 - bits)) & 0xff)) }
        return out
    }

    /// A big-endian integer; nil if it does not fit 64 bits.
    static func integer(fromWords words: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for word in words {
            guard word < 32, value >> 59 == 0 else { return nil }
            value = value << 5 | UInt64(word)
        }
        return value
    }

    /// The fewest words that hold `value` (none for 0), as `x` and `c` require.
    static func minimalWords(fromInteger value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        while rest > 0 {
            out.append(UInt8(rest & 31))
            rest >>= 5
        }
        return out.reversed()
    }

    /// Exactly `count` words, high bits dropped (the 35-bit timestamp is checked by its caller).
    static func words(fromInteger value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { index in
            let shift = UInt64(5 * (count - 1 - index))
            return shift >= 64 ? 0 : UInt8((value >> shift) & 31)
        }
    }
}
