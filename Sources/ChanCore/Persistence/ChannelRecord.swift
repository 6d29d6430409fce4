/// The persisted form of a `Channel`: everything it needs to resume after a restart, except
/// its keys (re-derived from the node seed by the channel's index) and what grows with the
/// channel's age (the revocation log and the history of its states), which go to append-only
/// logs beside the record (`ChannelEffect.persist`, `.phaseChanged`). So the record stays as
/// large as the channel's current state however long the channel lives.
///
/// Layout, version 2 (frozen: a change to what a channel holds comes with a new version, and
/// the reader keeps reading the older ones; version 1 lacked the opening's `announce_channel`,
/// read as false: channels were all private then):
///
///     record   = version (u16) || channel || checksum (u64)
///     checksum = XXH64(version || channel) (`RecordChecksum`)
///
/// The frame (version first, checksum last) is the same in every version, so damage is told
/// apart from a newer record. Between them, fields follow one another in the order each
/// type's codec writes them (`ChannelRecord+*.swift`), with no names or types in between:
/// - integers are fixed-width big-endian (u8, u16, u32, u64), amounts u64 (sat or msat);
/// - a bool is one byte, 0 or 1; an optional is 0, or 1 and the value;
/// - counts and lengths are BigSize (BOLT 1) and never exceed the bytes left;
/// - an array is a count and its elements; sets and dictionaries the same, keys ascending,
///   so one channel has one encoding;
/// - an enum case is a one-byte tag, frozen per type ("DO NOT reorder or reuse"), then its fields;
/// - a public key is `0` and its 65 bytes uncompressed (no square root to read back) the first
///   time the record holds it, and its position among the record's keys plus one (BigSize)
///   after that; signatures are 64 bytes compact, hashes, txids and ids 32 bytes, an outpoint
///   a txid and a u32;
/// - a change-log update is its BOLT 2 message (type included), length-prefixed: a frozen
///   format already;
/// - the channel's keys are not stored: only their index, which re-derives them from the
///   node's seed, and a check that the seed is the one they came from.
///
/// `channel` = keys index (u64), key check (8 bytes), peer id, we are opener, chain hash,
/// local config, destination, phase, temporary channel id, opening, commitments?, funding
/// transaction?, short channel id?, funding depth (u32), channel_ready sent, received,
/// connected, awaiting reestablish, current height (u32), shutdown, pending replay, on-chain
/// resolution?, awaiting the peer's commitment (`Channel.write(to:)`).
public enum ChannelRecord {
    public static let version: UInt16 = 2
    static let checksumLength = 8

    public static func encode(_ channel: Channel) throws(RecordError) -> [UInt8] {
        // Most of a record is the onions of the updates in its change logs.
        var writer = RecordWriter(reservingCapacity: 2048 + 1600 * updateCount(of: channel))
        writer.u16(version)
        channel.write(to: &writer)
        if let failure = writer.failure { throw failure }
        writer.u64(RecordChecksum.xxh64(writer.bytes[...]))
        return writer.bytes
    }

    /// The channel of `bytes`, with its keys derived from `nodeKeys`. Refuses a record of another
    /// node (`mismatch`): the keys derived from `nodeKeys` must pass the record's key check.
    public static func decode(_ bytes: [UInt8], nodeKeys: NodeKeys) throws(RecordError) -> Channel {
        guard bytes.count > 2 + checksumLength else { throw .malformed("\(bytes.count) bytes are too few for a record") }
        let sealed = bytes.count - checksumLength
        let checksum = bytes[sealed...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard RecordChecksum.xxh64(bytes[..<sealed]) == checksum else { throw .malformed("the checksum does not match the bytes") }
        let recordVersion = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard (1...version).contains(recordVersion) else { throw .unsupportedVersion(recordVersion) }
        var reader = try RecordReader(bytes, from: 2, to: sealed, version: recordVersion)
        let channel = try Channel(from: &reader, nodeKeys: nodeKeys)
        guard reader.isAtEnd else { throw reader.malformed("\(reader.remaining) bytes after the channel") }
        return channel
    }

    /// Updates in the change logs and the replay queue: each may carry a 1366-byte onion.
    private static func updateCount(of channel: Channel) -> Int {
        guard let commitments = channel.commitments else { return channel.pendingReplay.count }
        let local = commitments.localChanges, remote = commitments.remoteChanges
        return channel.pendingReplay.count + local.proposed.count + local.signed.count + local.acked.count
            + remote.proposed.count + remote.signed.count + remote.acked.count
    }
}
