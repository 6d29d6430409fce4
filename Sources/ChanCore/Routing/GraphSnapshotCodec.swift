/// A compact binary image of a `ChannelGraph`: the arrays of `GraphStorage` written as they
/// are (little-endian, each with its length), so that loading one is a few large copies
/// instead of a JSON parse. ChanStore keeps these images as a cache beside graph files.
///
/// The bytes come from disk and are never trusted: the decoder bounds every read, checks
/// every length against the counts and the bytes left, verifies a checksum, and checks every
/// invariant the pathfinder relies on (it reads the arrays without bounds checks), so any
/// input gives either the graph that was written or an error.
///
/// Layout: magic `CHANGRPH`, version (u32), checksum of the rest (u64), then node, channel and
/// edge counts, default payer, skipped entries, format name, and the columns in the order of
/// `GraphStorage.Columns`.
public enum GraphSnapshotCodec {
    /// Bump when the layout or the meaning of a column changes: an old image is then rebuilt.
    public static let version: UInt32 = 1
    static let magic: [UInt8] = Array("CHANGRPH".utf8)
    static let headerSize = 8 + 4 + 8

    public static func encode(_ graph: ChannelGraph) -> [UInt8] {
        let storage = graph.storage
        var writer = SnapshotWriter()
        writer.integer(UInt64(storage.nodeIDs.count))
        writer.integer(UInt64(storage.channelScid.count))
        writer.integer(UInt64(storage.edgeSource.count))
        writer.integer(storage.defaultPayer)
        writer.integer(UInt64(storage.skippedEntries))
        writer.bytes(Array(storage.format.rawValue.utf8))

        writer.column(storage.nodeIDs.map(\.prefix))
        writer.column(storage.nodeIDs.flatMap { [$0.word0, $0.word1, $0.word2, $0.word3] })
        var aliasEnds: [UInt32] = []
        var aliasBytes: [UInt8] = []
        for alias in storage.aliases {
            aliasBytes.append(contentsOf: alias.utf8)
            aliasEnds.append(UInt32(truncatingIfNeeded: aliasBytes.count))
        }
        writer.column(aliasEnds)
        writer.bytes(aliasBytes)
        writer.column(storage.incomingStart)
        writer.column(storage.incomingEnabledEnd)

        writer.column(storage.channelScid)
        writer.column(storage.channelCapacitySat)
        writer.column(storage.channelNode1)
        writer.column(storage.channelNode2)
        writer.column(storage.channelEdge)

        writer.column(storage.edgeSource)
        writer.column(storage.edgeTarget)
        writer.column(storage.edgeChannel)
        writer.column(storage.edgeDirection)
        writer.column(storage.edgeDisabled.map { $0 ? UInt8(1) : 0 })
        writer.column(storage.edgeFeeBaseMsat)
        writer.column(storage.edgeFeeProportional)
        writer.column(storage.edgeCltvDelta)
        writer.column(storage.edgeHtlcMinimumMsat)
        writer.column(storage.edgeHtlcMaximumMsat)
        writer.column(storage.edgeCapacityMsat)

        var header = magic
        appendLittleEndian(version, to: &header)
        appendLittleEndian(checksum(writer.output[...]), to: &header)
        return header + writer.output
    }

    public static func decode(_ bytes: [UInt8]) throws(GraphSnapshotError) -> ChannelGraph {
        let result: Result<ChannelGraph, GraphSnapshotError> = bytes.withUnsafeBytes { raw in
            Result { () throws(GraphSnapshotError) -> ChannelGraph in try decode(raw) }
        }
        return try result.get()
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GraphSnapshotError) -> ChannelGraph {
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else { throw .notASnapshot }
        var header = SnapshotReader(bytes, from: 8)
        let foundVersion: UInt32 = try header.integer()
        guard foundVersion == version else { throw .version(foundVersion) }
        let expectedChecksum: UInt64 = try header.integer()
        let body = UnsafeRawBufferPointer(rebasing: bytes[headerSize...])
        guard checksum(body) == expectedChecksum else { throw .checksum }

        var reader = SnapshotReader(body, from: 0)
        let nodeCount = try reader.count()
        let channelCount = try reader.count()
        let edgeCount = try reader.count()
        var columns = GraphStorage.Columns()
        columns.defaultPayer = try reader.integer()
        columns.skippedEntries = try reader.count()
        let formatName = String(decoding: try reader.bytes(), as: UTF8.self)
        guard let format = GraphFormat(rawValue: formatName) else { throw .invalid("unknown format \(formatName)") }
        columns.format = format

        let prefixes: [UInt8] = try reader.column(count: nodeCount)
        let words: [UInt64] = try reader.column(count: nodeCount * 4)
        columns.nodeIDs.reserveCapacity(nodeCount)
        for node in 0..<nodeCount {
            guard prefixes[node] == 2 || prefixes[node] == 3 else { throw .invalid("node \(node) is not a compressed key") }
            columns.nodeIDs.append(NodeID(
                prefix: prefixes[node], word0: words[4 * node], word1: words[4 * node + 1],
                word2: words[4 * node + 2], word3: words[4 * node + 3]))
        }
        let aliasEnds: [UInt32] = try reader.column()
        let aliasBytes = try reader.bytes()
        columns.aliases = try aliases(aliasEnds, aliasBytes, nodeCount: nodeCount)
        columns.incomingStart = try reader.column(count: nodeCount + 1)
        columns.incomingEnabledEnd = try reader.column(count: nodeCount)

        columns.channelScid = try reader.column(count: channelCount)
        columns.channelCapacitySat = try reader.column(count: channelCount)
        columns.channelNode1 = try reader.column(count: channelCount)
        columns.channelNode2 = try reader.column(count: channelCount)
        columns.channelEdge = try reader.column(count: channelCount * 2)

        columns.edgeSource = try reader.column(count: edgeCount)
        columns.edgeTarget = try reader.column(count: edgeCount)
        columns.edgeChannel = try reader.column(count: edgeCount)
        columns.edgeDirection = try reader.column(count: edgeCount)
        let disabled: [UInt8] = try reader.column(count: edgeCount)
        guard disabled.allSatisfy({ $0 <= 1 }) else { throw .invalid("a disabled flag is neither 0 nor 1") }
        columns.edgeDisabled = disabled.map { $0 == 1 }
        columns.edgeFeeBaseMsat = try reader.column(count: edgeCount)
        columns.edgeFeeProportional = try reader.column(count: edgeCount)
        columns.edgeCltvDelta = try reader.column(count: edgeCount)
        columns.edgeHtlcMinimumMsat = try reader.column(count: edgeCount)
        columns.edgeHtlcMaximumMsat = try reader.column(count: edgeCount)
        columns.edgeCapacityMsat = try reader.column(count: edgeCount)
        guard reader.isAtEnd else { throw .invalid("bytes after the last column") }

        try GraphSnapshotValidation.check(columns)
        return ChannelGraph(storage: GraphStorage(columns))
    }

    private static func aliases(_ ends: [UInt32], _ bytes: [UInt8], nodeCount: Int) throws(GraphSnapshotError) -> [String] {
        guard ends.isEmpty || ends.count == nodeCount else { throw .invalid("\(ends.count) aliases for \(nodeCount) nodes") }
        var aliases: [String] = []
        aliases.reserveCapacity(ends.count)
        var start = 0
        for end in ends {
            let end = Int(end)
            guard start <= end, end <= bytes.count else { throw .invalid("alias offsets out of order") }
            // The encoder writes a String's UTF-8, so anything else is damage; decoding it
            // leniently would turn it into other aliases than were written.
            guard let alias = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw .invalid("alias \(aliases.count) is not UTF-8")
            }
            aliases.append(alias)
            start = end
        }
        guard start == bytes.count else { throw .invalid("alias bytes left over") }
        return aliases
    }

    /// A 64-bit checksum of the image, a word at a time: it catches a damaged or truncated
    /// file (not an attacker, which the structural checks guard against).
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for index in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
        }
        for index in (words * 8)..<bytes.count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
        }
        return hash
    }

    /// Public so the snapshot fuzz target can reseal a mutated body and reach the checks behind it.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

public enum GraphSnapshotError: Error, Equatable, CustomStringConvertible {
    case notASnapshot
    case version(UInt32)
    case checksum
    case truncated
    case invalid(String)

    public var description: String {
        switch self {
        case .notASnapshot: "not a graph snapshot"
        case .version(let version): "snapshot version \(version), expected \(GraphSnapshotCodec.version)"
        case .checksum: "checksum mismatch"
        case .truncated: "truncated"
        case .invalid(let why): why
        }
    }
}

/// Appends integers and columns, little-endian.
struct SnapshotWriter {
    var output: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        GraphSnapshotCodec.appendLittleEndian(value, to: &output)
    }

    mutating func bytes(_ bytes: [UInt8]) {
        integer(UInt64(bytes.count))
        output.append(contentsOf: bytes)
    }

    /// The element count, then the elements (one bulk copy on a little-endian machine).
    mutating func column<T: FixedWidthInteger>(_ values: some Collection<T>) {
        integer(UInt64(values.count))
        #if _endian(little)
        if let done: Void = values.withContiguousStorageIfAvailable({ output.append(contentsOf: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        #endif
        for value in values { integer(value) }
    }
}

/// Reads what `SnapshotWriter` wrote; every read is checked against the bytes left.
struct SnapshotReader {
    private let input: UnsafeRawBufferPointer
    private var position: Int

    init(_ bytes: UnsafeRawBufferPointer, from position: Int) {
        self.input = bytes
        self.position = position
    }

    var isAtEnd: Bool { position == input.count }

    mutating func integer<T: FixedWidthInteger>() throws(GraphSnapshotError) -> T {
        let size = MemoryLayout<T>.size
        guard input.count - position >= size else { throw .truncated }
        defer { position += size }
        return T(littleEndian: input.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// A count that must fit an index of the arrays (Int32) and so every product below.
    mutating func count() throws(GraphSnapshotError) -> Int {
        let value: UInt64 = try integer()
        guard value <= UInt64(Int32.max) else { throw .invalid("count \(value) out of range") }
        return Int(value)
    }

    mutating func bytes() throws(GraphSnapshotError) -> [UInt8] {
        try column()
    }

    /// A column whose length must be `count`.
    mutating func column<T: FixedWidthInteger>(count: Int) throws(GraphSnapshotError) -> [T] {
        let values: [T] = try column()
        guard values.count == count else { throw .invalid("a column holds \(values.count) values, expected \(count)") }
        return values
    }

    /// A column of any length that fits in the bytes left.
    mutating func column<T: FixedWidthInteger>() throws(GraphSnapshotError) -> [T] {
        let length: UInt64 = try integer()
        let size = MemoryLayout<T>.size
        guard length <= UInt64((input.count - position) / size) else { throw .truncated }
        let count = Int(length)
        let start = position
        position += count * size
        #if _endian(little)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: input[start..<(start + count * size)]))
            initialized = count
        }
        #else
        return (0..<count).map { T(littleEndian: input.loadUnaligned(fromByteOffset: start + $0 * size, as: T.self)) }
        #endif
    }
}
