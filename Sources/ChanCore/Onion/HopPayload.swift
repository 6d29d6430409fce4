import ChanLedger

/// A hop's decrypted TLV `payload` (BOLT 4 "payload format"), in the role the packet gives
/// it: a hop whose next HMAC is all zero is the final one. The two roles are two types, so
/// a forwarding payload always names its outgoing channel and a final one never does.
public enum HopPayload: Hashable, Sendable {
    case forwarding(ForwardingHopPayload)
    case final(FinalHopPayload)

    /// Decodes and validates `bytes` for the role, as BOLT 4's reader requirements say;
    /// every error maps to `invalid_onion_payload`.
    public static func decode(_ bytes: [UInt8], isFinal: Bool) throws(HopPayloadError) -> HopPayload {
        isFinal ? .final(try FinalHopPayload(decoding: bytes)) : .forwarding(try ForwardingHopPayload(decoding: bytes))
    }

    /// The TLV stream, without the BigSize length the onion frame adds.
    public func encoded() throws(WireError) -> [UInt8] {
        switch self {
        case .forwarding(let payload): try payload.encoded()
        case .final(let payload): try payload.encoded()
        }
    }

    public var amountToForward: MilliSatoshi {
        switch self {
        case .forwarding(let payload): payload.amountToForward
        case .final(let payload): payload.amountToForward
        }
    }

    public var outgoingCLTVValue: UInt32 {
        switch self {
        case .forwarding(let payload): payload.outgoingCLTVValue
        case .final(let payload): payload.outgoingCLTVValue
        }
    }
}

/// The record types of the BOLT 4 `payload` TLV stream.
public enum HopPayloadTLV {
    public static let amountToForward: UInt64 = 2
    public static let outgoingCLTVValue: UInt64 = 4
    public static let shortChannelID: UInt64 = 6
    public static let paymentData: UInt64 = 8
    public static let encryptedRecipientData: UInt64 = 10
    public static let currentPathKey: UInt64 = 12
    public static let paymentMetadata: UInt64 = 16
    public static let totalAmount: UInt64 = 18
    /// Keysend's preimage. Even: a payee that does not do keysend must refuse the HTLC
    /// rather than ignore the record.
    public static let keysendPreimage: UInt64 = 5_482_373_484

    /// Route blinding's records; recognized so they fail with a clear reason.
    static let routeBlinding: Set<UInt64> = [encryptedRecipientData, currentPathKey, totalAmount]

    /// The even types the framing accepts; the role then decides which may appear.
    static let knownEven: Set<UInt64> = [
        amountToForward, outgoingCLTVValue, shortChannelID, paymentData,
        encryptedRecipientData, currentPathKey, paymentMetadata, totalAmount, keysendPreimage,
    ]
}
