import ChanCrypto

/// The persisted form of a `Channel`: everything it needs to resume after a restart, except
/// its keys (re-derived from the node seed by the channel's index) and what grows with the
/// channel's age (the revocation log and the history of its states), which go to append-only
/// logs beside the record (`ChannelEffect.persist`, `.phaseChanged`). So the record stays as
/// large as the channel's current state however long the channel lives.
///
/// Bytes: a 2-byte big-endian version, then the channel in `RecordCoding`'s layout. Version 1
/// is frozen: a change to what a channel holds either reads version-1 records as they are
/// (new optional fields) or comes with a version 2 and a migration.
public enum ChannelRecord {
    public static let version: UInt16 = 1

    public static func encode(_ channel: Channel) throws(RecordError) -> [UInt8] {
        withUnsafeBytes(of: version.bigEndian, Array.init) + (try RecordCoding.encode(channel))
    }

    /// The channel of `bytes`, with its keys derived from `nodeKeys`; refuses a record of another node.
    public static func decode(_ bytes: [UInt8], nodeKeys: NodeKeys) throws(RecordError) -> Channel {
        guard bytes.count >= 2 else { throw .malformed("\(bytes.count) bytes") }
        let recordVersion = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard recordVersion == version else { throw .unsupportedVersion(recordVersion) }
        let channel = try RecordCoding.decode(Channel.self, from: Array(bytes[2...]), userInfo: [.nodeKeys: nodeKeys])
        if let basepoints = channel.commitments?.parameters.localBasepoints, basepoints != channel.keys.basepoints {
            throw .mismatch("the channel's keys are not this node's (another seed?)")
        }
        return channel
    }
}

extension CodingUserInfoKey {
    /// The `NodeKeys` a `ChannelKeys` is re-derived from when a record is decoded.
    public static let nodeKeys = CodingUserInfoKey(rawValue: "chan.node-keys")!
}

/// Only the index is stored, never a secret: decoding re-derives the keys from the `NodeKeys`
/// that the decoder's `userInfo[.nodeKeys]` holds.
extension ChannelKeys: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let index = try container.decode(UInt64.self)
        guard let nodeKeys = decoder.userInfo[.nodeKeys] as? NodeKeys else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "channel keys need the node's keys to be derived")
        }
        self = nodeKeys.channelKeys(index: index)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(index)
    }
}
