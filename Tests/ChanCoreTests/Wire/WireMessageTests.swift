import ChanCore
import ChanLedger
import Testing

@Suite struct WireMessageTests {
    @Test func samplesCoverEveryMessageType() {
        let sampled = Set(SampleMessages.all.map(\.messageType))
        for type in WireMessageType.allCases {
            #expect(sampled.contains(type.rawValue), "no sample for \(type.name)")
        }
    }

    @Test func everySampleRoundTrips() throws {
        for message in SampleMessages.all {
            let encoded = try message.encode()
            #expect(encoded.count <= WireMessage.maxLength)
            #expect(Array(encoded.prefix(2)) == [UInt8(message.messageType >> 8), UInt8(message.messageType & 0xff)])
            let decoded = try WireMessage.decode(encoded)
            #expect(decoded == message, "\(message.messageType)")
            #expect(try decoded.encode() == encoded)
        }
    }

    /// Every strict prefix fails, except one that ends exactly between two TLV records of
    /// the extension: that is a valid message with fewer records, and it must re-encode to
    /// exactly those bytes.
    @Test func truncationAtEveryOffsetThrowsOrEndsOnARecordBoundary() throws {
        for message in SampleMessages.all {
            let encoded = try message.encode()
            if case .unknown = message {
                // An unknown odd message's payload is opaque: any prefix after the type is one.
                for cut in 0..<2 { #expect(throws: WireError.self) { try WireMessage.decode(Array(encoded.prefix(cut))) } }
                continue
            }
            let extensionStart = try SampleMessages.withoutExtension(message).encode().count
            // Gossip keeps its tail raw: every cut after the fixed fields is a shorter tail.
            let boundaries = SampleMessages.hasOpaqueTail(message)
                ? Set(extensionStart...encoded.count)
                : try recordBoundaries(Array(encoded[extensionStart...]), offset: extensionStart)
            #expect(boundaries.count >= 1)
            for cut in 0..<encoded.count {
                let prefix = Array(encoded.prefix(cut))
                if boundaries.contains(cut) {
                    let decoded = try WireMessage.decode(prefix)
                    #expect(decoded.messageType == message.messageType)
                    #expect(try decoded.encode() == prefix)
                } else {
                    #expect(throws: WireError.self, "\(message.messageType) cut at \(cut)") {
                        try WireMessage.decode(prefix)
                    }
                }
            }
        }
    }

    /// Offsets (in the whole message) where a TLV record starts, plus the end of the stream.
    private func recordBoundaries(_ stream: [UInt8], offset: Int) throws -> Set<Int> {
        var reader = WireReader(stream)
        var boundaries: Set<Int> = [offset]
        while !reader.isAtEnd {
            _ = try reader.readBigSize()
            let length = try reader.readBigSize()
            _ = try reader.readBytes(Int(length))
            boundaries.insert(offset + reader.position)
        }
        return boundaries
    }

    @Test func bodiesEncodeAndDecodeOnTheirOwn() throws {
        let encoded = try SampleMessages.openChannel.encode()
        #expect(try OpenChannel.decode(encoded) == SampleMessages.openChannel)
        #expect(throws: WireError.self) { try AcceptChannel.decode(encoded) }
    }

    // MARK: Unknown types

    @Test func unknownOddTypeIsKeptAndUnknownEvenTypeThrows() throws {
        #expect(try WireMessage.decode([0x80, 0x01, 0xaa]) == .unknown(type: 0x8001, payload: [0xaa]))
        // query_short_channel_ids (261): gossip queries are not implemented, and odd, so skipped.
        #expect(try WireMessage.decode([0x01, 0x05]) == .unknown(type: 261, payload: []))
        #expect(throws: WireError.unknownEvenMessageType(0x8000)) { try WireMessage.decode([0x80, 0x00, 0xaa]) }
        // reply_channel_range (264) is even and not implemented: it must close the connection.
        #expect(throws: WireError.unknownEvenMessageType(264)) { try WireMessage.decode([0x01, 0x08]) }
        // channel_announcement (256) is known now: an empty one is cut short, not unknown.
        #expect(throws: WireError.truncated(needed: 64, remaining: 0)) { try WireMessage.decode([0x01, 0x00]) }
        #expect(WireError.unknownEvenMessageType(2).code == "wire_unknown_even_type")
        #expect(WireMessage.unknown(type: 0x8001, payload: []).name == "unknown_32769")
        #expect(SampleMessages.all.map(\.name).contains("update_add_htlc"))
    }

    @Test func unknownCaseWithAKnownTypeDoesNotEncode() {
        #expect(throws: WireError.self) { try WireMessage.unknown(type: 18, payload: [0, 0, 0, 0]).encode() }
    }

    @Test func unknownEvenTLVInAMessageThrows() throws {
        var encoded = try WireMessage.updateFee(UpdateFee(channelID: .zero, feeratePerKw: 1000)).encode()
        encoded += [0x02, 0x00]
        #expect(throws: WireError.unknownEvenTLVType(2)) { try WireMessage.decode(encoded) }
    }

    @Test func knownTLVWithWrongLengthThrows() throws {
        let base = try WireMessage.channelReady(ChannelReady(channelID: .zero, secondPerCommitmentPoint: SampleMessages.point(1))).encode()
        // short_channel_id alias must be exactly 8 bytes.
        #expect(throws: WireError.self) { try WireMessage.decode(base + [0x01, 0x07] + [UInt8](repeating: 1, count: 7)) }
        #expect(throws: WireError.self) { try WireMessage.decode(base + [0x01, 0x09] + [UInt8](repeating: 1, count: 9)) }
        #expect(try WireMessage.decode(base + [0x01, 0x08] + [UInt8](repeating: 1, count: 8)) != WireMessage.decode(base))
        // networks must be whole chain hashes.
        #expect(throws: WireError.self) { try WireMessage.decode([0x00, 0x10, 0, 0, 0, 0, 0x01, 0x1f] + [UInt8](repeating: 0, count: 31)) }
    }

    @Test func duplicateTLVTypesDoNotEncode() {
        var ready = ChannelReady(channelID: .zero, secondPerCommitmentPoint: SampleMessages.point(1))
        ready.tlvs.alias = ShortChannelID(rawValue: 5)
        ready.tlvs.unknownRecords = [TLVRecord(type: 1, value: [])]
        #expect(throws: WireError.tlvOrder(previous: 1, next: 1)) { try ready.encode() }
    }

    // MARK: Size limits

    @Test func messagesOverTheLimitDoNotDecode() {
        let oversized = [0x00, 0x13, 0xff, 0xfd] + [UInt8](repeating: 0, count: 65533)
        #expect(oversized.count == 65537)
        #expect(throws: WireError.tooLong(length: 65537, limit: 65535)) { try WireMessage.decode(oversized) }
        #expect(throws: WireError.tooLong(length: 65537, limit: 65535)) { try Pong.decode(oversized) }
    }

    @Test func messagesOverTheLimitDoNotEncode() throws {
        // The largest pong that fits: 2 (type) + 2 (byteslen) + 65531.
        let largest = Pong(ignored: [UInt8](repeating: 0, count: 65531))
        #expect(try largest.encode().count == 65535)
        #expect(try WireMessage.decode(largest.encode()) == .pong(largest))
        #expect(throws: WireError.tooLong(length: 65536, limit: 65535)) {
            try Pong(ignored: [UInt8](repeating: 0, count: 65532)).encode()
        }
        #expect(throws: WireError.self) { try Pong(ignored: [UInt8](repeating: 0, count: 65536)).encode() }
        #expect(throws: WireError.self) {
            try WireMessage.unknown(type: 0x8001, payload: [UInt8](repeating: 0, count: 65534)).encode()
        }
        var ping = Ping(numPongBytes: 0)
        ping.tlvs.unknownRecords = [TLVRecord(type: 1, value: [UInt8](repeating: 0, count: 70_000))]
        #expect(throws: WireError.self) { try ping.encode() }
    }

    @Test func lengthFieldsLongerThanTheMessageThrow() {
        // pong claiming 65535 ignored bytes but carrying 3.
        #expect(throws: WireError.truncated(needed: 65535, remaining: 3)) {
            try WireMessage.decode([0x00, 0x13, 0xff, 0xff, 1, 2, 3])
        }
        // commitment_signed claiming 65535 HTLC signatures but carrying none.
        let header: [UInt8] = [0x00, 0x84] + [UInt8](repeating: 0, count: 32 + 64) + [0xff, 0xff]
        #expect(throws: WireError.truncated(needed: 65535 * 64, remaining: 0)) { try WireMessage.decode(header) }
        // A TLV record whose BigSize length is 2^64 - 1.
        let fee = [0x00, 0x86] + [UInt8](repeating: 0, count: 36)
        #expect(throws: WireError.self) { try WireMessage.decode(fee + [0x01, 0xff] + [UInt8](repeating: 0xff, count: 8)) }
        #expect(throws: WireError.self) { try WireMessage.decode(fee + [0x01, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00]) }
    }

    @Test func errorTextIsShownOnlyWhenPrintable() {
        #expect(ErrorMessage(channelID: .zero, text: "bad sig").printableText == "bad sig")
        #expect(ErrorMessage(channelID: .zero, data: [0x41, 0x0a]).printableText == nil)
    }

    @Test func pingAnswersOnlyBelowTheThreshold() {
        #expect(Ping(numPongBytes: 4).expectedPong == Pong(ignored: [0, 0, 0, 0]))
        #expect(Ping(numPongBytes: 65531).expectedPong?.ignored.count == 65531)
        #expect(Ping(numPongBytes: 65532).expectedPong == nil)
    }

    @Test func initCombinesFeatureBitmaps() {
        let message = InitMessage(globalFeatures: [0x01, 0x02], features: [0x80, 0x00, 0x08])
        #expect(message.combinedFeatures == [0x80, 0x01, 0x0a])
    }
}
