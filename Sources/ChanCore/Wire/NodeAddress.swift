/// One BOLT 7 `address descriptor` of a `node_announcement`: where the node takes connections.
public enum NodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// Type 1: 4 address bytes and a port.
    case ipv4(address: [UInt8], port: UInt16)
    /// Type 2: 16 address bytes and a port.
    case ipv6(address: [UInt8], port: UInt16)
    /// Type 4: a Tor v3 onion service: 32-byte ed25519 key, 2-byte checksum, 1-byte version.
    case torV3(onion: [UInt8], port: UInt16)
    /// Type 5: an ASCII host name (at most 255 bytes; non-ASCII names go as Punycode).
    case dnsHostname(String, port: UInt16)

    public static let ipv4Type: UInt8 = 1
    public static let ipv6Type: UInt8 = 2
    /// Deprecated Tor v2 services: a known length, so skippable; never produced.
    public static let torV2Type: UInt8 = 3
    public static let torV3Type: UInt8 = 4
    public static let dnsHostnameType: UInt8 = 5

    static let torV2Length = 12
    static let torV3OnionLength = 35

    public var type: UInt8 {
        switch self {
        case .ipv4: Self.ipv4Type
        case .ipv6: Self.ipv6Type
        case .torV3: Self.torV3Type
        case .dnsHostname: Self.dnsHostnameType
        }
    }

    public var port: UInt16 {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port), .torV3(_, let port), .dnsHostname(_, let port): port
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let address, let port):
            address.map(String.init).joined(separator: ".") + ":\(port)"
        case .ipv6(let address, let port):
            "[" + stride(from: 0, to: address.count, by: 2).map { index in
                String(UInt16(address[index]) << 8 | UInt16(address[index + 1]), radix: 16)
            }.joined(separator: ":") + "]:\(port)"
        case .torV3(let onion, let port):
            Base32.encodeLowercase(onion) + ".onion:\(port)"
        case .dnsHostname(let host, let port):
            "\(host):\(port)"
        }
    }

    /// Reads the descriptors of a `node_announcement`'s `addresses`, following BOLT 7:
    /// - an unknown type ends the list (its length is unknown, so nothing after it can be
    ///   read; "ignore the first address descriptor that does not match");
    /// - Tor v2 (type 3) is skipped; a port of 0 on types 1, 2 and 5 drops that descriptor;
    /// - a descriptor of a known type cut short, a host name that is not printable ASCII, or
    ///   a second host name ("MUST NOT announce more than one") throws.
    public static func decodeList(_ bytes: [UInt8]) throws(WireError) -> [NodeAddress] {
        var reader = WireReader(bytes)
        var addresses: [NodeAddress] = []
        var sawHostname = false
        do throws(WireError) {
            while !reader.isAtEnd {
                let type = try reader.readU8()
                let address: NodeAddress
                switch type {
                case ipv4Type:
                    address = .ipv4(address: try reader.readBytes(4), port: try reader.readU16())
                case ipv6Type:
                    address = .ipv6(address: try reader.readBytes(16), port: try reader.readU16())
                case torV2Type:
                    _ = try reader.readBytes(torV2Length)
                    continue
                case torV3Type:
                    address = .torV3(onion: try reader.readBytes(torV3OnionLength), port: try reader.readU16())
                case dnsHostnameType:
                    let length = try reader.readU8()
                    let name = try reader.readBytes(Int(length))
                    let port = try reader.readU16()
                    guard !name.isEmpty, name.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                        throw WireError.invalidValue(field: "addresses", reason: "a host name that is not printable ASCII")
                    }
                    guard !sawHostname else {
                        throw WireError.invalidValue(field: "addresses", reason: "more than one DNS host name")
                    }
                    sawHostname = true
                    address = .dnsHostname(String(decoding: name, as: UTF8.self), port: port)
                default:
                    return addresses
                }
                if address.port == 0, address.type != torV3Type { continue }
                addresses.append(address)
            }
        } catch {
            if case .truncated = error {
                throw .invalidLength(field: "addresses", expected: "whole address descriptors", actual: bytes.count)
            }
            throw error
        }
        return addresses
    }

    /// The `addresses` bytes for a list, in the order given (BOLT 7 wants ascending types).
    /// Throws on a malformed address: wrong byte count, or a host name that is empty, longer
    /// than 255 bytes or not printable ASCII.
    public static func encodeList(_ addresses: [NodeAddress]) throws(WireError) -> [UInt8] {
        var writer = WireWriter()
        for address in addresses {
            writer.writeU8(address.type)
            switch address {
            case .ipv4(let bytes, _):
                guard bytes.count == 4 else { throw .invalidLength(field: "ipv4_addr", expected: "4", actual: bytes.count) }
                writer.writeBytes(bytes)
            case .ipv6(let bytes, _):
                guard bytes.count == 16 else { throw .invalidLength(field: "ipv6_addr", expected: "16", actual: bytes.count) }
                writer.writeBytes(bytes)
            case .torV3(let onion, _):
                guard onion.count == torV3OnionLength else {
                    throw .invalidLength(field: "onion_addr", expected: "35", actual: onion.count)
                }
                writer.writeBytes(onion)
            case .dnsHostname(let host, _):
                let name = Array(host.utf8)
                guard !name.isEmpty, name.count <= 255, name.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                    throw .invalidValue(field: "hostname", reason: "'\(host)' is not 1 to 255 printable ASCII bytes")
                }
                writer.writeU8(UInt8(name.count))
                writer.writeBytes(name)
            }
            writer.writeU16(address.port)
        }
        return writer.bytes
    }
}

/// RFC 4648 base32 without padding, lower case: how onion addresses are written.
enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encodeLowercase(_ bytes: [UInt8]) -> String {
        // The same regrouping into 5-bit words as an invoice's, with another alphabet.
        String(decoding: InvoiceWords.words(fromBytes: bytes).map { alphabet[Int($0)] }, as: UTF8.self)
    }
}
