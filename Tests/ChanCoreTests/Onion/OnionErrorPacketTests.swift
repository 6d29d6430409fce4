import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Returning failures: the spec's "Returning Errors" trace and `onion-error-test.json`,
/// step by step, then the sender's decryption.
@Suite struct OnionErrorPacketTests {
    let trace = Bolt04Vectors.shared.returningErrors
    let legacy = Bolt04Vectors.shared.errorTest

    var route: [OnionHopSecret] {
        zip(trace.hopPubkeys, trace.sharedSecrets).map { OnionHopSecret(nodeID: $0, sharedSecret: $1) }
    }

    @Test func traceKeysAndStreams() {
        for step in trace.steps {
            #expect(step.sharedSecret.key(.ammag) == step.ammagKey, "node \(step.node)")
            #expect(step.sharedSecret.key(.um) == step.umKey, "node \(step.node)")
            #expect(OnionErrorPacket.obfuscate([UInt8](repeating: 0, count: step.stream.count), sharedSecret: step.sharedSecret) == step.stream)
            #expect(step.sharedSecret == trace.sharedSecrets[step.node])
        }
        #expect(trace.sharedSecrets[trace.failureSourceNode].key(.um) == trace.umKey)
    }

    @Test func traceCreation() throws {
        let tlvs = try TLVStream(records: [TLVRecord(type: trace.tlvType, value: trace.tlvValue)])
        let message = OnionFailureMessage(
            .incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(trace.htlcMsat), height: trace.height), tlvs: tlvs)
        let encoded = try message.encoded()
        #expect(encoded == trace.failureMessage)
        #expect(encoded.count == trace.failureLength)
        #expect(trace.failureLength + trace.padLength == 1024)

        // The trace pads to 1024 bytes, more than BOLT 4's 256.
        let secret = trace.sharedSecrets[trace.failureSourceNode]
        let raw = try OnionErrorPacket.unobfuscated(sharedSecret: secret, failureMessage: encoded, paddedLength: 1024)
        #expect(raw == trace.rawErrorPacket)
        #expect(Array(raw[32...]) == trace.payload)
        #expect(Array(raw[34...]) == trace.encodedFailureMessage)
        #expect(try OnionErrorPacket.create(sharedSecret: secret, message: message, paddedLength: 1024) == trace.steps[0].errorPacket)
    }

    @Test func everyObfuscationStep() throws {
        var packet = trace.rawErrorPacket
        for step in trace.steps {
            packet = OnionErrorPacket.obfuscate(packet, sharedSecret: step.sharedSecret)
            #expect(packet == step.errorPacket, "node \(step.node)")
        }
        #expect(trace.steps.map(\.node) == [4, 3, 2, 1, 0])
    }

    @Test func originAttributesTheTraceFailure() throws {
        let result = OnionErrorPacket.decrypt(try #require(trace.steps.last).errorPacket, route: route)
        guard case .failure(let hopIndex, let nodeID, let message) = result else {
            Issue.record("expected an attributed failure, got \(result)"); return
        }
        #expect(hopIndex == 4)
        #expect(nodeID == trace.hopPubkeys[4])
        #expect(message.failure == .incorrectOrUnknownPaymentDetails(htlcAmount: MilliSatoshi(100), height: 800_000))
        #expect(message.tlvs.records == [TLVRecord(type: 34001, value: [UInt8](repeating: 128, count: 300))])
        #expect(message.failure.isPermanent)
    }

    @Test func legacyVector() throws {
        #expect(legacy.sharedSecrets == trace.sharedSecrets)
        #expect(zip(legacy.sharedSecrets, legacy.ammagKeys).allSatisfy { $0.key(.ammag) == $1 })
        #expect(legacy.sharedSecrets[4].key(.um) == legacy.umKey)
        #expect(try OnionFailureMessage(decoding: legacy.failureMessage).failure == .temporaryNodeFailure)

        // BOLT 4's padding: failure_len + pad_len = 256.
        let raw = try OnionErrorPacket.unobfuscated(sharedSecret: legacy.sharedSecrets[4], failureMessage: legacy.failureMessage)
        #expect(Array(raw[32...]) == legacy.payload)
        var packet = try OnionErrorPacket.create(sharedSecret: legacy.sharedSecrets[4], message: OnionFailureMessage(.temporaryNodeFailure))
        for index in (0..<4).reversed() {
            packet = OnionErrorPacket.obfuscate(packet, sharedSecret: legacy.sharedSecrets[index])
        }
        #expect(packet == legacy.errorPacket)
        #expect(OnionErrorPacket.decrypt(packet, route: route)
            == .failure(hopIndex: 4, nodeID: trace.hopPubkeys[4], message: OnionFailureMessage(.temporaryNodeFailure)))
    }

    @Test func failureFromAMiddleHop() throws {
        let failure = OnionFailure.temporaryChannelFailure(channelUpdate: [0xaa, 0xbb])
        var packet = try OnionErrorPacket.create(sharedSecret: route[2].sharedSecret, message: OnionFailureMessage(failure))
        #expect(packet.count == 32 + 2 + 256 + 2)
        for index in [1, 0] {
            packet = OnionErrorPacket.obfuscate(packet, sharedSecret: route[index].sharedSecret)
        }
        #expect(OnionErrorPacket.decrypt(packet, route: route)
            == .failure(hopIndex: 2, nodeID: route[2].nodeID, message: OnionFailureMessage(failure)))
        // With only the first two hops' secrets the failure cannot be placed.
        #expect(OnionErrorPacket.decrypt(packet, route: Array(route.prefix(2))) == .unattributable)
    }

    @Test func alteredPacketIsUnattributable() throws {
        var packet = try #require(trace.steps.last).errorPacket
        packet[100] ^= 0x01
        #expect(OnionErrorPacket.decrypt(packet, route: route) == .unattributable)
        for short in [[], [UInt8](repeating: 7, count: 31), [UInt8](repeating: 7, count: 32), [UInt8](repeating: 0, count: 300)] {
            #expect(OnionErrorPacket.decrypt(short, route: route) == .unattributable)
        }
        #expect(OnionErrorPacket.decrypt(trace.steps[0].errorPacket, route: []) == .unattributable)
    }

    @Test func authenticatedButMalformedMessageBlamesTheHop() throws {
        // Hop 1 sends a correctly authenticated packet whose failure_len runs past the end.
        let body: [UInt8] = [0x00, 0x64, 0x20, 0x02]
        let secret = route[1].sharedSecret
        let raw = HMACSHA256.authenticate(key: secret.key(.um), message: body) + body
        var packet = OnionErrorPacket.obfuscate(raw, sharedSecret: secret)
        packet = OnionErrorPacket.obfuscate(packet, sharedSecret: route[0].sharedSecret)
        guard case .malformed(let hopIndex, let nodeID, _) = OnionErrorPacket.decrypt(packet, route: route) else {
            Issue.record("expected malformed"); return
        }
        #expect(hopIndex == 1)
        #expect(nodeID == route[1].nodeID)

        // An empty failuremsg: the length is fine but no code follows.
        let empty = try OnionErrorPacket.create(sharedSecret: route[0].sharedSecret, failureMessage: [])
        #expect(OnionErrorPacket.decrypt(empty, route: route) == .malformed(hopIndex: 0, nodeID: route[0].nodeID, error: .truncated(needed: 2, remaining: 0)))
    }

    @Test func paddingTargets() throws {
        let secret = route[0].sharedSecret
        // Shorter target than the message: no pad, never a negative one.
        let long = [UInt8](repeating: 0x20, count: 300)
        let unpadded = try OnionErrorPacket.unobfuscated(sharedSecret: secret, failureMessage: long)
        #expect(unpadded.count == 32 + 2 + 300 + 2)
        #expect(Array(unpadded.suffix(2)) == [0, 0])
        // Too big for update_fail_htlc's u16-prefixed reason.
        #expect(throws: WireError.self) {
            try OnionErrorPacket.unobfuscated(sharedSecret: secret, failureMessage: [0x20, 0x02], paddedLength: 65_535)
        }
    }
}
