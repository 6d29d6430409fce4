import ChanCore
import ChanGzip

/// Graph files from outside: both JSON importers, the gzip reader in front of them, and the
/// binary snapshot cache read back from disk.
enum GraphFuzzTargets {
    /// An imported graph survives the snapshot codec: decoding its image gives a graph whose
    /// image is the same bytes.
    static func importGraph(_ input: [UInt8]) throws(FuzzFailure) {
        guard let graph = try? GraphImporter.parse(input) else { return }
        let image = GraphSnapshotCodec.encode(graph)
        guard let decoded = try? GraphSnapshotCodec.decode(image) else {
            throw FuzzFailure(message: "an imported graph's snapshot does not decode")
        }
        try require(GraphSnapshotCodec.encode(decoded) == image, "an imported graph's snapshot reads back as another graph")
    }

    // The importer tells the formats apart by their keys, so both targets call it; they
    // differ by their corpus (and so by what the fuzzer mutates).
    static let clnListChannels = FuzzTarget("graph_cln", "GraphImporter.parse, Core Lightning listchannels seeds") { input throws(FuzzFailure) in
        try importGraph(input)
    }

    static let lndDescribeGraph = FuzzTarget("graph_lnd", "GraphImporter.parse, LND describegraph seeds") { input throws(FuzzFailure) in
        try importGraph(input)
    }

    /// A small cap keeps each run fast; what the cap allows must be all that comes out.
    static let gzipLimit = 1 << 20

    static let gzip = FuzzTarget("gzip", "Gunzip.decompress with a 1 MiB output cap") { input throws(FuzzFailure) in
        if case .success(let output) = Gunzip.decompress(input, limit: gzipLimit) {
            try require(output.count <= gzipLimit, "gzip produced \(output.count) bytes over a cap of \(gzipLimit)")
        }
    }

    static let snapshotMagic = Array("CHANGRPH".utf8)

    /// First byte: even, the rest is the whole image; odd, the rest is the body after the
    /// header, sealed with the right checksum so mutations reach the structural checks. A
    /// decoded image is canonical: encoding its graph gives the image back.
    static let snapshot = FuzzTarget("graph_snapshot", "GraphSnapshotCodec.decode") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        let image: [UInt8]
        if script.u8() & 1 == 0 {
            image = script.rest()
        } else {
            let body = script.rest()
            var header = snapshotMagic
            withUnsafeBytes(of: GraphSnapshotCodec.version.littleEndian) { header += $0 }
            withUnsafeBytes(of: GraphSnapshotCodec.checksum(body[...]).littleEndian) { header += $0 }
            image = header + body
        }
        guard let graph = try? GraphSnapshotCodec.decode(image) else { return }
        try require(GraphSnapshotCodec.encode(graph) == image, "a snapshot decodes to a graph with another image")
    }
}
