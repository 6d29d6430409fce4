/// Bech32 (BIP 173): a human-readable part, a `1`, 5-bit data and a 6-character checksum that
/// catches any error in up to 4 characters. Wallet addresses and BOLT 11 invoices use it.
public enum Bech32 {
    public enum DecodingError: Error, Equatable {
        case tooLong
        case mixedCase
        case invalidCharacter
        case missingSeparator
        case invalidHumanReadablePart
        case tooShortChecksum
        case invalidChecksum
        case invalidPadding
    }

    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in charset.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// BIP 173's length limit for addresses; BOLT 11 invoices pass a larger one.
    public static let addressMaxLength = 90

    /// Encodes 5-bit `data` (values 0...31) under the lower-case `humanReadablePart`.
    public static func encode(humanReadablePart hrp: String, data: [UInt8]) -> String {
        let hrpBytes = Array(hrp.lowercased().utf8)
        let checksum = createChecksum(hrp: hrpBytes, data: data)
        var out = hrpBytes
        out.append(UInt8(ascii: "1"))
        for value in data + checksum { out.append(charset[Int(value & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a bech32 string into its lower-case human-readable part and 5-bit data
    /// (checksum removed). Rejects mixed case, bad characters and a bad checksum.
    public static func decode(_ text: String, maxLength: Int = addressMaxLength) throws(DecodingError) -> (humanReadablePart: String, data: [UInt8]) {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxLength else { throw .tooLong }
        var hasLower = false
        var hasUpper = false
        for byte in bytes {
            guard byte >= 33, byte <= 126 else { throw .invalidCharacter }
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { hasLower = true }
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        let lower = bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else { throw .missingSeparator }
        guard separator >= 1 else { throw .invalidHumanReadablePart }
        guard lower.count - separator - 1 >= 6 else { throw .tooShortChecksum }
        let hrp = Array(lower[..<separator])
        var values: [UInt8] = []
        values.reserveCapacity(lower.count - separator - 1)
        for byte in lower[(separator + 1)...] {
            guard byte < 128, reverse[Int(byte)] >= 0 else { throw .invalidCharacter }
            values.append(UInt8(reverse[Int(byte)]))
        }
        guard polymod(expand(hrp) + values) == 1 else { throw .invalidChecksum }
        return (String(decoding: hrp, as: UTF8.self), Array(values.dropLast(6)))
    }

    /// Regroups bits: 8 to 5 with padding to encode bytes, 5 to 8 without to decode them.
    public static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) throws(DecodingError) -> [UInt8] {
        var accumulator = 0
        var bits = 0
        var out: [UInt8] = []
        let maxValue = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { throw .invalidPadding }
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((accumulator >> bits) & maxValue))
            }
            accumulator &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((accumulator << (to - bits)) & maxValue)) }
        } else if bits >= from || ((accumulator << (to - bits)) & maxValue) != 0 {
            throw .invalidPadding
        }
        return out
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for index in 0..<5 where (top >> UInt32(index)) & 1 == 1 { checksum ^= generator[index] }
        }
        return checksum
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func createChecksum(hrp: [UInt8], data: [UInt8]) -> [UInt8] {
        let value = polymod(expand(hrp) + data + [0, 0, 0, 0, 0, 0]) ^ 1
        return (0..<6).map { UInt8((value >> (5 * (5 - UInt32($0)))) & 31) }
    }
}
