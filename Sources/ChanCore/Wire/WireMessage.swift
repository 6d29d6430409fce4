/// A BOLT 1 message: a 2-byte type, the fields of that type, then an optional TLV extension.
///
/// `decode` is the single entry point for bytes from a peer (after BOLT 8 decryption).
/// Unknown odd types become `.unknown`, which the caller ignores; unknown even types throw
/// `WireError.unknownEvenMessageType`, after which the connection must be closed.
public enum WireMessage: Hashable, Sendable {
    case warning(WarningMessage)
    case initMessage(InitMessage)
    case error(ErrorMessage)
    case ping(Ping)
    case pong(Pong)
    case openChannel(OpenChannel)
    case acceptChannel(AcceptChannel)
    case fundingCreated(FundingCreated)
    case fundingSigned(FundingSigned)
    case channelReady(ChannelReady)
    case shutdown(Shutdown)
    case closingSigned(ClosingSigned)
    case updateAddHTLC(UpdateAddHTLC)
    case updateFulfillHTLC(UpdateFulfillHTLC)
    case updateFailHTLC(UpdateFailHTLC)
    case commitmentSigned(CommitmentSigned)
    case revokeAndAck(RevokeAndAck)
    case updateFee(UpdateFee)
    case updateFailMalformedHTLC(UpdateFailMalformedHTLC)
    case channelReestablish(ChannelReestablish)
    case channelAnnouncement(ChannelAnnouncement)
    case nodeAnnouncement(NodeAnnouncement)
    case channelUpdate(ChannelUpdateMessage)
    case announcementSignatures(AnnouncementSignatures)
    case gossipTimestampFilter(GossipTimestampFilter)
    /// A type this codec does not know. Decoding yields it only for odd types; the payload
    /// is everything after the type, kept so the message can be relayed or logged.
    case unknown(type: UInt16, payload: [UInt8])

    /// The transport (BOLT 8) carries at most 65535 bytes per message, type included.
    public static let maxLength = Int(UInt16.max)

    public static func decode(_ bytes: [UInt8]) throws(WireError) -> WireMessage {
        var reader = try reader(over: bytes)
        let rawType = try reader.readU16()
        guard let type = WireMessageType(rawValue: rawType) else {
            guard rawType & 1 == 1 else { throw .unknownEvenMessageType(rawType) }
            return .unknown(type: rawType, payload: try reader.readRemaining())
        }
        switch type {
        case .warning: return .warning(try WarningMessage(reading: &reader))
        case .initMessage: return .initMessage(try InitMessage(reading: &reader))
        case .error: return .error(try ErrorMessage(reading: &reader))
        case .ping: return .ping(try Ping(reading: &reader))
        case .pong: return .pong(try Pong(reading: &reader))
        case .openChannel: return .openChannel(try OpenChannel(reading: &reader))
        case .acceptChannel: return .acceptChannel(try AcceptChannel(reading: &reader))
        case .fundingCreated: return .fundingCreated(try FundingCreated(reading: &reader))
        case .fundingSigned: return .fundingSigned(try FundingSigned(reading: &reader))
        case .channelReady: return .channelReady(try ChannelReady(reading: &reader))
        case .shutdown: return .shutdown(try Shutdown(reading: &reader))
        case .closingSigned: return .closingSigned(try ClosingSigned(reading: &reader))
        case .updateAddHTLC: return .updateAddHTLC(try UpdateAddHTLC(reading: &reader))
        case .updateFulfillHTLC: return .updateFulfillHTLC(try UpdateFulfillHTLC(reading: &reader))
        case .updateFailHTLC: return .updateFailHTLC(try UpdateFailHTLC(reading: &reader))
        case .commitmentSigned: return .commitmentSigned(try CommitmentSigned(reading: &reader))
        case .revokeAndAck: return .revokeAndAck(try RevokeAndAck(reading: &reader))
        case .updateFee: return .updateFee(try UpdateFee(reading: &reader))
        case .updateFailMalformedHTLC: return .updateFailMalformedHTLC(try UpdateFailMalformedHTLC(reading: &reader))
        case .channelReestablish: return .channelReestablish(try ChannelReestablish(reading: &reader))
        case .channelAnnouncement: return .channelAnnouncement(try ChannelAnnouncement(reading: &reader))
        case .nodeAnnouncement: return .nodeAnnouncement(try NodeAnnouncement(reading: &reader))
        case .channelUpdate: return .channelUpdate(try ChannelUpdateMessage(reading: &reader))
        case .announcementSignatures: return .announcementSignatures(try AnnouncementSignatures(reading: &reader))
        case .gossipTimestampFilter: return .gossipTimestampFilter(try GossipTimestampFilter(reading: &reader))
        }
    }

    /// The message as bytes for the transport. Throws if it would exceed `maxLength`, if a
    /// TLV extension has two records of one type, or if `.unknown` carries a known type.
    public func encode() throws(WireError) -> [UInt8] {
        switch self {
        case .warning(let body): return try body.encode()
        case .initMessage(let body): return try body.encode()
        case .error(let body): return try body.encode()
        case .ping(let body): return try body.encode()
        case .pong(let body): return try body.encode()
        case .openChannel(let body): return try body.encode()
        case .acceptChannel(let body): return try body.encode()
        case .fundingCreated(let body): return try body.encode()
        case .fundingSigned(let body): return try body.encode()
        case .channelReady(let body): return try body.encode()
        case .shutdown(let body): return try body.encode()
        case .closingSigned(let body): return try body.encode()
        case .updateAddHTLC(let body): return try body.encode()
        case .updateFulfillHTLC(let body): return try body.encode()
        case .updateFailHTLC(let body): return try body.encode()
        case .commitmentSigned(let body): return try body.encode()
        case .revokeAndAck(let body): return try body.encode()
        case .updateFee(let body): return try body.encode()
        case .updateFailMalformedHTLC(let body): return try body.encode()
        case .channelReestablish(let body): return try body.encode()
        case .channelAnnouncement(let body): return try body.encode()
        case .nodeAnnouncement(let body): return try body.encode()
        case .channelUpdate(let body): return try body.encode()
        case .announcementSignatures(let body): return try body.encode()
        case .gossipTimestampFilter(let body): return try body.encode()
        case .unknown(let type, let payload):
            // A known type here would decode as a different case on the other side.
            guard WireMessageType(rawValue: type) == nil else {
                throw .invalidValue(field: "type", reason: "\(type) is a known message type; use its own case")
            }
            var writer = WireWriter(reservingCapacity: 2 + payload.count)
            writer.writeU16(type)
            writer.writeBytes(payload)
            return try Self.checkedSize(writer.bytes)
        }
    }

    /// The 2-byte type on the wire.
    public var messageType: UInt16 {
        switch self {
        case .warning: WireMessageType.warning.rawValue
        case .initMessage: WireMessageType.initMessage.rawValue
        case .error: WireMessageType.error.rawValue
        case .ping: WireMessageType.ping.rawValue
        case .pong: WireMessageType.pong.rawValue
        case .openChannel: WireMessageType.openChannel.rawValue
        case .acceptChannel: WireMessageType.acceptChannel.rawValue
        case .fundingCreated: WireMessageType.fundingCreated.rawValue
        case .fundingSigned: WireMessageType.fundingSigned.rawValue
        case .channelReady: WireMessageType.channelReady.rawValue
        case .shutdown: WireMessageType.shutdown.rawValue
        case .closingSigned: WireMessageType.closingSigned.rawValue
        case .updateAddHTLC: WireMessageType.updateAddHTLC.rawValue
        case .updateFulfillHTLC: WireMessageType.updateFulfillHTLC.rawValue
        case .updateFailHTLC: WireMessageType.updateFailHTLC.rawValue
        case .commitmentSigned: WireMessageType.commitmentSigned.rawValue
        case .revokeAndAck: WireMessageType.revokeAndAck.rawValue
        case .updateFee: WireMessageType.updateFee.rawValue
        case .updateFailMalformedHTLC: WireMessageType.updateFailMalformedHTLC.rawValue
        case .channelReestablish: WireMessageType.channelReestablish.rawValue
        case .channelAnnouncement: WireMessageType.channelAnnouncement.rawValue
        case .nodeAnnouncement: WireMessageType.nodeAnnouncement.rawValue
        case .channelUpdate: WireMessageType.channelUpdate.rawValue
        case .announcementSignatures: WireMessageType.announcementSignatures.rawValue
        case .gossipTimestampFilter: WireMessageType.gossipTimestampFilter.rawValue
        case .unknown(let type, _): type
        }
    }

    /// The spec's name of the type, for logs (`unknown_<type>` for types this codec lacks).
    public var name: String {
        WireMessageType(rawValue: messageType)?.name ?? "unknown_\(messageType)"
    }

    /// A reader over a whole message, refusing one longer than the transport allows.
    static func reader(over bytes: [UInt8]) throws(WireError) -> WireReader {
        guard bytes.count <= maxLength else { throw .tooLong(length: bytes.count, limit: maxLength) }
        return WireReader(bytes)
    }

    static func checkedSize(_ bytes: [UInt8]) throws(WireError) -> [UInt8] {
        guard bytes.count <= maxLength else { throw .tooLong(length: bytes.count, limit: maxLength) }
        return bytes
    }
}
