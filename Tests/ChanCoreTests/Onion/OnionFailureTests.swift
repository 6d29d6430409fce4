import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// BOLT 4 failure messages: codes, data layouts, and decoding what any node may send.
@Suite struct OnionFailureTests {
    static let hash = try! Hash32([UInt8](repeating: 0x2a, count: 32))
    static let update: [UInt8] = [0x01, 0x02, 0x03]

    /// Every failure with the code BOLT 4 gives it and the hex of its encoding.
    static let cases: [(OnionFailure, UInt16, String)] = [
        (.invalidRealm, 0x4001, "4001"),
        (.temporaryNodeFailure, 0x2002, "2002"),
        (.permanentNodeFailure, 0x6002, "6002"),
        (.requiredNodeFeatureMissing, 0x6003, "6003"),
        (.invalidOnionVersion(sha256OfOnion: hash), 0xc004, "c004" + hash.hex),
        (.invalidOnionHMAC(sha256OfOnion: hash), 0xc005, "c005" + hash.hex),
        (.invalidOnionKey(sha256OfOnion: hash), 0xc006, "c006" + hash.hex),
        (.temporaryChannelFailure(channelUpdate: update), 0x1007, "10070003010203"),
        (.permanentChannelFailure, 0x4008, "4008"),
        (.requiredChannelFeatureMissing, 0x4009, "4009"),
        (.unknownNextPeer, 0x400a, "400a"),
        (.amountBelowMinimum(htlcAmount: MilliSatoshi(1000), channelUpdate: update), 0x100b, "100b00000000000003e80003010203"),
        (.feeInsufficient(htlcAmount: MilliSatoshi(1001), channelUpdate: []), 0x100c, "100c00000000000003e90000"),
        (.incorrectCLTVExpiry(cltvExpiry: 800_000, channelUpdate: update), 0x100d, "100d000c35000003010203"),
        (.expiryTooSoon(channelUpdate: []), 0x100e, "100e0000"),
        (.incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(100), height: 800_000), 0x400f, "400f0000000000000064000c3500"),
        (.finalIncorrectCLTVExpiry(cltvExpiry: 144), 0x0012, "001200000090"),
        (.finalIncorrectHTLCAmount(incomingHTLCAmount: MilliSatoshi(5)), 0x0013, "00130000000000000005"),
        (.channelDisabled(disabledFlags: 0, channelUpdate: update), 0x1014, "101400000003010203"),
        (.expiryTooFar, 0x0015, "0015"),
        (.invalidOnionPayload(type: 6, offset: 7), 0x4016, "4016060007"),
        (.invalidOnionPayload(type: 5_482_373_484, offset: 0), 0x4016, "4016ff0000000146c6616c0000"),
        (.mppTimeout, 0x0017, "0017"),
        (.invalidOnionBlinding(sha256OfOnion: hash), 0xc018, "c018" + hash.hex),
        (.unknown(code: 0x1234, data: [9, 9]), 0x1234, "12340909"),
    ]

    @Test func codesAndEncodings() throws {
        for (failure, code, hex) in Self.cases {
            #expect(failure.code == code, "\(failure.name)")
            let message = OnionFailureMessage(failure)
            #expect(Hex.encode(try message.encoded()) == hex, "\(failure.name)")
            #expect(try OnionFailureMessage(decoding: hexBytes(hex)) == message, "\(failure.name)")
        }
        #expect(Set(Self.cases.map(\.0.name)).count == Self.cases.count - 1)  // two invalid_onion_payload
    }

    @Test func flags() {
        #expect(OnionFailure.invalidOnionHMAC(sha256OfOnion: Self.hash).isBadOnion)
        #expect(OnionFailure.invalidOnionHMAC(sha256OfOnion: Self.hash).isPermanent)
        #expect(!OnionFailure.temporaryNodeFailure.isPermanent)
        #expect(OnionFailure.temporaryNodeFailure.isNodeFailure)
        #expect(OnionFailure.permanentNodeFailure.isNodeFailure && OnionFailure.permanentNodeFailure.isPermanent)
        #expect(OnionFailure.expiryTooSoon(channelUpdate: []).isUpdate)
        #expect(!OnionFailure.mppTimeout.isUpdate && !OnionFailure.mppTimeout.isBadOnion)
        for (failure, _, _) in Self.cases {
            // Exactly the UPDATE codes carry a channel_update.
            #expect((failure.channelUpdate != nil) == (failure.isUpdate && failure.name != "unknown"), "\(failure.name)")
        }
        #expect(OnionFailure.amountBelowMinimum(htlcAmount: .zero, channelUpdate: Self.update).channelUpdate == Self.update)
    }

    @Test func extensionStreamAfterTheData() throws {
        let tlvs = try TLVStream(records: [TLVRecord(type: 34001, value: [UInt8](repeating: 0x80, count: 300))])
        let message = OnionFailureMessage(.incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(100), height: 800_000), tlvs: tlvs)
        #expect(try message.encoded() == Bolt04Vectors.shared.returningErrors.failureMessage)
        #expect(try OnionFailureMessage(decoding: Bolt04Vectors.shared.returningErrors.failureMessage) == message)
    }

    @Test func extraBytesAreIgnored() throws {
        // Not a TLV stream (an even type, then a length past the end): the failure still reads.
        for extra in ["0201ff", "0105ff", "fd"] {
            let decoded = try OnionFailureMessage(decoding: hexBytes("2002" + extra))
            #expect(decoded == OnionFailureMessage(.temporaryNodeFailure), "\(extra)")
        }
    }

    @Test func olderIncorrectPaymentDetails() throws {
        // Without height, and without any data (the former incorrect_payment_details).
        #expect(try OnionFailureMessage(decoding: hexBytes("400f0000000000000064")).failure
            == .incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(100), height: 0))
        #expect(try OnionFailureMessage(decoding: hexBytes("400f")).failure
            == .incorrectOrUnknownPaymentDetails(htlcAmount: .zero, height: 0))
    }

    @Test func truncatedDataThrows() {
        for bad in ["", "20", "c004" + String(repeating: "00", count: 31), "1007", "100700050102", "100b0000", "0012", "4016fd0001"] {
            #expect(throws: WireError.self, "\(bad)") { try OnionFailureMessage(decoding: hexBytes(bad)) }
        }
    }

    @Test func oversizedChannelUpdateIsRefused() {
        let message = OnionFailureMessage(.temporaryChannelFailure(channelUpdate: [UInt8](repeating: 0, count: 65536)))
        #expect(throws: WireError.self) { try message.encoded() }
    }
}
