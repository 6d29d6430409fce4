/// The 2-byte type of every message this codec understands (BOLT 1, 2 and 7).
public enum WireMessageType: UInt16, CaseIterable, Sendable {
    case warning = 1
    case initMessage = 16
    case error = 17
    case ping = 18
    case pong = 19
    case openChannel = 32
    case acceptChannel = 33
    case fundingCreated = 34
    case fundingSigned = 35
    case channelReady = 36
    case shutdown = 38
    case closingSigned = 39
    case updateAddHTLC = 128
    case updateFulfillHTLC = 130
    case updateFailHTLC = 131
    case commitmentSigned = 132
    case revokeAndAck = 133
    case updateFee = 134
    case updateFailMalformedHTLC = 135
    case channelReestablish = 136
    case channelAnnouncement = 256
    case nodeAnnouncement = 257
    case channelUpdate = 258
    case announcementSignatures = 259
    case gossipTimestampFilter = 265

    /// The spec's name, for logs.
    public var name: String {
        switch self {
        case .warning: "warning"
        case .initMessage: "init"
        case .error: "error"
        case .ping: "ping"
        case .pong: "pong"
        case .openChannel: "open_channel"
        case .acceptChannel: "accept_channel"
        case .fundingCreated: "funding_created"
        case .fundingSigned: "funding_signed"
        case .channelReady: "channel_ready"
        case .shutdown: "shutdown"
        case .closingSigned: "closing_signed"
        case .updateAddHTLC: "update_add_htlc"
        case .updateFulfillHTLC: "update_fulfill_htlc"
        case .updateFailHTLC: "update_fail_htlc"
        case .commitmentSigned: "commitment_signed"
        case .revokeAndAck: "revoke_and_ack"
        case .updateFee: "update_fee"
        case .updateFailMalformedHTLC: "update_fail_malformed_htlc"
        case .channelReestablish: "channel_reestablish"
        case .channelAnnouncement: "channel_announcement"
        case .nodeAnnouncement: "node_announcement"
        case .channelUpdate: "channel_update"
        case .announcementSignatures: "announcement_signatures"
        case .gossipTimestampFilter: "gossip_timestamp_filter"
        }
    }
}
