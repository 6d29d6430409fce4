import ChanLedger

extension ChannelUpdateMessage {
    /// The `channel_update` field of a BOLT 4 failure, decoded. Nodes write it with the
    /// message's 2-byte type (258) in front, as lnd and Core Lightning do, or without it; both
    /// are read (a signature starting with those two bytes is taken for the type, as lnd does).
    /// The signature is not checked here: `NetworkGraph.apply` checks it against the channel.
    public init(failureField bytes: [UInt8]) throws(WireError) {
        let type = WireMessageType.channelUpdate.rawValue
        let body = bytes.count >= 2 && UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == type ? Array(bytes.dropFirst(2)) : bytes
        var reader = WireReader(body)
        try self.init(reading: &reader)
    }
}
