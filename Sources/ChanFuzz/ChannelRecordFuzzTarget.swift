import ChanCore
import ChanCrypto

/// A channel record read back from the node's database after a crash or disk damage: it must
/// throw, never trap. First byte: even, the rest is the whole record; odd, the rest is sealed
/// with the right checksum so damaged bodies reach the reader. Keys are the simulator's
/// alice (pair seed 1), whose records make the corpus.
enum ChannelRecordFuzzTarget {
    static let nodeKeys: NodeKeys = {
        var message = Array("chan sim alice node".utf8)
        withUnsafeBytes(of: UInt64(1).bigEndian) { message += $0 }
        return try! NodeKeys(seed: SHA256.hash(message))
    }()

    /// A decoded channel writes a record that reads back as a channel writing the same record.
    static let record = FuzzTarget("channel_record", "ChannelRecord.decode of a damaged record") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        var bytes: [UInt8]
        if script.u8() & 1 == 0 {
            bytes = script.rest()
        } else {
            bytes = script.rest()
            let checksum = RecordChecksum.xxh64(bytes[...])
            withUnsafeBytes(of: checksum.bigEndian) { bytes += $0 }
        }
        guard let channel = try? ChannelRecord.decode(bytes, nodeKeys: nodeKeys) else { return }
        let written: [UInt8]
        do { written = try ChannelRecord.encode(channel) } catch { throw FuzzFailure(message: "a decoded channel does not encode: \(error)") }
        guard let again = try? ChannelRecord.decode(written, nodeKeys: nodeKeys) else {
            throw FuzzFailure(message: "a re-encoded record does not decode")
        }
        try require((try? ChannelRecord.encode(again)) == written, "a re-encoded record reads back as another channel")
    }
}
