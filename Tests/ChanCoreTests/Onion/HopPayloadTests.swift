import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// BOLT 4 `payload` TLVs: encoding, decoding, and the reader's validation by role.
@Suite struct HopPayloadTests {
    let secret = try! Bytes32([UInt8](repeating: 0x11, count: 32))

    func decodeError(_ bytes: [UInt8], isFinal: Bool) -> HopPayloadError? {
        do {
            _ = try HopPayload.decode(bytes, isFinal: isFinal)
            return nil
        } catch {
            return error
        }
    }

    @Test func vectorPayloadsRoundTrip() throws {
        let payloads = Bolt04Vectors.shared.onionTest.payloads
        for (index, bytes) in payloads.enumerated() {
            let decoded = try HopPayload.decode(bytes, isFinal: index == payloads.count - 1)
            #expect(try decoded.encoded() == bytes, "hop \(index)")
        }
    }

    @Test func forwardingPayloadEncoding() throws {
        let payload = ForwardingHopPayload(
            amountToForward: MilliSatoshi(15000), outgoingCLTVValue: 1500, shortChannelID: ShortChannelID(rawValue: 1))
        #expect(Hex.encode(try payload.encoded()) == "02023a98040205dc06080000000000000001")
        #expect(try ForwardingHopPayload(decoding: payload.encoded()) == payload)
        #expect(HopPayload.forwarding(payload).amountToForward == MilliSatoshi(15000))
        #expect(HopPayload.forwarding(payload).outgoingCLTVValue == 1500)
    }

    @Test func truncatedIntegersAreMinimal() throws {
        let zero = FinalHopPayload(amountToForward: .zero, outgoingCLTVValue: 0)
        // Zero takes no bytes at all.
        #expect(Hex.encode(try zero.encoded()) == "02000400")
        #expect(try FinalHopPayload(decoding: hexBytes("02000400")) == zero)
        let big = FinalHopPayload(amountToForward: MilliSatoshi(UInt64.max), outgoingCLTVValue: UInt32.max)
        #expect(Hex.encode(try big.encoded()) == "0208ffffffffffffffff0404ffffffff")
        #expect(try FinalHopPayload(decoding: big.encoded()) == big)
        // A leading zero byte is a second encoding of the same value: refused.
        #expect(decodeError(hexBytes("0203003a98040205dc"), isFinal: true)
            == .invalidRecord(type: 2, offset: 0, .nonMinimal(field: "tu64")))
        #expect(decodeError(hexBytes("0209010000000000000000040205dc"), isFinal: true)?.failure
            == .invalidOnionPayload(type: 2, offset: 0))
    }

    @Test func singleHopPaymentPayload() throws {
        // What the daemon sends to a direct peer paying an invoice: amount, final expiry,
        // the invoice's payment secret and total, and its metadata.
        let payload = FinalHopPayload(
            amountToForward: MilliSatoshi(250_000), outgoingCLTVValue: 800_018,
            paymentData: PaymentData(paymentSecret: secret, totalAmount: MilliSatoshi(250_000)),
            paymentMetadata: [0xde, 0xad])
        let bytes = try payload.encoded()
        #expect(Hex.encode(bytes) == "020303d09004030c3512" + "0823" + secret.hex + "03d090" + "1002dead")
        let decoded = try FinalHopPayload(decoding: bytes)
        #expect(decoded == payload)
        #expect(decoded.totalAmount == MilliSatoshi(250_000))
        #expect(FinalHopPayload(amountToForward: MilliSatoshi(7), outgoingCLTVValue: 1).totalAmount == MilliSatoshi(7))
    }

    @Test func keysendPreimage() throws {
        let preimage = try Preimage(bytes: [UInt8](repeating: 0x77, count: 32))
        let payload = FinalHopPayload(amountToForward: MilliSatoshi(1000), outgoingCLTVValue: 100, keysendPreimage: preimage)
        let bytes = try payload.encoded()
        // Type 5482373484 needs more than 32 bits: 0xff + u64.
        #expect(Hex.encode(bytes).hasSuffix("ff0000000146c6616c20" + String(repeating: "77", count: 32)))
        #expect(try FinalHopPayload(decoding: bytes).keysendPreimage == preimage)
        // Not 32 bytes: refused at the final hop.
        #expect(decodeError(hexBytes("020203e8040164ff0000000146c6616c0177"), isFinal: true)
            == .invalidRecord(type: 5_482_373_484, offset: 7, .invalidLength(field: "TLV record 5482373484", expected: "the length of its known encoding", actual: 1)))
        // It is even: a forwarding hop, which has no payment to settle, refuses it.
        #expect(decodeError(hexBytes("020203e8040164060800000000000000" + "07" + "ff0000000146c6616c20" + String(repeating: "77", count: 32)), isFinal: false)
            == .unexpectedRecord(type: 5_482_373_484, offset: 17))
    }

    @Test func unknownOddRecordsAreKept() throws {
        let bytes = hexBytes("020203e8040164" + "0f0201ff" + "fd01f50100")
        let payload = try FinalHopPayload(decoding: bytes)
        #expect(payload.unknownRecords == [TLVRecord(type: 15, value: [1, 0xff]), TLVRecord(type: 501, value: [0])])
        #expect(try payload.encoded() == bytes)
    }

    @Test func requiredRecords() {
        #expect(decodeError(hexBytes("040164"), isFinal: true) == .missingRecord(type: 2))
        #expect(decodeError(hexBytes("020203e8"), isFinal: true) == .missingRecord(type: 4))
        #expect(decodeError(hexBytes("020203e8"), isFinal: false) == .missingRecord(type: 4))
        #expect(decodeError(hexBytes("020203e8040164"), isFinal: false) == .missingRecord(type: 6))
        #expect(decodeError(hexBytes("020203e8040164"), isFinal: false)?.failure == .invalidOnionPayload(type: 6, offset: 0))
        #expect(decodeError([], isFinal: true) == .missingRecord(type: 2))
    }

    @Test func recordsForbiddenByRole() {
        // The final hop has no channel to forward on.
        let withChannel = hexBytes("020203e8040164060800000000000000ff")
        #expect(decodeError(withChannel, isFinal: true) == .unexpectedRecord(type: 6, offset: 7))
        #expect(decodeError(withChannel, isFinal: true)?.failure == .invalidOnionPayload(type: 6, offset: 7))
        #expect((try? HopPayload.decode(withChannel, isFinal: false)) != nil)
        // A forwarding hop must not be given the payment's secret or metadata.
        let withData = hexBytes("020203e80401640608000000000000000108" + "22" + String(repeating: "11", count: 32) + "03e8")
        #expect(decodeError(withData, isFinal: false) == .unexpectedRecord(type: 8, offset: 17))
        #expect(decodeError(hexBytes("020203e80401640608000000000000000110020102"), isFinal: false)
            == .unexpectedRecord(type: 16, offset: 17))
    }

    @Test func routeBlindingRecordsAreRefusedNotCrashedOn() {
        let encrypted = hexBytes("0a03aabbcc")
        #expect(decodeError(encrypted, isFinal: false) == .routeBlindingUnsupported(type: 10, offset: 0))
        #expect(decodeError(hexBytes("020203e8040164" + "0c21" + "02" + String(repeating: "33", count: 32)), isFinal: true)
            == .routeBlindingUnsupported(type: 12, offset: 7))
        #expect(decodeError(hexBytes("020203e8040164" + "120203e8"), isFinal: true)?.failure
            == .invalidOnionPayload(type: 18, offset: 7))
    }

    @Test func framingErrors() {
        // An even type nobody defined.
        #expect(decodeError(hexBytes("020203e8040164" + "1401ff"), isFinal: true) == .unknownEvenType(20, offset: 7))
        #expect(decodeError(hexBytes("020203e8040164" + "1401ff"), isFinal: true)?.failure == .invalidOnionPayload(type: 20, offset: 7))
        // Out of order, duplicated, a length past the end, a non-minimal type.
        for bad in ["040164020203e8", "020203e8020203e8", "020503e8", "fd000201ff"] {
            guard case .malformedStream? = decodeError(hexBytes(bad), isFinal: true) else {
                Issue.record("\(bad) should be a malformed stream"); continue
            }
            let code = decodeError(hexBytes(bad), isFinal: true)?.failure.code
            #expect(code == 0x4016)
        }
        // A short_channel_id of the wrong size.
        #expect(decodeError(hexBytes("020203e8040164" + "0607000000000000ff"), isFinal: false)
            == .invalidRecord(type: 6, offset: 7, .invalidLength(field: "TLV record 6", expected: "the length of its known encoding", actual: 7)))
    }

    @Test func encodingRefusesClashingUnknownRecords() {
        let clash = FinalHopPayload(amountToForward: MilliSatoshi(1), outgoingCLTVValue: 1, unknownRecords: [TLVRecord(type: 6, value: [])])
        #expect(throws: WireError.self) { try clash.encoded() }
        let duplicate = ForwardingHopPayload(
            amountToForward: MilliSatoshi(1), outgoingCLTVValue: 1, shortChannelID: ShortChannelID(rawValue: 1),
            unknownRecords: [TLVRecord(type: 2, value: [1])])
        #expect(throws: WireError.self) { try duplicate.encoded() }
        let keysendAsUnknown = FinalHopPayload(
            amountToForward: MilliSatoshi(1), outgoingCLTVValue: 1, unknownRecords: [TLVRecord(type: 5_482_373_484, value: [])])
        #expect(throws: WireError.self) { try keysendAsUnknown.encoded() }
    }

    @Test func errorCodesAreStable() {
        let errors: [HopPayloadError] = [
            .invalidFrame, .malformedStream(.nonMinimal(field: "bigsize"), offset: 0), .unknownEvenType(2, offset: 0),
            .invalidRecord(type: 2, offset: 0, .nonMinimal(field: "tu64")), .missingRecord(type: 2),
            .unexpectedRecord(type: 6, offset: 0), .routeBlindingUnsupported(type: 10, offset: 0),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        #expect(errors.allSatisfy { $0.code.hasPrefix("onion_payload_") && !$0.message.isEmpty })
        #expect(HopPayloadError.malformedStream(.truncated(needed: 1, remaining: 0), offset: 70_000).failure
            == .invalidOnionPayload(type: 0, offset: UInt16.max))
    }
}
