/// Reads a channel graph from the bytes of a JSON graph file, recognising the format by its
/// top-level keys: `channels` is Core Lightning `listchannels`; `nodes` and `edges` are LND
/// (`describegraph`, or the small routing test graphs, told apart by their edge fields).
/// Decompression and file reading are the caller's business (see ChanStore's `GraphFile`).
public enum GraphImporter {
    public static func parse(_ bytes: [UInt8]) throws(GraphImportError) -> ChannelGraph {
        let result: Result<ChannelGraph, GraphImportError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(GraphImportError) -> ChannelGraph in try parse(buffer) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(GraphImportError) -> ChannelGraph {
        var scanner = JSONScanner(bytes)
        var builder = ChannelGraphBuilder()
        // Mainnet files hold about one channel per 600 bytes and one node per 3 channels.
        let estimatedChannels = max(bytes.count / 600, 16)
        builder.reserve(nodes: estimatedChannels / 3, channels: estimatedChannels)
        var recognized = false
        var lnd = LndGraphReader()
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if JSONScanner.key(key, is: "channels") {
                recognized = true
                builder.format = .clnListChannels
                try ClnListChannelsReader.readChannels(&scanner, into: &builder)
            } else if JSONScanner.key(key, is: "nodes") {
                recognized = true
                try lnd.readNodes(&scanner, into: &builder)
                builder.format = lnd.dialect ?? .lndTestGraph
            } else if JSONScanner.key(key, is: "edges") {
                recognized = true
                try lnd.readEdges(&scanner, into: &builder)
                builder.format = lnd.dialect ?? .lndTestGraph
            } else {
                try scanner.skipValue()
            }
        }
        guard scanner.isAtEnd else { throw .syntax(offset: scanner.position, expected: "the end of the file") }
        guard recognized else { throw .unrecognizedFormat }
        return builder.build()
    }

    /// Reads a node id written as 66 hex digits.
    static func nodeID(_ scanner: inout JSONScanner, field: StaticString) throws(GraphImportError) -> NodeID {
        scanner.skipWhitespace()
        let offset = scanner.position
        let text = try scanner.rawString()
        guard let id = NodeID(hexDigits: text) else {
            throw .invalidField(name: field.description, offset: offset, reason: "not a 33-byte compressed public key in hex")
        }
        return id
    }

    /// Reads a short channel id written `BLOCKxTXxOUTPUT`.
    static func shortChannelID(_ scanner: inout JSONScanner, field: StaticString) throws(GraphImportError) -> UInt64 {
        scanner.skipWhitespace()
        let offset = scanner.position
        let text = try scanner.rawString()
        var parts: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var part = 0
        var digits = 0
        for c in text {
            if c == UInt8(ascii: "x") {
                guard digits > 0, part < 2 else { part = 3; break }
                part += 1
                digits = 0
                continue
            }
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), digits < 8 else { part = 3; break }
            digits += 1
            let digit = UInt64(c - UInt8(ascii: "0"))
            switch part {
            case 0: parts.0 = parts.0 * 10 + digit
            case 1: parts.1 = parts.1 * 10 + digit
            default: parts.2 = parts.2 * 10 + digit
            }
        }
        guard part == 2, digits > 0, parts.0 < 1 << 24, parts.1 < 1 << 24, parts.2 < 1 << 16 else {
            throw .invalidField(name: field.description, offset: offset, reason: "not a short channel id BLOCKxTXxOUTPUT")
        }
        return parts.0 << 40 | parts.1 << 16 | parts.2
    }

    static func uint32(_ scanner: inout JSONScanner, field: StaticString) throws(GraphImportError) -> UInt32 {
        scanner.skipWhitespace()
        let offset = scanner.position
        let value = try scanner.unsignedInteger(field: field)
        guard value <= UInt64(UInt32.max) else {
            throw .invalidField(name: field.description, offset: offset, reason: "above 4294967295")
        }
        return UInt32(value)
    }

    static func uint16(_ scanner: inout JSONScanner, field: StaticString) throws(GraphImportError) -> UInt16 {
        scanner.skipWhitespace()
        let offset = scanner.position
        let value = try scanner.unsignedInteger(field: field)
        guard value <= UInt64(UInt16.max) else {
            throw .invalidField(name: field.description, offset: offset, reason: "above 65535")
        }
        return UInt16(value)
    }
}
