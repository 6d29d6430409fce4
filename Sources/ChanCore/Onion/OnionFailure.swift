import ChanLedger

/// A BOLT 4 failure: what went wrong at the hop that failed an HTLC, with the data its
/// code defines. `channelUpdate` fields hold a `channel_update` as sent (possibly empty:
/// nodes are moving away from including one); they must never be gossiped on.
public enum OnionFailure: Hashable, Sendable {
    case invalidRealm
    case temporaryNodeFailure
    case permanentNodeFailure
    case requiredNodeFeatureMissing
    case invalidOnionVersion(sha256OfOnion: Hash32)
    case invalidOnionHMAC(sha256OfOnion: Hash32)
    case invalidOnionKey(sha256OfOnion: Hash32)
    case temporaryChannelFailure(channelUpdate: [UInt8])
    case permanentChannelFailure
    case requiredChannelFeatureMissing
    case unknownNextPeer
    case amountBelowMinimum(htlcAmount: MilliSatoshi, channelUpdate: [UInt8])
    case feeInsufficient(htlcAmount: MilliSatoshi, channelUpdate: [UInt8])
    case incorrectCLTVExpiry(cltvExpiry: UInt32, channelUpdate: [UInt8])
    case expiryTooSoon(channelUpdate: [UInt8])
    /// `height` is the final node's block height when it saw the HTLC.
    case incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi, height: UInt32)
    case finalIncorrectCLTVExpiry(cltvExpiry: UInt32)
    case finalIncorrectHTLCAmount(incomingHTLCAmount: MilliSatoshi)
    /// No `disabledFlags` are defined yet; they are sent as zero.
    case channelDisabled(disabledFlags: UInt16, channelUpdate: [UInt8])
    case expiryTooFar
    /// The payload record at fault and its byte offset, or 0 and 0 when there is none.
    case invalidOnionPayload(type: UInt64, offset: UInt16)
    case mppTimeout
    case invalidOnionBlinding(sha256OfOnion: Hash32)
    /// A code this node does not know, with the bytes after it.
    case unknown(code: UInt16, data: [UInt8])

    /// The flag bits of the code's top byte.
    public static let badOnionFlag: UInt16 = 0x8000
    public static let permanentFlag: UInt16 = 0x4000
    public static let nodeFlag: UInt16 = 0x2000
    public static let updateFlag: UInt16 = 0x1000

    public var code: UInt16 {
        let badOnion = Self.badOnionFlag, perm = Self.permanentFlag, node = Self.nodeFlag, update = Self.updateFlag
        return switch self {
        case .invalidRealm: perm | 1
        case .temporaryNodeFailure: node | 2
        case .permanentNodeFailure: perm | node | 2
        case .requiredNodeFeatureMissing: perm | node | 3
        case .invalidOnionVersion: badOnion | perm | 4
        case .invalidOnionHMAC: badOnion | perm | 5
        case .invalidOnionKey: badOnion | perm | 6
        case .temporaryChannelFailure: update | 7
        case .permanentChannelFailure: perm | 8
        case .requiredChannelFeatureMissing: perm | 9
        case .unknownNextPeer: perm | 10
        case .amountBelowMinimum: update | 11
        case .feeInsufficient: update | 12
        case .incorrectCLTVExpiry: update | 13
        case .expiryTooSoon: update | 14
        case .incorrectOrUnknownPaymentDetails: perm | 15
        case .finalIncorrectCLTVExpiry: 18
        case .finalIncorrectHTLCAmount: 19
        case .channelDisabled: update | 20
        case .expiryTooFar: 21
        case .invalidOnionPayload: perm | 22
        case .mppTimeout: 23
        case .invalidOnionBlinding: badOnion | perm | 24
        case .unknown(let code, _): code
        }
    }

    /// The spec's name, for logs and JSON.
    public var name: String {
        switch self {
        case .invalidRealm: "invalid_realm"
        case .temporaryNodeFailure: "temporary_node_failure"
        case .permanentNodeFailure: "permanent_node_failure"
        case .requiredNodeFeatureMissing: "required_node_feature_missing"
        case .invalidOnionVersion: "invalid_onion_version"
        case .invalidOnionHMAC: "invalid_onion_hmac"
        case .invalidOnionKey: "invalid_onion_key"
        case .temporaryChannelFailure: "temporary_channel_failure"
        case .permanentChannelFailure: "permanent_channel_failure"
        case .requiredChannelFeatureMissing: "required_channel_feature_missing"
        case .unknownNextPeer: "unknown_next_peer"
        case .amountBelowMinimum: "amount_below_minimum"
        case .feeInsufficient: "fee_insufficient"
        case .incorrectCLTVExpiry: "incorrect_cltv_expiry"
        case .expiryTooSoon: "expiry_too_soon"
        case .incorrectOrUnknownPaymentDetails: "incorrect_or_unknown_payment_details"
        case .finalIncorrectCLTVExpiry: "final_incorrect_cltv_expiry"
        case .finalIncorrectHTLCAmount: "final_incorrect_htlc_amount"
        case .channelDisabled: "channel_disabled"
        case .expiryTooFar: "expiry_too_far"
        case .invalidOnionPayload: "invalid_onion_payload"
        case .mppTimeout: "mpp_timeout"
        case .invalidOnionBlinding: "invalid_onion_blinding"
        case .unknown: "unknown"
        }
    }

    /// BADONION: the hop could not parse the onion its peer sent.
    public var isBadOnion: Bool { code & Self.badOnionFlag != 0 }
    /// PERM: retrying the same thing will fail again.
    public var isPermanent: Bool { code & Self.permanentFlag != 0 }
    /// NODE: the whole node failed, not one channel.
    public var isNodeFailure: Bool { code & Self.nodeFlag != 0 }
    /// UPDATE: a channel forwarding parameter was violated.
    public var isUpdate: Bool { code & Self.updateFlag != 0 }

    /// The `channel_update` the failure carries, if its code defines one.
    public var channelUpdate: [UInt8]? {
        switch self {
        case .temporaryChannelFailure(let update), .amountBelowMinimum(_, let update),
             .feeInsufficient(_, let update), .incorrectCLTVExpiry(_, let update),
             .expiryTooSoon(let update), .channelDisabled(_, let update):
            update
        case .invalidRealm, .temporaryNodeFailure, .permanentNodeFailure, .requiredNodeFeatureMissing,
             .invalidOnionVersion, .invalidOnionHMAC, .invalidOnionKey, .permanentChannelFailure,
             .requiredChannelFeatureMissing, .unknownNextPeer, .incorrectOrUnknownPaymentDetails,
             .finalIncorrectCLTVExpiry, .finalIncorrectHTLCAmount, .expiryTooFar, .invalidOnionPayload,
             .mppTimeout, .invalidOnionBlinding, .unknown:
            nil
        }
    }

    /// The failure an `update_fail_malformed_htlc` stands for, which the node that receives
    /// it wraps for the sender: the malformed message carries only the code and the hash.
    public init(malformedCode code: UInt16, sha256OfOnion: Hash32) {
        let badOnionPerm = Self.badOnionFlag | Self.permanentFlag
        switch code {
        case badOnionPerm | 4: self = .invalidOnionVersion(sha256OfOnion: sha256OfOnion)
        case badOnionPerm | 5: self = .invalidOnionHMAC(sha256OfOnion: sha256OfOnion)
        case badOnionPerm | 6: self = .invalidOnionKey(sha256OfOnion: sha256OfOnion)
        case badOnionPerm | 24: self = .invalidOnionBlinding(sha256OfOnion: sha256OfOnion)
        default: self = .unknown(code: code, data: sha256OfOnion.bytes)
        }
    }
}
