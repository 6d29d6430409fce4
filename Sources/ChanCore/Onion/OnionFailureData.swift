import ChanLedger

/// The data layout of each failure code (BOLT 4 "Failure Messages").
extension OnionFailure {
    func writeData(to writer: inout WireWriter) throws(WireError) {
        switch self {
        case .invalidRealm, .temporaryNodeFailure, .permanentNodeFailure, .requiredNodeFeatureMissing,
             .permanentChannelFailure, .requiredChannelFeatureMissing, .unknownNextPeer, .expiryTooFar, .mppTimeout:
            break
        case .invalidOnionVersion(let hash), .invalidOnionHMAC(let hash), .invalidOnionKey(let hash),
             .invalidOnionBlinding(let hash):
            writer.write(hash)
        case .temporaryChannelFailure(let update), .expiryTooSoon(let update):
            try writer.writeU16Prefixed(update, field: "channel_update")
        case .amountBelowMinimum(let amount, let update), .feeInsufficient(let amount, let update):
            writer.writeMilliSatoshi(amount)
            try writer.writeU16Prefixed(update, field: "channel_update")
        case .incorrectCLTVExpiry(let expiry, let update):
            writer.writeU32(expiry)
            try writer.writeU16Prefixed(update, field: "channel_update")
        case .incorrectOrUnknownPaymentDetails(let amount, let height):
            writer.writeMilliSatoshi(amount)
            writer.writeU32(height)
        case .finalIncorrectCLTVExpiry(let expiry):
            writer.writeU32(expiry)
        case .finalIncorrectHTLCAmount(let amount):
            writer.writeMilliSatoshi(amount)
        case .channelDisabled(let flags, let update):
            writer.writeU16(flags)
            try writer.writeU16Prefixed(update, field: "channel_update")
        case .invalidOnionPayload(let type, let offset):
            writer.writeBigSize(type)
            writer.writeU16(offset)
        case .unknown(_, let data):
            writer.writeBytes(data)
        }
    }

    /// Reads the data of `code`; leaves any extension in `reader`.
    init(code: UInt16, readingDataFrom reader: inout WireReader) throws(WireError) {
        let badOnion = Self.badOnionFlag, perm = Self.permanentFlag, node = Self.nodeFlag, update = Self.updateFlag
        switch code {
        case perm | 1: self = .invalidRealm
        case node | 2: self = .temporaryNodeFailure
        case perm | node | 2: self = .permanentNodeFailure
        case perm | node | 3: self = .requiredNodeFeatureMissing
        case badOnion | perm | 4: self = .invalidOnionVersion(sha256OfOnion: try reader.read())
        case badOnion | perm | 5: self = .invalidOnionHMAC(sha256OfOnion: try reader.read())
        case badOnion | perm | 6: self = .invalidOnionKey(sha256OfOnion: try reader.read())
        case update | 7: self = .temporaryChannelFailure(channelUpdate: try reader.readU16Prefixed())
        case perm | 8: self = .permanentChannelFailure
        case perm | 9: self = .requiredChannelFeatureMissing
        case perm | 10: self = .unknownNextPeer
        case update | 11:
            self = .amountBelowMinimum(htlcAmount: try reader.readMilliSatoshi(), channelUpdate: try reader.readU16Prefixed())
        case update | 12:
            self = .feeInsufficient(htlcAmount: try reader.readMilliSatoshi(), channelUpdate: try reader.readU16Prefixed())
        case update | 13:
            self = .incorrectCLTVExpiry(cltvExpiry: try reader.readU32(), channelUpdate: try reader.readU16Prefixed())
        case update | 14: self = .expiryTooSoon(channelUpdate: try reader.readU16Prefixed())
        case perm | 15:
            // Older nodes sent no height, or no data at all (once `incorrect_payment_details`);
            // what is missing reads as zero, and stray bytes are left as ignored extra bytes.
            guard reader.remaining >= 8 else {
                self = .incorrectOrUnknownPaymentDetails(htlcAmount: .zero, height: 0)
                return
            }
            let amount = try reader.readMilliSatoshi()
            self = .incorrectOrUnknownPaymentDetails(htlcAmount: amount, height: reader.remaining >= 4 ? try reader.readU32() : 0)
        case 18: self = .finalIncorrectCLTVExpiry(cltvExpiry: try reader.readU32())
        case 19: self = .finalIncorrectHTLCAmount(incomingHTLCAmount: try reader.readMilliSatoshi())
        case update | 20:
            self = .channelDisabled(disabledFlags: try reader.readU16(), channelUpdate: try reader.readU16Prefixed())
        case 21: self = .expiryTooFar
        case perm | 22: self = .invalidOnionPayload(type: try reader.readBigSize(), offset: try reader.readU16())
        case 23: self = .mppTimeout
        case badOnion | perm | 24: self = .invalidOnionBlinding(sha256OfOnion: try reader.read())
        default: self = .unknown(code: code, data: try reader.readRemaining())
        }
    }
}
