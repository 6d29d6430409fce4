import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Packets a hop must refuse, and the reply each refusal takes: a BADONION code with
/// `sha256_of_onion` for `update_fail_malformed_htlc`, or `invalid_onion_payload` under
/// the hop's shared secret.
@Suite struct SphinxTamperTests {
    let vector = Bolt04Vectors.shared.onionTest

    func tampered(_ change: (inout [UInt8]) -> Void) throws -> OnionRoutingPacket {
        var bytes = vector.onion
        change(&bytes)
        return try OnionRoutingPacket(bytes)
    }

    func badOnion(_ packet: OnionRoutingPacket) -> BadOnion? {
        do {
            _ = try Sphinx.peel(packet, nodeKey: vector.hopPrivateKeys[0], associatedData: vector.associatedData)
            return nil
        } catch {
            guard case .badOnion(let badOnion) = error else { return nil }
            return badOnion
        }
    }

    @Test func unknownVersion() throws {
        let packet = try tampered { $0[0] = 1 }
        let result = try #require(badOnion(packet))
        #expect(result == .invalidVersion(sha256OfOnion: packet.sha256))
        #expect(result.failureCode == 0x8000 | 0x4000 | 4)
        #expect(result.sha256OfOnion.bytes == SHA256.hash(packet.bytes))
        #expect(result.failure == .invalidOnionVersion(sha256OfOnion: packet.sha256))
    }

    @Test func unparsableEphemeralKey() throws {
        let changes: [(inout [UInt8]) -> Void] = [
            { $0[1] = 0x04 },  // uncompressed prefix
            { $0[1] = 0x00 },
            { $0.replaceSubrange(2..<34, with: [UInt8](repeating: 0xff, count: 32)) },  // x beyond the field
        ]
        for change in changes {
            let packet = try tampered(change)
            let result = try #require(badOnion(packet))
            #expect(result == .invalidKey(sha256OfOnion: packet.sha256))
            #expect(result.failureCode == 0x8000 | 0x4000 | 6)
        }
    }

    @Test func anotherValidEphemeralKeyFailsTheHMAC() throws {
        let other = try OnionTestSupport.key(9).publicKey.compressed
        let packet = try tampered { $0.replaceSubrange(1..<34, with: other) }
        #expect(badOnion(packet) == .invalidHMAC(sha256OfOnion: packet.sha256))
    }

    @Test func alteredPayloadsOrHMAC() throws {
        for index in [34, 700, 1333, 1334, 1365] {
            let packet = try tampered { $0[index] ^= 0x01 }
            let result = try #require(badOnion(packet), "byte \(index)")
            #expect(result == .invalidHMAC(sha256OfOnion: packet.sha256))
            #expect(result.failureCode == 0x8000 | 0x4000 | 5)
        }
    }

    @Test func malformedReplyIsWrappedUpstream() throws {
        // The previous hop receives update_fail_malformed_htlc and rebuilds the failure.
        let packet = try tampered { $0[0] = 7 }
        let result = try #require(badOnion(packet))
        let message = UpdateFailMalformedHTLC(
            channelID: .zero, id: 3, sha256OfOnion: result.sha256OfOnion, failureCode: result.failureCode)
        #expect(OnionFailure(malformedCode: message.failureCode, sha256OfOnion: message.sha256OfOnion) == result.failure)
        #expect(OnionFailure(malformedCode: 0xc018, sha256OfOnion: .zero) == .invalidOnionBlinding(sha256OfOnion: .zero))
        #expect(OnionFailure(malformedCode: 0xc0ff, sha256OfOnion: .zero) == .unknown(code: 0xc0ff, data: Hash32.zero.bytes))
    }

    // MARK: Authentic packets with an unusable frame or payload

    func peelHandBuilt(_ plaintext: [UInt8]) throws -> (OnionPeelError?, OnionSharedSecret) {
        let nodeKey = try OnionTestSupport.key(1)
        let (packet, secret) = try OnionTestSupport.packet(
            decryptingTo: plaintext, for: nodeKey.publicKey, sessionKey: try OnionTestSupport.key(2),
            associatedData: OnionTestSupport.paymentHash)
        do {
            _ = try Sphinx.peel(packet, nodeKey: nodeKey, associatedData: OnionTestSupport.paymentHash)
            return (nil, secret)
        } catch {
            return (error, secret)
        }
    }

    @Test func handBuiltPacketPeels() throws {
        // The helper agrees with Sphinx on the primitives, so the cases below are meaningful.
        let payload = try HopPayload.final(FinalHopPayload(amountToForward: MilliSatoshi(5), outgoingCLTVValue: 9)).encoded()
        let (error, _) = try peelHandBuilt(OnionTestSupport.frame(payload))
        #expect(error == nil)
    }

    @Test func reservedAndOversizedFrameLengths() throws {
        var plaintexts: [[UInt8]] = [
            [0x00] + [UInt8](repeating: 0, count: 1299),  // length 0: the legacy format, gone
            [0x01] + [UInt8](repeating: 0, count: 1299),  // length 1: reserved
            [0xfd, 0x00, 0x10] + [UInt8](repeating: 0, count: 1297),  // non-minimal BigSize
            [0xfd, 0x04, 0xf2] + [UInt8](repeating: 0, count: 1297),  // 1266 + 3 + 32 > 1300
            [0xff] + [UInt8](repeating: 0xff, count: 1299),  // absurd length
        ]
        plaintexts.append([0xfd, 0x04, 0xf1] + [UInt8](repeating: 0, count: 1297))  // 1265: fits exactly, but empty TLVs
        for (index, plaintext) in plaintexts.enumerated() {
            let (error, secret) = try peelHandBuilt(plaintext)
            if index < 5 {
                #expect(error == .invalidPayload(.invalidFrame, sharedSecret: secret), "case \(index)")
                #expect(error?.failure == .invalidOnionPayload(type: 0, offset: 0))
            } else {
                // The frame fits; its zero bytes are a record of even type 0, which nobody defines.
                #expect(error == .invalidPayload(.unknownEvenType(0, offset: 0), sharedSecret: secret))
            }
        }
    }

    @Test func invalidPayloadCarriesTheSharedSecret() throws {
        // A forwarding frame (non-zero next HMAC) without short_channel_id.
        let payload: [UInt8] = [0x02, 0x01, 0x05, 0x04, 0x01, 0x09]
        let (error, secret) = try peelHandBuilt(OnionTestSupport.frame(payload, nextHMAC: [UInt8](repeating: 1, count: 32)))
        #expect(error == .invalidPayload(.missingRecord(type: 6), sharedSecret: secret))
        #expect(error?.failure == .invalidOnionPayload(type: 6, offset: 0))
        #expect(error?.code == "onion_payload_missing_record")
    }

    @Test func buildRefusesBadRoutes() throws {
        let sessionKey = try OnionTestSupport.key(0)
        let nodeID = try OnionTestSupport.key(1).publicKey
        #expect(throws: OnionBuildError.invalidHopCount(0)) {
            try Sphinx.build(sessionKey: sessionKey, hops: [], associatedData: [])
        }
        #expect(throws: OnionBuildError.invalidHopCount(28)) {
            try Sphinx.build(sessionKey: sessionKey, hops: Array(repeating: OnionHop(nodeID: nodeID, payload: [1, 0]), count: 28), associatedData: [])
        }
        #expect(throws: OnionBuildError.payloadTooShort(hopIndex: 1, length: 1)) {
            try Sphinx.build(sessionKey: sessionKey, hops: [OnionHop(nodeID: nodeID, payload: [1, 0]), OnionHop(nodeID: nodeID, payload: [1])], associatedData: [])
        }
        // 1265 + 3 + 32 = 1300 fits; one byte more does not.
        _ = try Sphinx.build(sessionKey: sessionKey, hops: [OnionHop(nodeID: nodeID, payload: [UInt8](repeating: 1, count: 1265))], associatedData: [])
        #expect(throws: OnionBuildError.payloadsTooLarge(total: 1301, limit: 1300)) {
            try Sphinx.build(sessionKey: sessionKey, hops: [OnionHop(nodeID: nodeID, payload: [UInt8](repeating: 1, count: 1266))], associatedData: [])
        }
    }
}

/// `Sphinx.damaged`: a packet that every hop before the chosen one forwards, and that the
/// chosen hop refuses with `invalid_onion_hmac` (what `pay --corrupt-onion` sends).
@Suite struct SphinxDamageTests {
    @Test func theChosenHopAloneFailsItsHMAC() throws {
        let (keys, hops) = try OnionTestSupport.route(count: 4)
        let built = try Sphinx.build(sessionKey: try OnionTestSupport.key(20), hops: hops, associatedData: OnionTestSupport.paymentHash)
        for damagedHop in 0..<4 {
            let damaged = try #require(Sphinx.damaged(built.packet, atHop: damagedHop, hopSecrets: built.hopSecrets,
                                                      associatedData: OnionTestSupport.paymentHash))
            #expect(damaged != built.packet)
            var packet = damaged
            for index in 0..<damagedHop {
                // Every hop before it reads its own layer as built: the same payload.
                let peeled = try Sphinx.peel(packet, nodeKey: keys[index], associatedData: OnionTestSupport.paymentHash)
                let original = try Sphinx.peel(try Self.layer(built.packet, at: index, keys: keys), nodeKey: keys[index],
                                               associatedData: OnionTestSupport.paymentHash)
                #expect(peeled.payload == original.payload && peeled.sharedSecret == original.sharedSecret, "hop \(index) of \(damagedHop)")
                packet = try #require(peeled.nextPacket)
            }
            do {
                _ = try Sphinx.peel(packet, nodeKey: keys[damagedHop], associatedData: OnionTestSupport.paymentHash)
                Issue.record("hop \(damagedHop) read a damaged layer")
            } catch {
                #expect(error == .badOnion(.invalidHMAC(sha256OfOnion: packet.sha256)), "hop \(damagedHop)")
            }
        }
        #expect(Sphinx.damaged(built.packet, atHop: 4, hopSecrets: built.hopSecrets, associatedData: OnionTestSupport.paymentHash) == nil)
    }

    /// The packet hop `index` receives when nothing is damaged.
    static func layer(_ packet: OnionRoutingPacket, at index: Int, keys: [PrivateKey]) throws -> OnionRoutingPacket {
        var packet = packet
        for hop in 0..<index {
            packet = try #require(try Sphinx.peel(packet, nodeKey: keys[hop], associatedData: OnionTestSupport.paymentHash).nextPacket)
        }
        return packet
    }
}
